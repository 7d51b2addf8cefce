using System.Net;
using System.Text.Json;
using Annotator.Tests.Infrastructure;

namespace Annotator.Tests.Web.Hosting;

/// <summary>
/// <c>/health</c>: anonymous, JSON with each check's status and reason in words, no path, host or secret in it;
/// degraded when the data folder has less free space than <c>Annotator:Health:MinFreeBytes</c>.
/// </summary>
public sealed class HealthEndpoint
{
    private static async Task<(HttpStatusCode Status, JsonElement Body, string Text)> HealthAsync(AnnotatorFactory app)
    {
        // A fresh app: no admin yet, so every page leads to /setup, but not this one.
        using var client = app.NewClient();
        var response = await client.GetAsync("/health", TestContext.Current.CancellationToken);
        var text = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.Equal("application/json; charset=utf-8", response.Content.Headers.ContentType?.ToString());
        return (response.StatusCode, JsonDocument.Parse(text).RootElement.Clone(), text);
    }

    private static Dictionary<string, (string Status, string Description)> Checks(JsonElement body) =>
        body.GetProperty("checks").EnumerateArray().ToDictionary(c => c.GetProperty("name").GetString()!,
            c => (c.GetProperty("status").GetString()!, c.GetProperty("description").GetString()!));

    [Fact]
    public async Task AHealthyAppSaysSoForEachCheck()
    {
        await using var app = new AnnotatorFactory();

        var (status, body, text) = await HealthAsync(app);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = Checks(body);
        Assert.Equal(["data folder", "database"], checks.Keys.Order());
        Assert.Equal(("Healthy", "The database answers."), checks["database"]);
        Assert.Equal("Healthy", checks["data folder"].Status);
        Assert.Matches(@"^The data folder is writable and has [\d,.]+ (GiB|MiB) free\.$", checks["data folder"].Description);
        Assert.DoesNotContain(app.DataPath, text, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath().TrimEnd('/'), text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task LittleFreeSpaceIsDegradedNotUnhealthy()
    {
        // More than any disk here has free.
        await using var app = new AnnotatorFactory().With("Annotator:Health:MinFreeBytes", (1L << 60).ToString(System.Globalization.CultureInfo.InvariantCulture));

        var (status, body, text) = await HealthAsync(app);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Degraded", body.GetProperty("status").GetString());
        var (folderStatus, description) = Checks(body)["data folder"];
        Assert.Equal("Degraded", folderStatus);
        Assert.Contains("less than the minimum of", description, StringComparison.Ordinal);
        Assert.Contains("Annotator:Health:MinFreeBytes", description, StringComparison.Ordinal);
        Assert.Equal("Healthy", Checks(body)["database"].Status);
        Assert.DoesNotContain(app.DataPath, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AnUnreachableRedisIsUnhealthyWithoutNamingIt()
    {
        // Nothing listens on port 1; the app starts anyway (Redis may come later) and says Redis is away.
        await using var app = new AnnotatorFactory().With("Annotator:Live:Redis", "127.0.0.1:1,connectTimeout=500,abortConnect=false");

        var (status, body, text) = await HealthAsync(app);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Equal("Unhealthy", body.GetProperty("status").GetString());
        var redis = Checks(body)["redis"];
        Assert.Equal("Unhealthy", redis.Status);
        Assert.StartsWith("Redis", redis.Description, StringComparison.Ordinal);
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task OnPostgresAndRedisEveryCheckIsHealthy()
    {
        TestEnvironment.RequirePostgres();
        TestEnvironment.RequireRedis();
        await using var app = new AnnotatorFactory(TestDatabase.Postgres)
            .With("Annotator:Live:Redis", TestEnvironment.Redis)
            .With("Annotator:Live:ChannelPrefix", "health-" + Guid.NewGuid().ToString("N")[..8]);

        var (status, body, text) = await HealthAsync(app);

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("Healthy", body.GetProperty("status").GetString());
        var checks = Checks(body);
        Assert.Equal(["data folder", "database", "redis"], checks.Keys.Order());
        Assert.All(checks.Values, c => Assert.Equal("Healthy", c.Status));
        Assert.StartsWith("Redis answers", checks["redis"].Description, StringComparison.Ordinal);
        // Neither the connection strings (host, role, password) nor the channel prefix.
        Assert.DoesNotContain("127.0.0.1", text, StringComparison.Ordinal);
        Assert.DoesNotContain("annotator", text, StringComparison.OrdinalIgnoreCase);
    }
}
