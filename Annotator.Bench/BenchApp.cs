using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Web.Data;
using Annotator.Web.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Annotator.Bench;

/// <summary>
/// The real app, registered and piped exactly as Program.cs does (<c>AddAnnotator</c>/<c>UseAnnotator</c>), served
/// by Kestrel on 127.0.0.1 with a free port, in its own data folder. Only configuration differs: the data folder,
/// no demo project, and quieter logging so the console does not become part of what is measured.
/// </summary>
internal sealed class BenchApp : IAsyncDisposable
{
    /// <summary>Password of every benchmark user.</summary>
    public const string Password = "correct horse battery staple 42";

    private readonly WebApplication _app;

    private BenchApp(WebApplication app, Uri address, string dataPath)
    {
        _app = app;
        Address = address;
        DataPath = dataPath;
    }

    /// <summary>Where Kestrel listens.</summary>
    public Uri Address { get; }

    /// <summary>The app's data folder (SQLite file, store, keys).</summary>
    public string DataPath { get; }

    /// <summary>The app's services.</summary>
    public IServiceProvider Services => _app.Services;

    /// <summary>Starts the app on <paramref name="dataPath"/>; <paramref name="settings"/> override configuration keys.</summary>
    public static async Task<BenchApp> StartAsync(string dataPath, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            // The static web assets manifests (MapStaticAssets, @Assets[...]) are named after the web project.
            ApplicationName = typeof(Annotator.Web.Data.AnnotatorOptions).Assembly.GetName().Name,
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        // Serves wwwroot and package assets from where the build put them, as `dotnet run` of the web project does.
        builder.WebHost.UseStaticWebAssets();
        var config = new Dictionary<string, string?>
        {
            ["Urls"] = "http://127.0.0.1:0",
            ["Annotator:DataPath"] = dataPath,
            ["Annotator:SeedDemoProject"] = "false",
            // Hundreds of clients from one address: the per-address limits would be measured instead of the app.
            ["Annotator:RateLimits:SignInAttempts"] = "0",
            ["Annotator:RateLimits:HubRequests"] = "0",
            ["Logging:LogLevel:Default"] = "Warning",
            ["Logging:LogLevel:Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager"] = "Error",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            config[key] = value;
        }
        builder.Configuration.AddInMemoryCollection(config);
        builder.AddAnnotator();

        var app = builder.Build();
        app.UseAnnotator();
        await app.StartAsync();
        var address = new Uri(app.Urls.First(u => u.StartsWith("http://127.0.0.1:", StringComparison.Ordinal)));
        return new BenchApp(app, address, dataPath);
    }

    /// <summary>Creates an active admin.</summary>
    public async Task<AppUser> CreateAdminAsync(string email)
    {
        await using var scope = Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = "Bench admin", CreatedAt = DateTime.UtcNow };
        Check(await users.CreateAsync(user, Password));
        Check(await users.AddToRoleAsync(user, AppRoles.Admin));
        return user;
    }

    /// <summary>Creates a project; the owner becomes a reviewer of it, as <c>ProjectService.CreateAsync</c> does.</summary>
    public async Task<int> CreateProjectAsync(string name, string ownerId)
    {
        await using var db = await NewDbContextAsync();
        var project = new Project(name, "Benchmark project", ownerId, DateTime.UtcNow);
        project.SetMember(ownerId, ProjectRole.Reviewer);
        db.Projects.Add(project);
        await db.SaveChangesAsync();
        return project.Id;
    }

    /// <summary>A new database context of the app (dispose it).</summary>
    public Task<AnnotatorDbContext> NewDbContextAsync() =>
        Services.GetRequiredService<IDbContextFactory<AnnotatorDbContext>>().CreateDbContextAsync();

    /// <summary>The app's options.</summary>
    public Annotator.Web.Data.AnnotatorOptions Options => Services.GetRequiredService<IOptions<Annotator.Web.Data.AnnotatorOptions>>().Value;

    public async ValueTask DisposeAsync()
    {
        using var stopping = new CancellationTokenSource(TimeSpan.FromSeconds(15));
        await _app.StopAsync(stopping.Token);
        await _app.DisposeAsync();
    }

    private static void Check(IdentityResult result)
    {
        if (!result.Succeeded)
        {
            throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
        }
    }
}
