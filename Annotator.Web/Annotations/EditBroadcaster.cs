using Annotator.Web.Feed;

namespace Annotator.Web.Annotations;

/// <summary>
/// Tells everyone about a committed operation by publishing it on the feed, which reaches every open workspace and
/// every hub connection on every node. Called by <see cref="AnnotationService"/> after the commit and while it still
/// holds the image's lock, so one node publishes an image's operations in sequence order; it never waits for a
/// receiver (each has its own queue).
/// </summary>
public sealed class EditBroadcaster(IFeed feed, ILogger<EditBroadcaster> logger)
{
    /// <summary>Publishes a committed operation on its annotation set's stream. Never throws: the operation is durable already.</summary>
    public Task PublishAsync(CommittedOperation operation, string? setOwnerId)
    {
        ArgumentNullException.ThrowIfNull(operation);
        return PublishAsync(operation.ImageId, setOwnerId, operation.ToJson());
    }

    /// <summary>Publishes the result JSON of a committed operation. Never throws: the operation is durable already.</summary>
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
    }
}
