using System.Text.Json;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Annotator.Web.Feed;

/// <summary>
/// The feed across nodes: every message is published on one Redis channel (per deployment prefix) and every node,
/// the publisher included, hands what it receives to its local subscribers. Redis pub/sub keeps the order of one
/// publisher's messages, not the order of two nodes' messages about one image: an <see cref="EditSequencer"/> puts each
/// image's operations back into sequence order on the way in. A message lost while Redis is unreachable shows up as a
/// gap in sequence numbers, which the workspace fills from the operation log.
/// </summary>
public sealed class RedisFeed : IFeed, IAsyncDisposable
{
    private readonly FeedSubscriptions _subscriptions;
    private readonly ILogger<RedisFeed> _logger;
    private readonly RedisChannel _channel;
    private readonly Lazy<Task<ConnectionMultiplexer>> _connection;
    private readonly EditSequencer _sequencer;

    /// <summary>Connects lazily, on first use.</summary>
    public RedisFeed(IOptions<FeedOptions> options, ILogger<RedisFeed> logger, TimeProvider? clock = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _logger = logger;
        _subscriptions = new FeedSubscriptions(logger);
        var live = options.Value;
        _sequencer = new EditSequencer(TimeSpan.FromMilliseconds(Math.Max(0, live.FeedOrderHoldMilliseconds)), clock ?? TimeProvider.System,
            _subscriptions.Deliver);
        _channel = RedisChannel.Literal($"{live.ChannelPrefix}:feed");
        _connection = new Lazy<Task<ConnectionMultiplexer>>(() => ConnectAsync(live.Redis!));
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(string configuration)
    {
        var redis = await ConnectionMultiplexer.ConnectAsync(configuration);
        var queue = await redis.GetSubscriber().SubscribeAsync(_channel);
        // One ordered queue for the channel: messages reach local subscribers in the order Redis delivered them.
        queue.OnMessage(message => Receive(message.Message));
        return redis;
    }

    /// <summary>Connects and subscribes now (at start-up), so the first edit does not pay for it.</summary>
    public Task StartAsync() => _connection.Value;

    /// <inheritdoc />
    public async Task PublishAsync(FeedEnvelope message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        try
        {
            var redis = await _connection.Value;
            var payload = JsonSerializer.SerializeToUtf8Bytes(new Wire(message.Topic, message.Key, message.Payload), WireJson.Default.Wire);
            // Fire and forget: the caller may hold an image's lock, and must not wait for Redis (a slow or reconnecting
            // Redis would hold up every edit of the image). Commands on the connection still go out in the order given,
            // so one node's messages keep their order; a lost one is a gap that receivers catch up on.
            await redis.GetSubscriber().PublishAsync(_channel, payload, CommandFlags.FireAndForget);
        }
        catch (Exception e) when (e is RedisException or TimeoutException or ObjectDisposedException)
        {
            // The operation is committed already; viewers notice the missing sequence number and catch up.
            _logger.LogWarning(e, "Could not publish a {Topic} message to Redis.", message.Topic);
        }
    }

    /// <inheritdoc />
    public IDisposable Subscribe(string topic, string key, Func<FeedEnvelope, Task> handler)
    {
        _ = _connection.Value;
        return _subscriptions.Add(topic, key, handler);
    }

    private void Receive(RedisValue value)
    {
        try
        {
            var wire = JsonSerializer.Deserialize((byte[])value!, WireJson.Default.Wire);
            if (wire is not null)
            {
                _sequencer.Receive(new FeedEnvelope(wire.T, wire.K, wire.P));
            }
        }
        catch (JsonException e)
        {
            _logger.LogWarning(e, "Ignored a malformed message on the Redis feed.");
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _sequencer.Dispose();
        if (_connection.IsValueCreated)
        {
            try
            {
                var redis = await _connection.Value;
                await redis.CloseAsync();
                redis.Dispose();
            }
            catch (RedisException)
            {
            }
        }
    }

    internal sealed record Wire(string T, string K, string P);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(RedisFeed.Wire))]
internal sealed partial class WireJson : System.Text.Json.Serialization.JsonSerializerContext;
