using System.Diagnostics;
using Npgsql;
using StackExchange.Redis;

namespace Annotator.Tests.Infrastructure;

/// <summary>How long and how often <see cref="ServiceProbe.Retry"/> tries.</summary>
/// <param name="MaxAttempts">Attempts at most.</param>
/// <param name="Budget">Time for all attempts and the pauses between them; no attempt starts after it.</param>
/// <param name="AttemptTimeout">Longest wait for one answer (cut to what is left of the budget).</param>
/// <param name="FirstPause">Pause after the first failure; it doubles after each further one.</param>
public sealed record ProbeLimits(int MaxAttempts, TimeSpan Budget, TimeSpan AttemptTimeout, TimeSpan FirstPause)
{
    /// <summary>
    /// What the test run uses: four attempts of up to 10 s each within 30 s. A refused connection is retried after
    /// 0.5, 1 and 2 s (about 4 s in all before a missing service is reported); a server too slow to answer in time is
    /// given three chances of 10 s.
    /// </summary>
    public static ProbeLimits Default { get; } = new(4, TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(10), TimeSpan.FromMilliseconds(500));
}

/// <summary>
/// Checks that a service the tests need answers. One attempt is not enough: on a loaded machine a single connection
/// with a 5 s timeout once timed out although the server answered in 0.09 s, and 110 tests were skipped.
/// </summary>
public static class ServiceProbe
{
    /// <summary>
    /// Calls <paramref name="attempt"/> (given the timeout for that attempt; it returns null when the service
    /// answered, else the problem) until it succeeds or <paramref name="limits"/> are used up.
    /// </summary>
    /// <returns>Null when the service answered, else the last problem and how often it was tried.</returns>
    public static string? Retry(Func<TimeSpan, string?> attempt, ProbeLimits limits)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limits.MaxAttempts, 1);
        var clock = Stopwatch.StartNew();
        var pause = limits.FirstPause;
        for (var n = 1; ; n++)
        {
            var left = limits.Budget - clock.Elapsed;
            var timeout = left < limits.AttemptTimeout ? left : limits.AttemptTimeout;
            var problem = attempt(timeout < TimeSpan.FromSeconds(1) ? TimeSpan.FromSeconds(1) : timeout);
            if (problem is null)
            {
                return null;
            }
            if (n == limits.MaxAttempts || clock.Elapsed + pause >= limits.Budget)
            {
                return $"{problem} (tried {n} {(n == 1 ? "time" : "times")} in {clock.Elapsed.TotalSeconds:0.#} s)";
            }
            Thread.Sleep(pause);
            pause *= 2;
        }
    }

    /// <summary>One attempt to open a connection to PostgreSQL, waiting at most <paramref name="timeout"/>.</summary>
    public static string? Postgres(string connectionString, TimeSpan timeout)
    {
        var builder = new NpgsqlConnectionStringBuilder(connectionString)
        {
            Timeout = (int)Math.Ceiling(timeout.TotalSeconds),
            Pooling = false,
        };
        try
        {
            using var connection = new NpgsqlConnection(builder.ConnectionString);
            connection.Open();
            return null;
        }
        catch (Exception e)
        {
            return $"PostgreSQL is not reachable ({e.GetType().Name}: {e.Message.Split('\n')[0]})";
        }
    }

    /// <summary>One attempt to connect to Redis and ping it, waiting at most <paramref name="timeout"/>.</summary>
    public static string? Redis(string configuration, TimeSpan timeout)
    {
        var options = ConfigurationOptions.Parse(configuration);
        options.ConnectTimeout = (int)timeout.TotalMilliseconds;
        options.SyncTimeout = (int)timeout.TotalMilliseconds;
        options.AbortOnConnectFail = true;
        options.ConnectRetry = 1;
        try
        {
            using var redis = ConnectionMultiplexer.Connect(options);
            redis.GetDatabase().Ping();
            return null;
        }
        catch (Exception e)
        {
            return $"Redis is not reachable ({e.GetType().Name}: {e.Message.Split('\n')[0]})";
        }
    }
}
