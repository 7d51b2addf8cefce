using System.Net;
using System.Text.RegularExpressions;
using Annotator.Web.Data;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;

namespace Annotator.Tests.Infrastructure;

/// <summary>The database a factory runs on.</summary>
public enum TestDatabase
{
    /// <summary>An SQLite file in the factory's temporary data folder.</summary>
    Sqlite,

    /// <summary>A fresh database on the test PostgreSQL server, dropped afterwards.</summary>
    Postgres,
}

/// <summary>
/// The real app on a real database, in a temporary data folder that is deleted afterwards. With
/// <see cref="UseKestrelOnLoopback"/> it listens on 127.0.0.1 for a browser.
/// </summary>
public partial class AnnotatorFactory : WebApplicationFactory<Program>
{
    /// <summary>Password every test user gets.</summary>
    public const string Password = "test password 4 annotator";

    private string? _postgresDatabase;
    private readonly Dictionary<string, string?> _settings = [];
    private readonly List<Action<IServiceCollection>> _services = [];
    private bool _kestrel;

    /// <summary>Creates the app on <paramref name="database"/>; call <see cref="TestEnvironment.RequirePostgres"/> first for PostgreSQL.</summary>
    public AnnotatorFactory(TestDatabase database = TestDatabase.Sqlite)
    {
        Database = database;
        DataPath = Path.Combine(Path.GetTempPath(), "annotator-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(DataPath);
        _settings["Annotator:DataPath"] = DataPath;
        _settings["Annotator:SeedDemoProject"] = "false";
        // Tests sign in and connect far more often from one address than people do; the limits' own tests turn them on.
        _settings["Annotator:RateLimits:SignInAttempts"] = "0";
        _settings["Annotator:RateLimits:InvitationRequests"] = "0";
        _settings["Annotator:RateLimits:HubRequests"] = "0";
        if (database == TestDatabase.Postgres)
        {
            _postgresDatabase = "annotator_test_" + Guid.NewGuid().ToString("N")[..12];
            var builder = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Database = _postgresDatabase };
            _settings["Annotator:Database:Provider"] = "Postgres";
            _settings["Annotator:Database:ConnectionString"] = builder.ToString();
        }
    }

    /// <summary>Which database.</summary>
    public TestDatabase Database { get; }

    /// <summary>The app's data folder (database file, store, keys).</summary>
    public string DataPath { get; }

    /// <summary>Overrides a configuration key before the app starts.</summary>
    public AnnotatorFactory With(string key, string? value)
    {
        _settings[key] = value;
        return this;
    }

    /// <summary>Adds or replaces services after the app's own registrations (before the app starts).</summary>
    public AnnotatorFactory WithServices(Action<IServiceCollection> configure)
    {
        _services.Add(configure);
        return this;
    }

    /// <summary>
    /// Runs on <paramref name="first"/>'s database instead of a fresh one, as a second node of the same deployment; the
    /// database is dropped with <paramref name="first"/>, so dispose this one first.
    /// </summary>
    public AnnotatorFactory ShareDatabaseOf(AnnotatorFactory first)
    {
        ArgumentNullException.ThrowIfNull(first);
        if (first.Database != Database)
        {
            throw new ArgumentException("Both nodes must run on the same kind of database.", nameof(first));
        }
        _postgresDatabase = null;
        _settings["Annotator:Database:ConnectionString"] = first._settings.GetValueOrDefault("Annotator:Database:ConnectionString")
            ?? $"Data Source={Path.Combine(first.DataPath, "annotator.db")}";
        return this;
    }

    /// <summary>Serves on 127.0.0.1 with Kestrel (for browsers) instead of the in-memory test server.</summary>
    public AnnotatorFactory UseKestrelOnLoopback()
    {
        _kestrel = true;
        return this;
    }

    /// <summary>Whether it serves with Kestrel on 127.0.0.1 (<see cref="UseKestrelOnLoopback"/>).</summary>
    public bool UsesKestrel => _kestrel;

    /// <summary>The address Kestrel listens on (after <see cref="UseKestrelOnLoopback"/>).</summary>
    public Uri ServerAddress
    {
        get
        {
            StartServer();
            var addresses = Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!;
            return new Uri(addresses.Addresses.First());
        }
    }

