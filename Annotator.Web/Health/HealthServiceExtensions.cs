using System.Text.Json;
using Annotator.Web.Feed;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Annotator.Web.Health;

/// <summary>Options of <c>/health</c> (section <c>Annotator:Health</c>).</summary>
public sealed class HealthOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Annotator:Health";

    /// <summary>
    /// Below this much free space in the data folder's file system, <c>/health</c> reports degraded. Default 512 MiB.
    /// </summary>
    public long MinFreeBytes { get; set; } = 512L * 1024 * 1024;
}

/// <summary>
/// <c>/health</c>: the database answers, the data folder is writable with enough free space, and Redis answers when it
/// is configured. For load balancers and monitoring; anonymous, so it names no path, host or secret.
/// </summary>
public static class HealthServiceExtensions
{
    /// <summary>The endpoint's path.</summary>
    public const string Path = "/health";

    /// <summary>Registers the checks.</summary>
    public static IServiceCollection AddAnnotatorHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<HealthOptions>(configuration.GetSection(HealthOptions.Section));
        var feed = configuration.GetSection(FeedOptions.Section).Get<FeedOptions>() ?? new FeedOptions();
        var checks = services.AddHealthChecks()
            .AddCheck<DatabaseHealthCheck>("database")
            .AddCheck<DataFolderHealthCheck>("data folder");
        if (feed.UsesRedis)
        {
            services.AddSingleton<RedisHealthCheck>();
            checks.Add(new HealthCheckRegistration("redis", s => s.GetRequiredService<RedisHealthCheck>(), HealthStatus.Unhealthy, null));
        }
        return services;
    }

    /// <summary>Maps <c>/health</c>: 200 when healthy or degraded, 503 when unhealthy; the JSON says which check and why.</summary>
    public static IEndpointConventionBuilder MapAnnotatorHealth(this IEndpointRouteBuilder endpoints) =>
        endpoints.MapHealthChecks(Path, new HealthCheckOptions { ResponseWriter = WriteAsync }).AllowAnonymous();

    private static async Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json; charset=utf-8";
        context.Response.Headers.CacheControl = "no-store";
        await using var json = new Utf8JsonWriter(context.Response.Body);
        json.WriteStartObject();
        json.WriteString("status", report.Status.ToString());
        json.WriteStartArray("checks");
        foreach (var (name, entry) in report.Entries)
        {
            json.WriteStartObject();
            json.WriteString("name", name);
            json.WriteString("status", entry.Status.ToString());
            // Our checks describe themselves without paths or hosts; an exception's message might name them.
            json.WriteString("description", entry.Exception is null ? entry.Description : "The check failed; see the server log.");
            json.WriteEndObject();
        }
        json.WriteEndArray();
        json.WriteEndObject();
    }
}
