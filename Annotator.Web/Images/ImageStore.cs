using Annotator.Web.Data;
using Microsoft.Extensions.Options;

namespace Annotator.Web.Images;

/// <summary>
/// Content-addressed file store: a file is named by the SHA-256 of its bytes, so identical files are kept once and no
/// user-chosen name ever reaches the file system. Thumbnails (and later tile pyramids) are derived and can be rebuilt.
/// </summary>
public sealed class ImageStore
{
    private readonly string _root;

    /// <summary>Uses <c>{DataPath}/store</c>.</summary>
    public ImageStore(IOptions<AnnotatorOptions> options)
    {
        _root = Path.Combine(options.Value.DataFullPath, "store");
        Directory.CreateDirectory(Path.Combine(_root, "tmp"));
    }

    /// <summary>Where the file of an uploaded or displayed image with hash <paramref name="sha256"/> lives.</summary>
    public string BlobPath(string sha256) => Place("blobs", sha256, "");

    /// <summary>Where the WebP thumbnail of the displayed image with hash <paramref name="displaySha256"/> lives.</summary>
    public string ThumbnailPath(string displaySha256) => Place("thumbs", displaySha256, ".webp");

    /// <summary>A fresh temporary file path inside the store's file system, so the final move is a rename.</summary>
    public string NewTempPath() => Path.Combine(_root, "tmp", Guid.NewGuid().ToString("N"));

    /// <summary>
    /// Moves a temporary file to <paramref name="destination"/> unless a file is already there (same hash, same bytes).
    /// Returns whether this call created the file.
    /// </summary>
    public static bool Commit(string tempPath, string destination)
    {
        if (File.Exists(destination))
        {
            File.Delete(tempPath);
            return false;
        }
        Directory.CreateDirectory(Path.GetDirectoryName(destination)!);
        try
        {
            File.Move(tempPath, destination, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(destination))
        {
            // Another upload of the same bytes got there first.
            File.Delete(tempPath);
            return false;
        }
    }

    /// <summary>Deletes a file if it exists; never throws for a missing file.</summary>
    public static void DeleteQuietly(string? path)
    {
        if (path is null)
        {
            return;
        }
        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private string Place(string kind, string sha256, string suffix)
    {
        if (!IsSha256(sha256))
        {
            throw new ArgumentException("Not a SHA-256 hex string.", nameof(sha256));
        }
        return Path.Combine(_root, kind, sha256[..2], sha256[2..4], sha256 + suffix);
    }

    /// <summary>Whether <paramref name="value"/> is 64 lower-case hex digits.</summary>
    public static bool IsSha256(string value) =>
        value.Length == 64 && value.All(c => c is >= '0' and <= '9' or >= 'a' and <= 'f');
}
