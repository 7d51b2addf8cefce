using Microsoft.AspNetCore.SignalR;

namespace Annotator.Web.Live;

/// <summary>
/// What one hub connection on this node is still to be sent, and the one loop that sends it. Nothing that publishes
/// (a commit under its image's lock, the feed's pumps) ever waits for a client to read: it adds to this queue and
/// returns. Only this connection's loop waits on its socket.
/// </summary>
/// <remarks>
/// The queue is bounded (<see cref="LiveOptions.SendQueueMessages"/>, <see cref="LiveOptions.SendQueueBytes"/>). When a
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
    private readonly SemaphoreSlim _ready = new(0);
    private readonly CancellationTokenSource _closed = new();
    private long _queuedBytes;
    private long _dropped;
    private bool _behind;

    /// <summary>Starts the connection's send loop.</summary>
    public HubOutbox(IHubContext<AnnotationsHub> hub, string connectionId, LiveOptions options, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        _hub = hub;
        _connectionId = connectionId;
        _maxMessages = Math.Max(1, options.SendQueueMessages);
        _maxBytes = Math.Max(1, options.SendQueueBytes);
        _logger = logger;
        _ = Task.Run(SendLoopAsync);
    }

    /// <summary><c>committed</c> messages dropped for this connection because it did not read (for tests and metrics).</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>Queues a <c>committed</c> message (the result JSON); never waits.</summary>
    public void Committed(string resultJson) => Add(new Entry(AnnotationsHub.CommittedMessage, resultJson, Droppable: true));

    /// <summary>Queues a notice that is never dropped for edits (<c>accessChanged</c>, <c>taxonomyChanged</c>); never waits.</summary>
    public void Notice(string method, string payload) => Add(new Entry(method, payload, Droppable: false));

    private void Add(Entry entry)
    {
        var dropped = 0;
        var firstOfEpisode = false;
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
        }
        if (dropped > 0)
        {
            Interlocked.Add(ref _dropped, dropped);
        }
        if (firstOfEpisode)
        {
            _logger.LogInformation("Hub connection {ConnectionId} is not reading its messages: dropped {Dropped} queued operations; it will " +
                "catch up from the operation log when it reads again.", _connectionId, dropped);
        }
        _ready.Release();
    }

    private async Task SendLoopAsync()
    {
        var closed = _closed.Token;
        try
        {
            while (true)
            {
                await _ready.WaitAsync(closed);
                Entry entry;
                lock (_gate)
                {
                    if (_queue.First is not { } first)
                    {
                        // Dropped meanwhile: the semaphore counted it.
                        continue;
                    }
                    entry = first.Value;
                    _queue.RemoveFirst();
                    _queuedBytes -= entry.Bytes;
                    if (_queue.Count == 0)
                    {
                        _behind = false;
                    }
                }
                try
                {
                    // Waits for as long as the client does not read: only this loop waits.
                    await _hub.Clients.Client(_connectionId).SendAsync(entry.Method, entry.Payload, closed);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    _logger.LogDebug(e, "Could not send {Method} to hub connection {ConnectionId}.", entry.Method, _connectionId);
                }
            }
        }
        catch (OperationCanceledException) when (closed.IsCancellationRequested)
        {
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
