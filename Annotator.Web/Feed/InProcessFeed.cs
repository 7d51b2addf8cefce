namespace Annotator.Web.Feed;

/// <summary>The feed of a single node: published messages go straight to the local subscribers.</summary>
public sealed class InProcessFeed(ILogger<InProcessFeed> logger) : IFeed
{
    private readonly FeedSubscriptions _subscriptions = new(logger);

    /// <inheritdoc />
    public Task PublishAsync(FeedEnvelope message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        _subscriptions.Deliver(message);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public IDisposable Subscribe(string topic, string key, Func<FeedEnvelope, Task> handler) =>
        _subscriptions.Add(topic, key, handler);
}
