using System.Data.Common;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore.Diagnostics;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Infrastructure;

/// <summary>
/// Makes the app's SQLite database behave like a full disk or a read-only one, for real: every connection the app opens
/// gets <c>PRAGMA max_page_count</c> (SQLite then answers SQLITE_FULL "database or disk is full" exactly as when the
/// file system is full) or <c>PRAGMA query_only</c> (every write is refused). Register with <see cref="On"/>.
/// </summary>
public sealed class SqliteStorageLimit : DbConnectionInterceptor
{
    // SQLite's default maximum (a database of 2^32 - 2 pages); setting it back lifts the cap.
    private const long NoCap = 4294967294;

    private long _maxPages = NoCap;
    private volatile bool _readOnly;

    /// <summary>Adds the limit to <paramref name="app"/>'s SQLite contexts (before the app starts).</summary>
    public AnnotatorFactory On(AnnotatorFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.WithServices(s => s.ConfigureDbContext<Annotator.Web.Data.SqliteAnnotatorDbContext>(
            o => o.AddInterceptors(this), ServiceLifetime.Singleton));
    }

    /// <summary>
    /// Fills the database up: caps it at its current size and fills every free byte of it with a filler table, so that
    /// whatever needs a new page (a long polygon's overflow pages, a new table page) fails with SQLITE_FULL.
    /// </summary>
    public void Fill(AnnotatorFactory app)
    {
        ArgumentNullException.ThrowIfNull(app);
        using var connection = new SqliteConnection($"Data Source={Path.Combine(app.DataPath, "annotator.db")};Pooling=False");
        connection.Open();
        Execute(connection, "PRAGMA busy_timeout = 10000; CREATE TABLE IF NOT EXISTS test_filler (bytes BLOB NOT NULL);");
        var pages = (long)Scalar(connection, "PRAGMA page_count;")!;
        Interlocked.Exchange(ref _maxPages, pages);
        Execute(connection, $"PRAGMA max_page_count = {pages};");
        foreach (var size in new[] { 2000, 500, 100, 20 })
        {
            try
            {
                while (true)
                {
                    Execute(connection, $"INSERT INTO test_filler VALUES (randomblob({size}));");
                }
            }
            catch (SqliteException e) when (e.SqliteErrorCode == 13)
            {
                // Full for rows of this size; smaller ones may still fit.
            }
        }
    }

    /// <summary>Frees the space: the cap is lifted (for connections opened from now on).</summary>
    public void Free() => Interlocked.Exchange(ref _maxPages, NoCap);

    /// <summary>Whether every write is refused (SQLITE_READONLY), for connections opened from now on.</summary>
    public bool RefuseWrites
    {
        get => _readOnly;
        set => _readOnly = value;
    }

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData) =>
        Execute(connection, Pragmas());

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragmas();
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private string Pragmas() =>
        $"PRAGMA max_page_count = {Interlocked.Read(ref _maxPages)}; PRAGMA query_only = {(_readOnly ? "ON" : "OFF")};";

    private static void Execute(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private static object? Scalar(DbConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        return command.ExecuteScalar();
    }
}
