using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Data;

/// <summary>Registers the database for the configured provider.</summary>
public static class DataServiceExtensions
{
    /// <summary>
    /// Registers <see cref="IDbContextFactory{AnnotatorDbContext}"/> (one context per operation, as Blazor needs) and
    /// a scoped <see cref="AnnotatorDbContext"/> for Identity's stores.
    /// </summary>
    public static IServiceCollection AddAnnotatorData(this IServiceCollection services, IConfiguration configuration)
    {
        var options = services.BindOptions<AnnotatorOptions>(configuration, AnnotatorOptions.Section);
        if (options.Database.IsPostgres)
        {
            var connectionString = options.Database.ConnectionString;
            if (string.IsNullOrWhiteSpace(connectionString))
            {
                throw new InvalidOperationException(
                    "Annotator:Database:Provider is Postgres but Annotator:Database:ConnectionString is empty.");
            }
            services.AddDbContextFactory<PostgresAnnotatorDbContext>(o => QuietFailures(o.UseNpgsql(connectionString)));
            services.AddSingleton<IDbContextFactory<AnnotatorDbContext>, FactoryOf<PostgresAnnotatorDbContext>>();
        }
        else if (options.Database.Provider.Equals("Sqlite", StringComparison.OrdinalIgnoreCase))
        {
            var connectionString = SqliteConnectionString(options);
            var fullSync = options.Database.SqliteSynchronous.ToUpperInvariant() switch
            {
                "NORMAL" => false,
                "FULL" => true,
                _ => throw new InvalidOperationException(
                    $"Annotator:Database:SqliteSynchronous '{options.Database.SqliteSynchronous}' is not known; use Normal or Full."),
            };
            var pragmas = new SqlitePragmas(fullSync);
            services.AddDbContextFactory<SqliteAnnotatorDbContext>(o => QuietFailures(o.UseSqlite(connectionString).AddInterceptors(pragmas)));
            services.AddSingleton<IDbContextFactory<AnnotatorDbContext>, FactoryOf<SqliteAnnotatorDbContext>>();
        }
        else
        {
            throw new InvalidOperationException(
                $"Annotator:Database:Provider '{options.Database.Provider}' is not known; use Sqlite or Postgres.");
        }
        services.AddScoped(sp => sp.GetRequiredService<IDbContextFactory<AnnotatorDbContext>>().CreateDbContext());
        services.AddSingleton<SqliteWriteQueue>();
        services.AddHostedService<DatabaseInitializer>();
        return services;
    }

    /// <summary>
    /// A failed command, commit or save is logged by EF Core as a warning, not an error: the caller decides what it is. A
    /// failure nobody handles still reaches the log as an error from ASP.NET Core or SignalR; a handled one (a full disk
    /// answered "storage is full", a collision that is retried) would otherwise put "fail:" lines in the log for what is
    /// not a failure of the app.
    /// </summary>
    private static DbContextOptionsBuilder QuietFailures(DbContextOptionsBuilder options) =>
        options.ConfigureWarnings(w => w.Log(
            (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.CommandError, LogLevel.Warning),
            // A commit that meets a full disk (SQLite writes the log at COMMIT) fails here.
            (Microsoft.EntityFrameworkCore.Diagnostics.RelationalEventId.TransactionError, LogLevel.Warning),
            (Microsoft.EntityFrameworkCore.Diagnostics.CoreEventId.SaveChangesFailed, LogLevel.Warning)));

    /// <summary>The configured SQLite connection string, or <c>{DataPath}/annotator.db</c>.</summary>
    public static string SqliteConnectionString(AnnotatorOptions options)
    {
        if (!string.IsNullOrWhiteSpace(options.Database.ConnectionString))
        {
            return options.Database.ConnectionString;
        }
        return new SqliteConnectionStringBuilder
        {
            DataSource = Path.Combine(options.DataFullPath, "annotator.db"),
            Pooling = true,
        }.ToString();
    }

    private sealed class FactoryOf<TContext>(IDbContextFactory<TContext> inner) : IDbContextFactory<AnnotatorDbContext>
        where TContext : AnnotatorDbContext
    {
        public AnnotatorDbContext CreateDbContext() => inner.CreateDbContext();
    }
}
