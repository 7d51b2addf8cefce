using System.Globalization;
using System.Net.Sockets;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Collaboration;

namespace Annotator.Tests.Web.Live;

/// <summary>
/// A hub client that stops reading its socket must not hold up anyone else: not the writers of its image (whose commits
/// publish under the image's lock), not the other readers. When it reads again it finds a gap in the sequence numbers,
/// catches up from the operation log and ends up with every operation. Real Kestrel, a real WebSocket whose receive
/// buffer is small and which the test simply stops reading.
/// </summary>
public sealed class StuckHubReader
{
    private const int Operations = 200;

    /// <summary>A Submit takes milliseconds; this long means it waited for a reader (SignalR gives up on one after 10 s).</summary>
    private static readonly TimeSpan Stalled = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ReaderThatStopsReadingStallsNoWriterAndCatchesUpFromTheGapWhenItReadsAgain()
    {
        // Given a minute before it is disconnected, the stuck client is still connected when it reads again.
        await using var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback()
            .With("Annotator:Live:SendQueueMessages", "32").With("Annotator:Live:SendTimeoutSeconds", "60");
        var world = await HubWorld.BuildAsync(app);
        var bobToken = (await app.MintApiTokenAsync(world.Bob)).Secret;
        await using var stuck = await RawHubSocket.ConnectAsync(app.ServerAddress, bobToken);
        var lastApplied = LastSequence(await stuck.InvokeAsync("JoinImage", world.Image));

        var last = await WriteWhileStuckAsync(app, world, stuck);

        // Reading again: what is still queued arrives, the newest operation among it; its prev shows what was dropped.
        var received = 0;
        var caughtUp = 0;
        using var converge = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (lastApplied < last)
        {
            var committed = await stuck.NextCommittedAsync(converge.Token);
            received++;
            var sequence = committed.GetProperty("sequence").GetInt64();
            if (sequence <= lastApplied)
            {
                continue;
            }
            if (committed.GetProperty("prev").GetInt64() != lastApplied)
            {
                var catchUp = JsonDocument.Parse(await stuck.InvokeAsync("CatchUp", world.Image, lastApplied, converge.Token)).RootElement;
                Assert.False(catchUp.GetProperty("reload").GetBoolean());
                foreach (var message in catchUp.GetProperty("messages").EnumerateArray())
                {
                    Assert.Equal(lastApplied, message.GetProperty("prev").GetInt64());
                    lastApplied = message.GetProperty("sequence").GetInt64();
                    caughtUp++;
                }
                continue;
            }
            lastApplied = sequence;
        }

        Assert.Equal(last, lastApplied);
        Assert.True(received < Operations, $"all {received} messages were kept for a client that did not read");
        Assert.True(caughtUp > 0, "the client never needed to catch up");
    }

    [Fact]
    public async Task ReaderStuckLongerThanTheSendTimeoutIsDisconnectedAndConvergesWhenItReconnects()
    {
        await using var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback()
            .With("Annotator:Live:SendQueueMessages", "32").With("Annotator:Live:SendTimeoutSeconds", "2");
        var world = await HubWorld.BuildAsync(app);
        var bobToken = (await app.MintApiTokenAsync(world.Bob)).Secret;
        long lastApplied;
        long last;
        await using (var stuck = await RawHubSocket.ConnectAsync(app.ServerAddress, bobToken))
        {
            lastApplied = LastSequence(await stuck.InvokeAsync("JoinImage", world.Image));
            last = await WriteWhileStuckAsync(app, world, stuck);
            // Given up by the server: what it still had queued is gone with the connection.
            using var closing = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            await Assert.ThrowsAsync<InvalidOperationException>(async () =>
            {
                while (true)
                {
                    await stuck.NextCommittedAsync(closing.Token);
                }
            });
        }

        // As docs/hub-protocol.md asks of a client that lost its connection: reconnect, catch up from the last applied.
        // (Reading normally now: a 12 MB snapshot through a 4 KB window would outlast the 2 s send timeout.)
        await using var again = await HubClient.ConnectAsync(app.ServerAddress, bobToken);
        var snapshot = await again.JoinAsync(world.Image);
        var catchUp = await again.CatchUpAsync(world.Image, lastApplied);

        Assert.Equal(last, snapshot.GetProperty("lastSequence").GetInt64());
        Assert.False(catchUp.GetProperty("reload").GetBoolean());
        Assert.Equal(last, catchUp.GetProperty("lastSequence").GetInt64());
        Assert.Equal(last, catchUp.GetProperty("messages").EnumerateArray().Last().GetProperty("sequence").GetInt64());
    }

