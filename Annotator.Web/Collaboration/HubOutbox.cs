using Microsoft.AspNetCore.SignalR;

namespace Annotator.Web.Collaboration;

/// <summary>
/// What one hub connection on this node is still to be sent, sent one message at a time in order. Nothing that publishes
/// (a commit under its image's lock, the feed's pumps) ever waits for a client to read: it adds to this queue and
/// returns. Only this connection's loop waits on its socket.
/// </summary>
/// <remarks>
/// The queue is bounded (<see cref="CollaborationOptions.SendQueueMessages"/>, <see cref="CollaborationOptions.SendQueueBytes"/>). When a
/// client stops reading and the queue fills, the <c>committed</c> messages waiting for it are dropped and only the newest
/// is kept: when the client reads again, that message's <c>prev</c> shows the gap, and the client catches up from the
/// operation log as docs/hub-protocol.md asks (a connection that never reads again is eventually closed by SignalR's
/// keep-alive timeout on the client's side or by the client itself). Notices (<c>accessChanged</c>,
/// <c>taxonomyChanged</c>) are never dropped for edits.
/// </remarks>
public sealed class HubOutbox : IDisposable
{
    private readonly IHubContext<AnnotationsHub> _hub;
    private readonly string _connectionId;
    private readonly int _maxMessages;
    private readonly long _maxBytes;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly LinkedList<Entry> _queue = new();
    private readonly CancellationTokenSource _closed = new();
    private long _queuedBytes;
    private bool _behind;
    private bool _sending;

    /// <summary>An empty outbox for the connection.</summary>
    public HubOutbox(IHubContext<AnnotationsHub> hub, string connectionId, CollaborationOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _hub = hub;
        _connectionId = connectionId;
        _maxMessages = Math.Max(1, options.SendQueueMessages);
        _maxBytes = Math.Max(1, options.SendQueueBytes);
        _logger = logger;
    }

    /// <summary>Queues a <c>committed</c> message (the result JSON); never waits.</summary>
    public void Committed(string resultJson) => Add(new Entry(AnnotationsHub.CommittedMessage, resultJson, Droppable: true));

    /// <summary>Queues a notice that is never dropped for edits (<c>accessChanged</c>, <c>taxonomyChanged</c>); never waits.</summary>
    public void Notice(string method, string payload) => Add(new Entry(method, payload, Droppable: false));

    private void Add(Entry entry)
    {
        var dropped = 0;
        var firstOfEpisode = false;
        bool start;
        lock (_gate)
        {
            if (_closed.IsCancellationRequested)
            {
                return;
            }
            if (_queue.Count + 1 > _maxMessages || _queuedBytes + entry.Bytes > _maxBytes)
            {
                for (var node = _queue.First; node is not null;)
                {
                    var next = node.Next;
                    if (node.Value.Droppable)
                    {
                        _queuedBytes -= node.Value.Bytes;
                        _queue.Remove(node);
                        dropped++;
                    }
                    node = next;
                }
                firstOfEpisode = dropped > 0 && !_behind;
                _behind |= dropped > 0;
            }
            _queue.AddLast(entry);
            _queuedBytes += entry.Bytes;
            start = !_sending;
            _sending = true;
        }
        if (firstOfEpisode)
        {
            _logger.LogInformation("Hub connection {ConnectionId} is not reading its messages: dropped {Dropped} queued operations; it will " +
                "catch up from the operation log when it reads again.", _connectionId, dropped);
        }
        if (start)
        {
            // Sends on the caller's thread as long as the socket takes the messages at once (no thread hop); the first
            // send that has to wait for the client continues on its own, and the caller goes on.
            _ = SendQueuedAsync();
        }
    }

    private async Task SendQueuedAsync()
    {
        var closed = _closed.Token;
        while (true)
        {
            Entry entry;
            lock (_gate)
            {
                if (_queue.First is not { } first || closed.IsCancellationRequested)
                {
                    _sending = false;
                    _behind = false;
                    return;
                }
                entry = first.Value;
                _queue.RemoveFirst();
                _queuedBytes -= entry.Bytes;
            }
            try
            {
                // Waits for as long as the client does not read (up to SignalR's send timeout): only this connection waits.
                await _hub.Clients.Client(_connectionId).SendAsync(entry.Method, entry.Payload, closed);
            }
            catch (Exception e)
            {
                _logger.LogDebug(e, "Could not send {Method} to hub connection {ConnectionId}.", entry.Method, _connectionId);
            }
        }
    }

    /// <summary>The connection closed: drops what is queued and ends the send loop.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            if (_closed.IsCancellationRequested)
            {
                return;
            }
            _closed.Cancel();
            _queue.Clear();
            _queuedBytes = 0;
        }
    }

    private sealed record Entry(string Method, string Payload, bool Droppable)
    {
        public long Bytes { get; } = 64 + (long)Payload.Length * 2;
    }
}
