using Microsoft.Data.Sqlite;
using Npgsql;

namespace Annotator.Web.Data;

/// <summary>
/// Recognises a write that failed because the server's storage is full: SQLite's SQLITE_FULL ("database or disk is
/// full"), a file write that met ENOSPC (or a quota), PostgreSQL's 53100 disk_full. Such a failure is the operator's to
/// fix, not a bug: callers answer with <see cref="Message"/> and log a warning, and retry nothing.
/// </summary>
public static class StorageFull
{
    /// <summary>What a user is told when their change could not be saved for lack of space.</summary>
    public const string Message = "The server's storage is full; your change was not saved.";

    private const int SqliteFull = 13;
    private const string PostgresDiskFull = "53100";
    private const int Enospc = 28;
    private const int Edquot = 122;
    private const int WindowsDiskFull = 112;
    private const int WindowsHandleDiskFull = 39;

    /// <summary>Whether <paramref name="exception"/> or one it wraps says the storage is full.</summary>
    public static bool Is(Exception? exception)
    {
        for (var e = exception; e is not null; e = e.InnerException)
        {
            switch (e)
            {
                case SqliteException sqlite when sqlite.SqliteErrorCode == SqliteFull:
                case PostgresException postgres when postgres.SqlState == PostgresDiskFull:
                    return true;
                case IOException io when IsDiskFull(io.HResult):
                    return true;
                case AggregateException aggregate when aggregate.InnerExceptions.Any(Is):
                    return true;
            }
        }
        return false;
    }

    // .NET reports a Unix write error as an IOException whose HResult is the errno; on Windows it is the Win32 error as
    // an HRESULT (0x8007xxxx).
    private static bool IsDiskFull(int hresult) => OperatingSystem.IsWindows()
        ? (hresult & 0xFFFF) is WindowsDiskFull or WindowsHandleDiskFull && (hresult & 0xFFFF0000) == 0x80070000
        : hresult is Enospc or Edquot;
}
