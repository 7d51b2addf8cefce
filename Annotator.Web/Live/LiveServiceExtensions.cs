using Microsoft.Extensions.Options;

namespace Annotator.Web.Live;

/// <summary>Registers the edit feed chosen by configuration.</summary>
public static class LiveServiceExtensions
{
    /// <summary>The in-process feed, or the Redis feed when <c>Annotator:Live:Redis</c> is set; presence on top of it.</summary>
    public static IServiceCollection AddAnnotatorLive(this IServiceCollection services, LiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.UsesRedis)
        {
            services.AddSingleton<RedisEditFeed>();
            services.AddSingleton<IEditFeed>(s => s.GetRequiredService<RedisEditFeed>());
            services.AddHostedService<RedisFeedStarter>();
        }
        else
        {
            services.AddSingleton<IEditFeed, InProcessEditFeed>();
        }
        services.AddSingleton<PresenceTracker>();
        services.AddScoped<PresenceCircuit>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(s => s.GetRequiredService<PresenceCircuit>());
        return services;
    }

    /// <summary>Connects to Redis at start-up, so a wrong address shows in the log at once and not at the first edit.</summary>
    private sealed class RedisFeedStarter(RedisEditFeed feed, IOptions<LiveOptions> options, ILogger<RedisFeedStarter> logger)
        : IHostedService
    {
        public async Task StartAsync(CancellationToken cancellationToken)
        {
            try
            {
                await feed.StartAsync();
            }
            catch (StackExchange.Redis.RedisConnectionException e)
            {
                logger.LogError(e, "Could not connect to Redis at {Redis}; live edits from other nodes will not arrive.", options.Value.Redis);
            }
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