    /// <summary>
    /// Another labeler submits <see cref="Operations"/> large operations while <paramref name="stuck"/> reads nothing and a
    /// third client reads everything; no Submit waits for the stuck one, and the third client sees every operation.
    /// Returns the last sequence number.
    /// </summary>
    private static async Task<long> WriteWhileStuckAsync(AnnotatorFactory app, HubWorld world, RawHubSocket stuck)
    {
        await using var writer = await HubClient.ConnectAsync(app.ServerAddress, (await app.MintApiTokenAsync(world.Ann)).Secret);
        await writer.JoinAsync(world.Image);
        await using var watcher = await HubClient.ConnectAsync(app.ServerAddress, (await app.MintApiTokenAsync(world.Admin)).Secret);
        await watcher.JoinAsync(world.Image);

        // About 60 KB per operation, 12 MB in all: far more than the stuck client's socket, Kestrel's buffers and its
        // queue on the server hold. Before the fix, once they were full, the writer's Submit waited until SignalR gave
        // the stuck client up.
        long last = 0;
        for (var i = 0; i < Operations; i++)
        {
            using var limit = new CancellationTokenSource(Stalled);
            var started = System.Diagnostics.Stopwatch.StartNew();
            JsonElement result;
            try
            {
                result = await writer.SubmitAsync(world.Image, LargePolygon(world, i), limit.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"Submit {i + 1} of {Operations} had no answer after {started.Elapsed.TotalSeconds:N1} s: it waited for the stuck reader.");
                throw;
            }
            Assert.True(result.GetProperty("ok").GetBoolean(), result.ToString());
            last = result.GetProperty("sequence").GetInt64();
            if (i % 20 == 0)
            {
                // Alive, only not reading: SignalR closes a client it has not heard from for 30 s.
                await stuck.PingAsync();
            }
        }
        await watcher.WaitForSequenceAsync(world.Image, last);
        return last;
    }

    private static long LastSequence(string snapshotJson) =>
        JsonDocument.Parse(snapshotJson).RootElement.GetProperty("lastSequence").GetInt64();

