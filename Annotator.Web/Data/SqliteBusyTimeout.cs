using System.Data.Common;
using Microsoft.EntityFrameworkCore.Diagnostics;

namespace Annotator.Web.Data;

/// <summary>
/// Sets SQLite's busy_timeout on every connection. SQLite lets one connection write at a time; without a busy
/// timeout a second writer gets SQLITE_BUSY at once and Microsoft.Data.Sqlite retries only after sleeping 150 ms,
/// so concurrent writers (parallel uploads, several editors) spend most of their time asleep. With it, SQLite waits
/// inside the call in steps of a few milliseconds until the lock is free.
/// </summary>
internal sealed class SqliteBusyTimeout : DbConnectionInterceptor
{
    private const string Pragma = "PRAGMA busy_timeout = 10000;";

    public override void ConnectionOpened(DbConnection connection, ConnectionEndEventData eventData)
    {
        using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        command.ExecuteNonQuery();
    }

    public override async Task ConnectionOpenedAsync(DbConnection connection, ConnectionEndEventData eventData,
        CancellationToken cancellationToken = default)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = Pragma;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
