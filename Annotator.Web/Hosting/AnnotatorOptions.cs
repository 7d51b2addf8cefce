namespace Annotator.Web.Hosting;

/// <summary>The "Annotator" configuration section. Every key is listed in the README.</summary>
public sealed class AnnotatorOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Annotator";

    /// <summary>Folder for the SQLite database, the image store and the data-protection keys. Relative paths are taken from the working directory.</summary>
    public string DataPath { get; set; } = "data";

    /// <summary>Database settings.</summary>
    public DatabaseOptions Database { get; set; } = new();

    /// <summary>Image ingest limits.</summary>
    public ImageOptions Images { get; set; } = new();

    /// <summary>Live collaboration: the edit feed, Redis, circuit retention, hub limits.</summary>
    public Annotator.Web.Live.LiveOptions Live { get; set; } = new();

    /// <summary>Per-client-address limits on sign-in, invitations and the API-token hub.</summary>
    public Annotator.Web.Accounts.RateLimitOptions RateLimits { get; set; } = new();

    /// <summary>What <c>/health</c> checks against.</summary>
    public Annotator.Web.Health.HealthOptions Health { get; set; } = new();

    /// <summary>Whether the first admin gets a demo project with sample images.</summary>
    public bool SeedDemoProject { get; set; } = true;

    /// <summary>The full path of <see cref="DataPath"/>.</summary>
    public string DataFullPath => Path.GetFullPath(DataPath);
}

/// <summary>Which database, and where.</summary>
public sealed class DatabaseOptions
{
    /// <summary>"Sqlite" (default) or "Postgres".</summary>
    public string Provider { get; set; } = "Sqlite";

    /// <summary>Connection string. Empty for SQLite means <c>{DataPath}/annotator.db</c>; required for PostgreSQL.</summary>
    public string? ConnectionString { get; set; }

    /// <summary>
    /// SQLite's <c>synchronous</c> setting: "Normal" (default; a commit survives the app crashing or being killed, the
    /// last ones before a power loss may not) or "Full" (every commit is flushed to the disk before it is acknowledged;
    /// slower).
    /// </summary>
    public string SqliteSynchronous { get; set; } = "Normal";

    /// <summary>Whether <see cref="Provider"/> names PostgreSQL.</summary>
    public bool IsPostgres => Provider.Equals("Postgres", StringComparison.OrdinalIgnoreCase)
        || Provider.Equals("PostgreSQL", StringComparison.OrdinalIgnoreCase);
}

/// <summary>What images are accepted.</summary>
public sealed class ImageOptions
{
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
