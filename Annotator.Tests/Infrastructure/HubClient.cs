using System.Text.Json;
using Annotator.Web.Collaboration;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Annotator.Tests.Infrastructure;

/// <summary>
/// A program's connection to the annotations hub (docs/hub-protocol.md), over the real SignalR transport: connects with
/// a personal API token, joins images, submits operations, catches up, and records every <c>committed</c> and
/// <c>accessChanged</c> message in the order it arrived. Convergence tests and the benchmark await messages with
/// <see cref="WaitForSequenceAsync"/> instead of sleeping.
/// </summary>
/// <remarks>
/// Results come back as <see cref="JsonElement"/>s (detached from their documents, safe to keep). Hub errors
/// (a refused join, a revoked token) surface as <see cref="Microsoft.AspNetCore.SignalR.HubException"/> with the server's message.
/// </remarks>
public sealed class HubClient : IAsyncDisposable
{
    /// <summary>How long the Wait methods wait unless told otherwise.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);

    private readonly Lock _gate = new();
    private readonly List<JsonElement> _committed = [];
    private readonly List<string> _accessChanges = [];
    private readonly List<Waiter> _waiters = [];

    private HubClient(HubConnection connection)
    {
        Connection = connection;
        connection.On<string>(AnnotationsHub.CommittedMessage, OnCommitted);
        connection.On<string>(AnnotationsHub.AccessChangedMessage, OnAccessChanged);
    }

    /// <summary>The underlying SignalR connection (for anything this class does not wrap).</summary>
    public HubConnection Connection { get; }

    /// <summary>Every <c>committed</c> message received so far (result JSON), in arrival order.</summary>
    public IReadOnlyList<JsonElement> Committed
    {
        get
        {
            lock (_gate)
            {
                return [.. _committed];
            }
        }
    }

    /// <summary>Every <c>accessChanged</c> reason received so far, in arrival order.</summary>
    public IReadOnlyList<string> AccessChanges
    {
        get
        {
            lock (_gate)
            {
                return [.. _accessChanges];
            }
        }
    }

    /// <summary>
    /// Connects to the hub of the app at <paramref name="baseAddress"/> with <paramref name="token"/> (sent as a Bearer
    /// header to negotiate and as <c>access_token</c> on the WebSocket). Fails with <see cref="HttpRequestException"/>
    /// (401) when the token is refused.
    /// </summary>
    public static async Task<HubClient> ConnectAsync(Uri baseAddress, string token,
        HttpTransportType transports = HttpTransportType.WebSockets, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(baseAddress);
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(baseAddress, AnnotationsHub.Path), transports, o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        var client = new HubClient(connection);
        try
        {
            await connection.StartAsync(cancellationToken);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        return client;
    }

    /// <summary>Joins an image: returns its snapshot and starts receiving its committed operations.</summary>
    public async Task<JsonElement> JoinAsync(int imageId, CancellationToken cancellationToken = default) =>
        Parse(await Connection.InvokeAsync<string>("JoinImage", imageId, cancellationToken));

    /// <summary>Stops receiving an image's operations.</summary>
    public Task LeaveAsync(int imageId, CancellationToken cancellationToken = default) =>
        Connection.InvokeAsync("LeaveImage", imageId, cancellationToken);

    /// <summary>Submits one operation (JSON); returns the result (<c>ok</c>, <c>sequence</c> or <c>error</c>).</summary>
    public async Task<JsonElement> SubmitAsync(int imageId, string operationJson, CancellationToken cancellationToken = default) =>
        Parse(await Connection.InvokeAsync<string>("Submit", imageId, operationJson, cancellationToken));

    /// <summary>The committed operations after <paramref name="afterSequence"/> (or a request to reload).</summary>
    public async Task<JsonElement> CatchUpAsync(int imageId, long afterSequence, CancellationToken cancellationToken = default) =>
        Parse(await Connection.InvokeAsync<string>("CatchUp", imageId, afterSequence, cancellationToken));

    /// <summary>
    /// Waits for a <c>committed</c> message of <paramref name="imageId"/> with a sequence number of at least
    /// <paramref name="sequence"/> (already received or still to come) and returns it.
    /// </summary>
    public Task<JsonElement> WaitForSequenceAsync(int imageId, long sequence, TimeSpan? timeout = null) =>
        WaitAsync(m => ImageOf(m) == imageId && m.GetProperty("sequence").GetInt64() >= sequence, timeout,
            $"a committed operation of image {imageId} with sequence ≥ {sequence}");

    /// <summary>Waits for the <paramref name="count"/>th <c>accessChanged</c> message and returns its reason.</summary>
    public Task<string> WaitForAccessChangedAsync(int count = 1, TimeSpan? timeout = null) =>
        Eventually.ValueAsync(() =>
        {
            lock (_gate)
            {
                return _accessChanges.Count >= count ? _accessChanges[count - 1] : null;
            }
        }, $"accessChanged message #{count}", timeout ?? DefaultTimeout);

    /// <summary>Closes the connection.</summary>
    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        lock (_gate)
        {
            foreach (var waiter in _waiters)
            {
                waiter.Done.TrySetCanceled();
            }
            _waiters.Clear();
        }
    }

    /// <summary>Parses a hub answer into a detached <see cref="JsonElement"/>.</summary>
    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private async Task<JsonElement> WaitAsync(Func<JsonElement, bool> match, TimeSpan? timeout, string what)
    {
        var waiter = new Waiter(match);
        lock (_gate)
        {
            var found = _committed.FirstOrDefault(match);
            if (found.ValueKind != JsonValueKind.Undefined)
            {
                return found;
            }
            _waiters.Add(waiter);
        }
        var limit = timeout ?? DefaultTimeout;
        try
        {
            return await waiter.Done.Task.WaitAsync(limit);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"No {what} within {limit.TotalSeconds} s; received {Committed.Count} committed messages.");
        }
        finally
        {
            lock (_gate)
            {
                _waiters.Remove(waiter);
            }
        }
    }

    private void OnCommitted(string json)
    {
        var message = Parse(json);
        lock (_gate)
        {
            _committed.Add(message);
            foreach (var waiter in _waiters.Where(w => w.Match(message)).ToList())
            {
                waiter.Done.TrySetResult(message);
                _waiters.Remove(waiter);
            }
        }
    }

    private void OnAccessChanged(string reason)
    {
        lock (_gate)
        {
            _accessChanges.Add(reason);
        }
    }

    private static int? ImageOf(JsonElement message) =>
        message.TryGetProperty("imageId", out var id) ? id.GetInt32() : null;

    private sealed record Waiter(Func<JsonElement, bool> Match)
    {
        public TaskCompletionSource<JsonElement> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
