namespace Annotator.Web.Images;

/// <summary>What images are accepted.</summary>
public sealed class ImageOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Annotator:Images";

    /// <summary>Largest image accepted, in pixels (width × height of the displayed image). Default 100 megapixels.</summary>
    public long MaxPixels { get; set; } = 100_000_000;

    /// <summary>Largest single uploaded file, in bytes. Default 256 MiB.</summary>
    public long MaxFileBytes { get; set; } = 256L * 1024 * 1024;

    /// <summary>Largest upload request (one or several files, or one .zip), in bytes. Default 2 GiB.</summary>
    public long MaxRequestBytes { get; set; } = 2L * 1024 * 1024 * 1024;

    /// <summary>Most entries read from one .zip archive. Default 20,000.</summary>
    public int MaxZipEntries { get; set; } = 20_000;

    /// <summary>
    /// The .zip archives of one upload request may expand to at most this many times their own size, plus
    /// <see cref="ZipInflateAllowanceBytes"/>. Photos barely compress, so an archive of images stays near 1×; a zip bomb
    /// stops at the limit. Default 4.
    /// </summary>
    public double ZipInflateRatio { get; set; } = 4;

    /// <summary>Bytes every upload request's archives may expand to on top of <see cref="ZipInflateRatio"/> × their size (room for small archives of well-compressing TIFFs or PNGs). Default 64 MiB.</summary>
    public long ZipInflateAllowanceBytes { get; set; } = 64L * 1024 * 1024;

    /// <summary>Longest side of a thumbnail, in pixels. Default 256.</summary>
    public int ThumbnailSize { get; set; } = 256;

    /// <summary>
    /// Server folder that admins may import images from (recursively). Empty disables import from the server.
    /// No path given in the app can escape it.
    /// </summary>
    public string? ImportRoot { get; set; }
}
