namespace Annotator.Web.Data;

/// <summary>
/// Where the data lives: the root of the "Annotator" configuration section (every key is listed in the README). The
/// other features bind their own sub-sections (<c>Annotator:Images</c>, <c>Annotator:Live</c>, …) to their own options.
/// </summary>
public sealed class AnnotatorOptions
{
    /// <summary>The configuration section name.</summary>
    public const string Section = "Annotator";

    /// <summary>Folder for the SQLite database, the image store and the data-protection keys. Relative paths are taken from the working directory.</summary>
    public string DataPath { get; set; } = "data";

    /// <summary>Database settings.</summary>
    public DatabaseOptions Database { get; set; } = new();

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
