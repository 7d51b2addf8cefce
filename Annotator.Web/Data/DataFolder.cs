namespace Annotator.Web.Data;

/// <summary>
/// The app's data folder must be writable before anything else starts: a read-only or unwritable one (a read-only
/// mount, a folder of another user, a path through a file) stops the start with one sentence saying which folder and
/// what to do, instead of a stack trace from the first component that happens to write there.
/// </summary>
public static class DataFolder
{
    /// <summary>Creates <paramref name="path"/> if needed and checks that a file can be written in it.</summary>
    /// <exception cref="DataFolderException">The folder cannot be created or written.</exception>
    public static void Prepare(string path)
    {
        var probe = Path.Combine(path, $".write-check-{Guid.NewGuid():N}");
        try
        {
            Directory.CreateDirectory(path);
            new FileStream(probe, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1, FileOptions.DeleteOnClose).Dispose();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw Unwritable(path, e);
        }
    }

    /// <summary>The error for a data folder (or a folder in it) that cannot be written.</summary>
    public static DataFolderException Unwritable(string path, Exception cause)
    {
        ArgumentNullException.ThrowIfNull(cause);
        var why = cause switch
        {
            UnauthorizedAccessException => "permission denied",
            _ when Data.StorageFull.Is(cause) => "the disk is full",
            DirectoryNotFoundException or FileNotFoundException => "a part of its path is missing or is not a folder",
            // .NET's messages for other Unix errors are "{strerror} : '{path}'" (e.g. "Read-only file system"); the
            // path is said once already.
            _ => cause.Message.Split(" : ", 2)[0].TrimEnd('.'),
        };
        return new DataFolderException(
            $"Annotator cannot write to its data folder {path} ({why}). Make it writable by the user running Annotator "
            + "(or free space), or set Annotator:DataPath to a writable folder.", cause);
    }
}

/// <summary>The data folder cannot be used; the message says which folder and what to do.</summary>
public sealed class DataFolderException(string message, Exception innerException) : Exception(message, innerException);
