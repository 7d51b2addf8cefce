namespace Annotator.Tests.Infrastructure;

/// <summary>
/// External services the tests use. Locally, a missing service skips its tests with the reason printed; in CI
/// (CI=true) a missing service fails them, so nothing is silently left out.
/// </summary>
public static class TestEnvironment
{
    /// <summary>Whether this is a CI run.</summary>
    public static bool IsCi { get; } = string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase);

    /// <summary>Administrative connection string of the test PostgreSQL server (ANNOTATOR_TEST_POSTGRES).</summary>
    public static string PostgresAdmin { get; } =
        Environment.GetEnvironmentVariable("ANNOTATOR_TEST_POSTGRES")
        ?? "Host=127.0.0.1;Port=5432;Username=annotator;Password=annotator;Database=postgres;Timeout=5";

    /// <summary>StackExchange.Redis configuration of the test Redis server (ANNOTATOR_TEST_REDIS).</summary>
    public static string Redis { get; } =
        Environment.GetEnvironmentVariable("ANNOTATOR_TEST_REDIS") ?? "127.0.0.1:6379,connectTimeout=3000,abortConnect=true";

    /// <summary>Path of the Chromium used by Playwright (ANNOTATOR_TEST_CHROMIUM, default /usr/bin/chromium).</summary>
    public static string ChromiumPath { get; } =
        Environment.GetEnvironmentVariable("ANNOTATOR_TEST_CHROMIUM") ?? "/usr/bin/chromium";

    // Each service is probed once per run, retrying within ServiceProbe's limits (a loaded machine can miss one
    // attempt's timeout); the answer holds for every test.
    private static readonly Lazy<string?> PostgresProblem = new(() =>
        ServiceProbe.Retry(timeout => ServiceProbe.Postgres(PostgresAdmin, timeout), ProbeLimits.Default) is { } problem
            ? $"{problem}; set ANNOTATOR_TEST_POSTGRES or run .ci/run."
            : null);

    private static readonly Lazy<string?> RedisProblem = new(() =>
        ServiceProbe.Retry(timeout => ServiceProbe.Redis(Redis, timeout), ProbeLimits.Default) is { } problem
            ? $"{problem}; set ANNOTATOR_TEST_REDIS or run .ci/run."
            : null);

    /// <summary>Skips (locally) or fails (in CI) when Redis is not reachable.</summary>
    public static void RequireRedis() => Require(RedisProblem.Value);

    /// <summary>Skips (locally) or fails (in CI) when PostgreSQL is not reachable.</summary>
    public static void RequirePostgres() => Require(PostgresProblem.Value);

    /// <summary>Skips (locally) or fails (in CI) when Chromium is not installed.</summary>
    public static void RequireChromium() =>
        Require(File.Exists(ChromiumPath) ? null : $"Chromium not found at {ChromiumPath}; install Debian's chromium or run .ci/run.");

    private static void Require(string? problem)
    {
        if (problem is null)
        {
            return;
        }
        if (IsCi)
        {
            Assert.Fail("Required in CI: " + problem);
        }
        Console.WriteLine("SKIPPED: " + problem);
        Assert.Skip(problem);
    }
}
