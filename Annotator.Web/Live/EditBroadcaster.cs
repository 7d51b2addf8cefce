namespace Annotator.Web.Live;

/// <summary>Something besides the feed that must hear of every committed operation (the hub's SignalR groups).</summary>
public interface IEditSink
{
    /// <summary>An operation on <paramref name="imageId"/>'s set owned by <paramref name="setOwnerId"/> was committed.</summary>
    /// <param name="imageId">The image.</param>
    /// <param name="setOwnerId">The owner of the set (null: the shared set).</param>
    /// <param name="resultJson">The result JSON of docs/workspace-protocol.md.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    Task CommittedAsync(int imageId, string? setOwnerId, string resultJson, CancellationToken cancellationToken);
}

/// <summary>
/// Tells everyone about a committed operation: the feed (every open workspace on every node) and every
/// <see cref="IEditSink"/>. Called by <see cref="Workspace.AnnotationService"/> after the commit and while it still
/// holds the image's lock, so one node publishes an image's operations in sequence order.
/// </summary>
public sealed class EditBroadcaster(IEditFeed feed, IEnumerable<IEditSink> sinks, ILogger<EditBroadcaster> logger)
{
    private readonly IEditSink[] _sinks = sinks.ToArray();

    /// <summary>Publishes the result of a committed operation. Never throws: the operation is durable already.</summary>
    public async Task PublishAsync(int imageId, string? setOwnerId, string resultJson)
    {
        try
        {
            await feed.PublishAsync(new FeedEnvelope(FeedTopics.Edit, FeedTopics.EditKey(imageId, setOwnerId), resultJson));
        }
        catch (Exception e)
        {
            logger.LogWarning(e, "Could not publish an operation on image {ImageId} to the feed.", imageId);
        }
        foreach (var sink in _sinks)
        {
            try
            {
                await sink.CommittedAsync(imageId, setOwnerId, resultJson, CancellationToken.None);
            }
            catch (Exception e)
            {
                logger.LogWarning(e, "Could not hand an operation on image {ImageId} to {Sink}.", imageId, sink.GetType().Name);
            }
        }
    }
}
