using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Infrastructure;

namespace Annotator.Web.Data;

/// <summary>
/// Lines up this process's edit transactions on SQLite, which has a single writer. Without it, a second writer waits in
/// SQLite's busy handler, which sleeps and polls in growing steps (up to 100 ms) and so adds tens of milliseconds to an
/// edit that could have started the moment the first one committed; here it starts then. PostgreSQL has row locks and
/// is not queued. Singleton: one queue per app, and so per database file.
/// </summary>
public sealed class SqliteWriteQueue
{
    private readonly SemaphoreSlim _writer = new(1, 1);

    /// <summary>
    /// Waits for the writer's turn when <paramref name="database"/> is SQLite (null otherwise); dispose the result after
    /// the transaction ends.
    /// </summary>
    public async Task<IDisposable?> EnterAsync(DatabaseFacade database, CancellationToken cancellationToken)
    {
        if (!database.IsSqlite())
        {
            return null;
        }
        await _writer.WaitAsync(cancellationToken);
        return new Turn(_writer);
    }

    private sealed class Turn(SemaphoreSlim writer) : IDisposable
    {
        private int _done;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _done, 1) == 0)
            {
                writer.Release();
            }
        }
    }
}