    /// <summary>
    /// Builds one app at a time in this test process. With minimal hosting, WebApplicationFactory runs Program.cs and
    /// applies the test's settings through a process-wide DiagnosticListener subscription; two factories building at
    /// the same moment in parallel test classes were seen to cross (an app with rate limits off answered with another
    /// app's limits). Only the start-up is serialised; the apps then run side by side.
    /// </summary>
    protected override IHost CreateHost(IHostBuilder builder)
    {
        lock (HostBuildGate)
        {
            return base.CreateHost(builder);
        }
    }

    private static readonly Lock HostBuildGate = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development, the assets of packages (MudBlazor's _content, Blazor's _framework) are served from
        // wwwroot only after publishing; from the build output they need the static web assets manifest.
        builder.UseStaticWebAssets();
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        foreach (var configure in _services)
        {
            builder.ConfigureServices(configure);
        }
        if (_kestrel)
        {
            builder.UseSetting("Urls", "http://127.0.0.1:0");
            UseKestrel(0);
        }
    }

    /// <summary>A client that keeps cookies and does not follow redirects.</summary>
    public HttpClient NewClient() => CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

    /// <summary>A new database context (dispose it).</summary>
    public async Task<AnnotatorDbContext> NewDbContextAsync() =>
        await Services.GetRequiredService<IDbContextFactory<AnnotatorDbContext>>().CreateDbContextAsync();

    /// <summary>Signs in through the real sign-in form; the client keeps the cookie.</summary>
    public static async Task SignInAsync(HttpClient client, string email, string password = Password)
    {
        var form = await FormFieldsAsync(client, "/account/login");
        form["Input.Email"] = email;
        form["Input.Password"] = password;
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(form));
        Assert.True(response.StatusCode == HttpStatusCode.Redirect, $"Sign-in of {email} answered {(int)response.StatusCode}.");
    }

    /// <summary>
    /// The antiforgery request token for API calls of the signed-in user (read from a page's form, as the browser's
    /// upload script gets it from the page).
    /// </summary>
    public static async Task<string> AntiforgeryTokenAsync(HttpClient client)
    {
        var form = await FormFieldsAsync(client, "/account/password");
        return form["__RequestVerificationToken"];
    }

    /// <summary>The hidden fields of the first form on a server-rendered page.</summary>
    public static async Task<Dictionary<string, string>> FormFieldsAsync(HttpClient client, string path) =>
        FormFields(await client.GetStringAsync(path), path);

    /// <summary>The hidden fields of the first form in <paramref name="html"/>, the page at <paramref name="path"/>.</summary>
    public static Dictionary<string, string> FormFields(string html, string path)
    {
        var fields = new Dictionary<string, string>();
        foreach (Match match in HiddenInput().Matches(html))
        {
            fields[WebUtility.HtmlDecode(match.Groups["name"].Value)] = WebUtility.HtmlDecode(match.Groups["value"].Value);
        }
        Assert.True(fields.ContainsKey("__RequestVerificationToken"), $"No antiforgery token on {path}.");
        return fields;
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (!disposing)
        {
            return;
        }
        NpgsqlConnection.ClearAllPools();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_postgresDatabase is not null)
        {
            DropPostgresDatabase(_postgresDatabase);
        }
        try
        {
            Directory.Delete(DataPath, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>
    /// Drops the test database. FORCE ends our own leftover sessions, but not an autovacuum worker that the server may
    /// have started on the fresh database (that one belongs to the superuser): wait for it briefly and try again.
    /// Cleanup never fails a test; a database that cannot be dropped is reported and left.
    /// </summary>
    private static void DropPostgresDatabase(string name)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                using var connection = new NpgsqlConnection(TestEnvironment.PostgresAdmin);
                connection.Open();
                using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{name}\" WITH (FORCE)", connection);
                command.ExecuteNonQuery();
                return;
            }
            catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.InsufficientPrivilege or PostgresErrorCodes.ObjectInUse)
            {
                if (attempt == 40)
                {
                    Console.WriteLine($"Test database {name} could not be dropped: {e.MessageText}");
                    return;
                }
                Thread.Sleep(250);
            }
        }
    }

    [GeneratedRegex("<input[^>]*type=\"hidden\"[^>]*name=\"(?<name>[^\"]+)\"[^>]*value=\"(?<value>[^\"]*)\"", RegexOptions.IgnoreCase)]
    private static partial Regex HiddenInput();
}