    /// <summary>A polygon of 4,000 vertices on a circle inside horse.png (400×328), a little different each time.</summary>
    private static string LargePolygon(HubWorld world, int seed)
    {
        var points = new StringBuilder();
        for (var i = 0; i < 4000; i++)
        {
            var angle = 2 * Math.PI * i / 4000;
            var radius = 150 - (seed % 7);
            points.Append(CultureInfo.InvariantCulture, $"{(i == 0 ? "" : ",")}{200 + radius * Math.Cos(angle):0.000},{164 + radius * Math.Sin(angle):0.000}");
        }
        var label = world.Taxonomy.Labels.Single(l => l.Name == "animal").Id;
        return $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"create","region":{"id":"{{{Guid.NewGuid()}}}","labelId":"{{{label}}}","kind":"polygon","geometry":{"points":[{{{points}}}]},"attributes":{},"zOrder":0,"hidden":false,"locked":false}}""";
    }

    /// <summary>
    /// The SignalR JSON protocol spoken by hand over a WebSocket whose receive buffer is 4 KB, so that not reading it
    /// really stops the server's writes to it (the .NET SignalR client keeps reading its socket into memory).
    /// </summary>
    private sealed class RawHubSocket : IAsyncDisposable
    {
        private const char Separator = '\u001e';
        private readonly ClientWebSocket _socket;
        private readonly HttpMessageInvoker _invoker;
        private readonly Queue<string> _pending = new();
        private readonly StringBuilder _partial = new();
        private readonly Decoder _utf8 = Encoding.UTF8.GetDecoder();
        private readonly byte[] _buffer = new byte[64 * 1024];
        private readonly char[] _chars = new char[64 * 1024];
        private int _nextInvocation;

        private RawHubSocket(ClientWebSocket socket, HttpMessageInvoker invoker)
        {
            _socket = socket;
            _invoker = invoker;
        }

        public static async Task<RawHubSocket> ConnectAsync(Uri server, string token)
        {
            var handler = new SocketsHttpHandler
            {
                ConnectCallback = async (context, cancellationToken) =>
                {
                    var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true, ReceiveBufferSize = 4096 };
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                },
            };
            var invoker = new HttpMessageInvoker(handler);
            var socket = new ClientWebSocket();
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
            var address = new UriBuilder(new Uri(server, AnnotationsHub.Path)) { Scheme = "ws" }.Uri;
            await socket.ConnectAsync(address, invoker, CancellationToken.None);
            var hub = new RawHubSocket(socket, invoker);
            await hub.SendAsync("""{"protocol":"json","version":1}""", CancellationToken.None);
            var handshake = await hub.NextAsync(CancellationToken.None);
            Assert.Equal("{}", handshake);
            return hub;
        }

        /// <summary>Calls a hub method and returns its result (a string), skipping messages that arrive meanwhile.</summary>
        public async Task<string> InvokeAsync(string method, params object[] arguments) =>
            await InvokeAsync(method, arguments, CancellationToken.None);

        public Task<string> InvokeAsync(string method, int imageId, long afterSequence, CancellationToken cancellationToken) =>
            InvokeAsync(method, [imageId, afterSequence], cancellationToken);

        private async Task<string> InvokeAsync(string method, object[] arguments, CancellationToken cancellationToken)
        {
            var id = (++_nextInvocation).ToString(CultureInfo.InvariantCulture);
            await SendAsync(JsonSerializer.Serialize(new { type = 1, invocationId = id, target = method, arguments }), cancellationToken);
            while (true)
            {
                using var message = JsonDocument.Parse(await NextAsync(cancellationToken));
                var root = message.RootElement;
                if (root.GetProperty("type").GetInt32() == 3 && root.GetProperty("invocationId").GetString() == id)
                {
                    if (root.TryGetProperty("error", out var error))
                    {
                        throw new InvalidOperationException(error.GetString());
                    }
                    return root.GetProperty("result").GetString()!;
                }
            }
        }

        /// <summary>The next <c>committed</c> message's result JSON.</summary>
        public async Task<JsonElement> NextCommittedAsync(CancellationToken cancellationToken)
        {
            while (true)
            {
                using var message = JsonDocument.Parse(await NextAsync(cancellationToken));
                var root = message.RootElement;
                if (root.GetProperty("type").GetInt32() == 1 && root.GetProperty("target").GetString() == AnnotationsHub.CommittedMessage)
                {
                    return JsonDocument.Parse(root.GetProperty("arguments")[0].GetString()!).RootElement.Clone();
                }
            }
        }

        /// <summary>A ping, as SignalR clients send to show they are alive (it reads nothing).</summary>
        public async Task PingAsync()
        {
            try
            {
                await SendAsync("""{"type":6}""", CancellationToken.None);
            }
            catch (WebSocketException)
            {
                // Closed by the server meanwhile (a client that does not read is given up): the reading side will tell.
            }
        }

        private async Task SendAsync(string json, CancellationToken cancellationToken) =>
            await _socket.SendAsync(Encoding.UTF8.GetBytes(json + Separator), WebSocketMessageType.Text, true, cancellationToken);

        private async Task<string> NextAsync(CancellationToken cancellationToken)
        {
            while (_pending.Count == 0)
            {
                WebSocketReceiveResult read;
                try
                {
                    read = await _socket.ReceiveAsync(_buffer, cancellationToken);
                }
                catch (WebSocketException e)
                {
                    throw new InvalidOperationException("The connection was closed: " + e.Message, e);
                }
                if (read.MessageType == WebSocketMessageType.Close)
                {
                    throw new InvalidOperationException($"The server closed the connection: {_socket.CloseStatusDescription}");
                }
                var count = _utf8.GetChars(_buffer, 0, read.Count, _chars, 0);
                _partial.Append(_chars, 0, count);
                var text = _partial.ToString();
                var end = text.LastIndexOf(Separator);
                if (end < 0)
                {
                    continue;
                }
                foreach (var part in text[..end].Split(Separator))
                {
                    _pending.Enqueue(part);
                }
                _partial.Clear().Append(text[(end + 1)..]);
            }
            return _pending.Dequeue();
        }

        public async ValueTask DisposeAsync()
        {
            try
            {
                using var quick = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, quick.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or ObjectDisposedException)
            {
            }
            _socket.Dispose();
            _invoker.Dispose();
        }
    }
}
