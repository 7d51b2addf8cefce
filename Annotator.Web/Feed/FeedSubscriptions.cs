using System.Collections.Concurrent;
using System.Threading.Channels;

namespace Annotator.Web.Feed;

/// <summary>
/// The local half of every feed: subscriptions by topic and key, each with its own queue and pump, so handlers run
/// one message at a time in order and a slow one holds up nobody else. A queue holds at most
/// <see cref="QueueLimit"/> messages: a subscriber that stopped (a workspace whose browser no longer answers) loses
/// its oldest messages, never the newest, so an edit subscriber sees the gap in sequence numbers and catches up.
/// </summary>
public sealed class FeedSubscriptions(ILogger logger)
{
    /// <summary>Most messages waiting for one subscriber.</summary>
    public const int QueueLimit = 4096;

    private readonly ConcurrentDictionary<(string Topic, string Key), ImmutableSubscriberList> _subscribers = new();

    /// <summary>Hands a message to every local subscriber of its topic and key.</summary>
    public void Deliver(FeedEnvelope message)
    {
        if (_subscribers.TryGetValue((message.Topic, message.Key), out var list))
        {
            foreach (var subscription in list.Items)
            {
                subscription.Post(message);
            }
        }
    }

    /// <summary>Adds a subscriber.</summary>
    public IDisposable Add(string topic, string key, Func<FeedEnvelope, Task> handler)
    {
        var subscription = new Subscription(this, (topic, key), handler, logger);
        _subscribers.AddOrUpdate(subscription.Id, _ => new([subscription]), (_, list) => new([.. list.Items, subscription]));
        return subscription;
    }

    /// <summary>Subscribers right now (for tests and metrics).</summary>
    public int Count => _subscribers.Values.Sum(l => l.Items.Length);

    private void Remove(Subscription subscription)
    {
        while (_subscribers.TryGetValue(subscription.Id, out var list))
        {
            var left = list.Items.Where(s => s != subscription).ToArray();
            var done = left.Length == 0
                ? _subscribers.TryRemove(new KeyValuePair<(string, string), ImmutableSubscriberList>(subscription.Id, list))
                : _subscribers.TryUpdate(subscription.Id, new(left), list);
            if (done)
            {
                return;
            }
        }
    }

    private sealed record ImmutableSubscriberList(Subscription[] Items);

    private sealed class Subscription : IDisposable
    {
        private readonly FeedSubscriptions _owner;
        private readonly Func<FeedEnvelope, Task> _handler;
        private readonly ILogger _logger;
        private readonly Channel<FeedEnvelope> _queue;
        private int _dropped;

        public Subscription(FeedSubscriptions owner, (string, string) id, Func<FeedEnvelope, Task> handler, ILogger logger)
        {
            _owner = owner;
            Id = id;
            _handler = handler;
            _logger = logger;
            _queue = Channel.CreateBounded<FeedEnvelope>(
                new BoundedChannelOptions(QueueLimit) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest },
                Dropped);
            _ = Task.Run(PumpAsync);
        }

        public (string Topic, string Key) Id { get; }

        public void Post(FeedEnvelope message) => _queue.Writer.TryWrite(message);

        private void Dropped(FeedEnvelope message)
        {
            if (Interlocked.Increment(ref _dropped) == 1)
            {
                _logger.LogInformation("A feed subscriber of {Topic}/{Key} is not keeping up: its oldest messages are being dropped.",
                    Id.Topic, Id.Key);
            }
        }

        public void Dispose()
        {
            _owner.Remove(this);
            _queue.Writer.TryComplete();
        }

        private async Task PumpAsync()
        {
            await foreach (var message in _queue.Reader.ReadAllAsync())
            {
                try
                {
                    await _handler(message);
                }
                catch (Exception e)
                {
                    // A subscriber's failure (a closed tab) is its own business; the feed goes on.
                    _logger.LogDebug(e, "A feed subscriber of {Topic}/{Key} failed.", Id.Topic, Id.Key);
                }
            }
        }
    }
}
