namespace Annotator.Web.Feed;

/// <summary>
/// One message on the feed: a committed operation (topic <see cref="FeedTopics.Edit"/>), a presence change, or a
/// change of someone's access. Subscribers receive the messages of a topic and key in the order they were published.
/// </summary>
/// <param name="Topic">What kind of message (<see cref="FeedTopics"/>).</param>
/// <param name="Key">Which stream of that kind: for edits the image and annotation set.</param>
/// <param name="Payload">The message, as JSON.</param>
public sealed record FeedEnvelope(string Topic, string Key, string Payload);

/// <summary>The topics on the feed.</summary>
public static class FeedTopics
{
    /// <summary>Committed operations; key <see cref="EditKey"/>; payload: the result JSON of docs/workspace-protocol.md.</summary>
    public const string Edit = "edit";

    /// <summary>Who is where, cursors and selections; key: the project id.</summary>
    public const string Presence = "presence";

    /// <summary>Someone's access changed (role, membership, account, token); key: the user id; payload: an access notice (Projects/AccessNotice.cs).</summary>
    public const string Access = "access";

    /// <summary>A new taxonomy version was published; key: the project id; payload: a taxonomy notice (Taxonomy/TaxonomyNotice.cs).</summary>
    public const string Taxonomy = "taxonomy";

    /// <summary>
    /// The stream of one annotation set of an image: with overlap 1 everybody shares the set (owner ""); with overlap N
    /// each labeler's set is private to them.
    /// </summary>
    public static string EditKey(int imageId, string? setOwnerId) => $"{imageId}/{setOwnerId ?? ""}";
}

/// <summary>
/// Fans committed operations (and presence and access changes) out to every open workspace and hub client that
/// should see them: in-process for one node (<see cref="InProcessFeed"/>), through Redis pub/sub across nodes
/// (<see cref="RedisFeed"/>). Delivery is at most once: a subscriber that misses a message (a Redis blip) notices
/// the gap in sequence numbers and catches up from the operation log.
/// </summary>
public interface IFeed
{
    /// <summary>Publishes a message to every subscriber of its topic and key, on every node.</summary>
    Task PublishAsync(FeedEnvelope message, CancellationToken cancellationToken = default);

    /// <summary>
    /// Receives the messages of <paramref name="topic"/> and <paramref name="key"/> until disposed. The handler is called
    /// for one message at a time, in publishing order, never on the publisher's thread; a slow handler delays only its
    /// own subscription.
    /// </summary>
    IDisposable Subscribe(string topic, string key, Func<FeedEnvelope, Task> handler);
}
