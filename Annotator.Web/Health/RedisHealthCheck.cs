using Annotator.Web.Feed;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Annotator.Web.Health;

/// <summary>
/// Redis (the edit feed and backplane between nodes) answers a PING. Its own connection, made on the first check and
/// kept: the check says whether this node can reach Redis, independent of the feed's state.
/// </summary>
internal sealed class RedisHealthCheck(IOptions<FeedOptions> options, ILogger<RedisHealthCheck> logger) : IHealthCheck, IAsyncDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _redis;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var redis = await ConnectAsync(cancellationToken);
            if (!redis.IsConnected)
            {
                return HealthCheckResult.Unhealthy("Redis cannot be reached; edits on other nodes do not arrive here.");
            }
            var took = await redis.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy($"Redis answers ({took.TotalMilliseconds:N0} ms).");
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            logger.LogWarning(e, "Health check: Redis did not answer.");
            return HealthCheckResult.Unhealthy("Redis does not answer; edits on other nodes do not arrive here.");
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_redis is { } connected)
        {
            return connected;
        }
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_redis is null)
            {
                var configuration = ConfigurationOptions.Parse(options.Value.Redis!);
                // Keep trying in the background: a Redis that comes back makes the next check healthy.
                configuration.AbortOnConnectFail = false;
                _redis = await ConnectionMultiplexer.ConnectAsync(configuration);
            }
            return _redis;
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_redis is not null)
        {
            await _redis.DisposeAsync();
        }
        _connecting.Dispose();
    }
}
