using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Annotator.Web.Data;

/// <summary>
/// Sets up every SQLite connection. <c>busy_timeout</c>: SQLite lets one connection write at a time; without a busy
/// timeout a second writer gets SQLITE_BUSY at once and Microsoft.Data.Sqlite retries only after sleeping 150 ms, so
/// concurrent writers (parallel uploads, several editors) spend most of their time asleep. With it, SQLite waits inside
/// the call until the lock is free (edits do not even get there: <see cref="SqliteWriteQueue"/> lines them up first).
/// <c>synchronous</c>: NORMAL by default (<see cref="DatabaseOptions.SqliteSynchronous"/>): in WAL mode a commit
/// then writes the log without waiting for the disk to flush it, which survives the app crashing or being killed but
/// not the machine losing power (the last commits before the outage can be lost); FULL flushes on every commit.
/// </summary>
internal sealed class SqlitePragmas(bool fullSync) : DbConnectionInterceptor
{
    private readonly string _pragmas = "PRAGMA busy_timeout = 10000; PRAGMA synchronous = " + (fullSync ? "FULL;" : "NORMAL;");

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = _pragmas;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
