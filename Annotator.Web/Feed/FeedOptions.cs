namespace Annotator.Web.Feed;

/// <summary>The feed's transport (section <c>Annotator:Live</c>, shared with <c>CollaborationOptions</c>).</summary>
public sealed class FeedOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Annotator:Live";

    /// <summary>
    /// A StackExchange.Redis connection string. Empty (the default): the feed is in-process, which is right for one
    /// node. Set: the feed goes through Redis pub/sub, so several nodes behind a load balancer see each other's edits
    /// (each node sends its own hub connections and pages what reached it).
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis channel: deployments (or test runs) that share a Redis server stay apart.</summary>
    public string ChannelPrefix { get; set; } = "annotator";

    /// <summary>
    /// With Redis: how long (milliseconds) a node holds an operation that arrived before an earlier one of the same image
    /// (another node committed the earlier one but published it later), waiting for it so that receivers get an image's
    /// operations in sequence order. When it has not come by then, the later one is delivered anyway and receivers catch
    /// up on the gap. 0 turns the waiting off. Default 250.
    /// </summary>
    public int FeedOrderHoldMilliseconds { get; set; } = 250;

    /// <summary>Whether Redis is configured.</summary>
    public bool UsesRedis => !string.IsNullOrWhiteSpace(Redis);
}
