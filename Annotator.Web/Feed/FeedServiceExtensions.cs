using Microsoft.Extensions.Options;

namespace Annotator.Web.Feed;

/// <summary>Registers the feed chosen by configuration.</summary>
public static class FeedServiceExtensions
{
    /// <summary>The in-process feed, or the Redis feed when <c>Annotator:Live:Redis</c> is set.</summary>
    public static IServiceCollection AddAnnotatorFeed(this IServiceCollection services, IConfiguration configuration)
    {
        var options = services.BindOptions<FeedOptions>(configuration, FeedOptions.Section);
        if (options.UsesRedis)
        {
            services.AddSingleton<RedisFeed>();
            services.AddSingleton<IFeed>(s => s.GetRequiredService<RedisFeed>());
            services.AddHostedService<RedisFeedStarter>();
        }
        else
        {
            services.AddSingleton<IFeed, InProcessFeed>();
        }
        return services;
    }

    /// <summary>Connects to Redis at start-up, so a wrong address shows in the log at once and not at the first edit.</summary>
    private sealed class RedisFeedStarter(RedisFeed feed, IOptions<FeedOptions> options, ILogger<RedisFeedStarter> logger)
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
