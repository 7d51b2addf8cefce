using Annotator.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Accounts;

/// <summary>
/// Whether the first admin exists. Until then every page leads to /setup; once true it stays true, so the database
/// is asked only until then.
/// </summary>
public sealed class SetupState(IDbContextFactory<AnnotatorDbContext> dbFactory)
{
    private volatile bool _done;

    /// <summary>Serialises the creation of the first admin, so two people racing through /setup make one admin.</summary>
    internal SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>Whether an account exists.</summary>
    public async Task<bool> IsDoneAsync(CancellationToken cancellationToken = default)
    {
        if (_done)
        {
            return true;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        _done = await db.Users.AnyAsync(cancellationToken);
        return _done;
    }

    internal void MarkDone() => _done = true;
}
