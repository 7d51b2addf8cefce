
namespace Annotator.Web.Collaboration;

/// <summary>Live collaboration: circuits and the annotations hub (section <c>Annotator:Live</c>, shared with <c>FeedOptions</c>).</summary>
public sealed class CollaborationOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Annotator:Live";

    /// <summary>
    /// How long the server keeps a disconnected workspace's circuit (seconds) before the browser has to load the page
    /// again. Edits are safe either way: the browser keeps unsent operations and replays them after a reload.
    /// </summary>
    public int CircuitRetentionSeconds { get; set; } = 180;

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
}
