using Microsoft.AspNetCore.SignalR;

namespace Annotator.Web.Live;

/// <summary>
/// Sends every committed operation to the hub clients that joined its image and set. Through the hub's lifetime
/// manager: in-process on one node, over the Redis backplane when <c>Annotator:Live:Redis</c> is set, so clients on
/// every node receive it.
/// </summary>
public sealed class HubEditSink(IHubContext<AnnotationsHub> hub) : IEditSink
{
    /// <inheritdoc />
    public Task CommittedAsync(int imageId, string? setOwnerId, string resultJson, CancellationToken cancellationToken) =>
        hub.Clients.Group(FeedTopics.EditKey(imageId, setOwnerId)).SendAsync(AnnotationsHub.CommittedMessage, resultJson, cancellationToken);
}
