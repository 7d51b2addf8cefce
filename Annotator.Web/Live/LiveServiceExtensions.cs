using Microsoft.Extensions.Options;

namespace Annotator.Web.Live;

/// <summary>Registers the edit feed chosen by configuration.</summary>
public static class LiveServiceExtensions
{
    /// <summary>The in-process feed, or the Redis feed when <c>Annotator:Live:Redis</c> is set; presence on top of it.</summary>
    public static IServiceCollection AddAnnotatorLive(this IServiceCollection services, LiveOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        services.AddSingleton<EditBroadcaster>();
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
        services.AddAnnotationsHub(options);
        services.AddSingleton<PresenceTracker>();
        services.AddScoped<PresenceCircuit>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(s => s.GetRequiredService<PresenceCircuit>());
        return services;
    }

    /// <summary>
    /// The annotations hub for programs: message size limit and one invocation at a time per client (so a client's
    /// operations apply in the order it sent them). No SignalR backplane: every message a hub client gets comes from the
    /// edit feed (Redis pub/sub across nodes when configured) and is sent by the node the client is connected to, through
    /// that connection's own queue (<see cref="HubOutbox"/>).
    /// </summary>
    private static IServiceCollection AddAnnotationsHub(this IServiceCollection services, LiveOptions options)
    {
        services.AddSignalR().AddHubOptions<AnnotationsHub>(o =>
        {
            o.MaximumReceiveMessageSize = options.HubMaxMessageBytes;
            o.MaximumParallelInvocationsPerClient = 1;
            o.EnableDetailedErrors = false;
        });
        services.AddSingleton<HubConnectionRegistry>();
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
