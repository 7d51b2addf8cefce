namespace Annotator.Web.Live;

/// <summary>Configuration of live collaboration (<c>Annotator:Live</c>).</summary>
public sealed class LiveOptions
{
    /// <summary>
    /// A StackExchange.Redis connection string. Empty (the default): the edit feed is in-process and there is no
    /// backplane, which is right for one node. Set: the edit feed goes through Redis pub/sub, so several nodes behind a
    /// load balancer see each other's edits (each node sends its own hub connections and pages what reached it).
    /// </summary>
    public string? Redis { get; set; }

    /// <summary>Prefix of every Redis channel: deployments (or test runs) that share a Redis server stay apart.</summary>
    public string ChannelPrefix { get; set; } = "annotator";

    /// <summary>
    /// How long the server keeps a disconnected workspace's circuit (seconds) before the browser has to load the page
    /// again. Edits are safe either way: the browser keeps unsent operations and replays them after a reload.
    /// </summary>
    public int CircuitRetentionSeconds { get; set; } = 180;

    /// <summary>
    /// How often an open page re-checks its user (seconds): a deactivated account, or one signed out elsewhere or whose
    /// password or role changed, loses the page within this time and is sent to sign in again.
    /// </summary>
    public int SessionCheckSeconds { get; set; } = 60;

    /// <summary>
    /// Most connections one API token may have open to the annotations hub on one node at a time; the next is refused
    /// with the reason. 0 turns the cap off. Default 20.
    /// </summary>
    public int MaxConnectionsPerToken { get; set; } = 20;

    /// <summary>Largest message a hub client may send (bytes): the largest operation plus room for the envelope.</summary>
    public long HubMaxMessageBytes { get; set; } = 4L * 1024 * 1024 + 64 * 1024;

    /// <summary>
    /// Most messages waiting to be sent to one hub connection. A client that stops reading fills its queue; then the
    /// operations waiting for it are dropped (the newest is kept, so it notices the gap and catches up when it reads
    /// again) and nobody else waits for it. Default 1,024.
    /// </summary>
    public int SendQueueMessages { get; set; } = 1024;

    /// <summary>Most bytes (UTF-16, roughly) waiting to be sent to one hub connection; as <see cref="SendQueueMessages"/>. Default 8 MiB.</summary>
    public long SendQueueBytes { get; set; } = 8L * 1024 * 1024;

    /// <summary>
    /// How long (seconds) a message to a hub client may wait for the client to read it before the server gives the
    /// client up and closes its connection (SignalR's transport send timeout); the client reconnects and catches up.
    /// Default 10.
    /// </summary>
    public int SendTimeoutSeconds { get; set; } = 10;

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
