using System.Text.Json;
using Annotator.Web.Collaboration;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;

namespace Annotator.Tests.Reliability;

/// <summary>
/// A program's own copy of one image's annotation set, kept the way docs/hub-protocol.md tells a client to keep it and
/// from nothing else: <c>committed</c> messages and committed <c>Submit</c> results applied in sequence order by their
/// <c>prev</c> (early ones wait in a buffer), refusals with a conflict adopting the region they carry, and
/// <c>CatchUp</c> (or a fresh <c>JoinImage</c> when told to reload) after a reconnect or a gap. The connection can be
/// dropped and made again at any time; the copy survives it.
/// </summary>
/// <remarks>
/// A region's revision only grows (a delete and a restore bump it too), so a region state older than the one held is
/// ignored: that is what makes adopting a conflict's region out of sequence order safe.
/// </remarks>
public sealed class LiveReplica(Func<Uri> server, string token, int imageId) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, KnownRegion> _regions = [];
    private readonly Dictionary<Guid, string> _answers = [];
    private readonly SortedDictionary<long, JsonElement> _early = [];
    private readonly List<Guid> _acknowledged = [];
    private HubConnection? _connection;
    private long _lastApplied;
    private long _lastPushed;

    /// <summary>The image.</summary>
    public int ImageId { get; } = imageId;

    /// <summary>Width of the image (from the first snapshot).</summary>
    public int Width { get; private set; }

    /// <summary>Height of the image (from the first snapshot).</summary>
    public int Height { get; private set; }

    /// <summary>The newest sequence number applied: everything up to it is in the copy.</summary>
    public long LastApplied
    {
        get
        {
            lock (_gate)
            {
                return _lastApplied;
            }
        }
    }

    /// <summary>Whether messages wait for one that has not arrived (a gap: time to catch up).</summary>
    public bool HasGap
    {
        get
        {
            lock (_gate)
            {
                return _early.Count > 0;
            }
        }
    }

    /// <summary>Whether a connection is open.</summary>
    public bool IsConnected => _connection is { State: HubConnectionState.Connected };

    /// <summary>The opIds of every committed answer <see cref="SubmitAsync"/> received (retries answered as before included).</summary>
    public IReadOnlyList<Guid> Acknowledged
    {
        get
        {
            lock (_gate)
            {
                return [.. _acknowledged];
            }
        }
    }

    /// <summary>Counters, for the test output.</summary>
    public int Refused { get; private set; }

    /// <summary>Refusals that carried someone else's change (adopted).</summary>
    public int Conflicts { get; private set; }

    /// <summary>
    /// <c>committed</c> messages that arrived after one with a higher sequence number on the same connection (the hub
    /// promises sequence order per image).
    /// </summary>
    public int OutOfOrderPushes { get; private set; }

    /// <summary>CatchUp calls made.</summary>
    public int CatchUps { get; private set; }

    /// <summary>Snapshots loaded (the first join and every reload).</summary>
    public int Snapshots { get; private set; }

    /// <summary>The live regions (region JSON as the server sends it, revision included) by id.</summary>
    public SortedDictionary<Guid, string> Regions
    {
        get
        {
            lock (_gate)
            {
                return new(_regions.Where(r => r.Value.Json is not null).ToDictionary(r => r.Key, r => r.Value.Json!));
            }
        }
    }

    /// <summary>Every region this copy knows of, deleted ones included (null JSON), with its revision.</summary>
    public IReadOnlyDictionary<Guid, KnownRegion> Known
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<Guid, KnownRegion>(_regions);
            }
        }
    }

    /// <summary>The answers that are set (JSON values) by question id.</summary>
    public SortedDictionary<Guid, string> Answers
    {
        get
        {
            lock (_gate)
            {
                return new(_answers);
            }
        }
    }

    /// <summary>
    /// Connects and joins the image. The first time, or with <paramref name="fromSnapshot"/>, the copy is replaced by
    /// the snapshot; otherwise it catches up from <see cref="LastApplied"/>.
    /// </summary>
    public async Task ConnectAsync(bool fromSnapshot, CancellationToken cancellationToken)
    {
        var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(server(), AnnotationsHub.Path), HttpTransportType.WebSockets,
                o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        lock (_gate)
        {
            _lastPushed = 0;
        }
        connection.On<string>(AnnotationsHub.CommittedMessage, json => Pushed(Parse(json)));
        try
        {
            await connection.StartAsync(cancellationToken);
            var snapshot = Parse(await connection.InvokeAsync<string>("JoinImage", ImageId, cancellationToken));
            _connection = connection;
            if (fromSnapshot || Snapshots == 0)
            {
                Load(snapshot);
                return;
            }
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await CatchUpAsync(cancellationToken);
    }

    /// <summary>Drops the connection (what a lost network does to the client); the copy stays.</summary>
    public async Task DisconnectAsync()
    {
        if (_connection is { } connection)
        {
            _connection = null;
            await connection.DisposeAsync();
        }
    }

    /// <summary>
    /// Submits one operation and folds its answer into the copy: a committed one in sequence order, a conflict by
    /// adopting the region it carries. Throws when the connection is lost before the answer (resend it, same opId).
    /// </summary>
    public async Task<JsonElement> SubmitAsync(string operationJson, CancellationToken cancellationToken)
    {
        var connection = _connection ?? throw new InvalidOperationException("Not connected.");
        var result = Parse(await connection.InvokeAsync<string>("Submit", ImageId, operationJson, cancellationToken));
        lock (_gate)
        {
            if (result.GetProperty("ok").GetBoolean())
            {
                _acknowledged.Add(result.GetProperty("opId").GetGuid());
                Receive(result);
            }
            else
            {
                Refused++;
                if (result.TryGetProperty("conflict", out _))
                {
                    Conflicts++;
                    ApplyRegion(result);
                }
            }
        }
        return result;
    }

    /// <summary>Catches up from <see cref="LastApplied"/>; loads a snapshot when the server says reload.</summary>
    public async Task CatchUpAsync(CancellationToken cancellationToken)
    {
        var connection = _connection ?? throw new InvalidOperationException("Not connected.");
        CatchUps++;
        var catchUp = Parse(await connection.InvokeAsync<string>("CatchUp", ImageId, LastApplied, cancellationToken));
        if (catchUp.GetProperty("reload").GetBoolean())
        {
            Load(Parse(await connection.InvokeAsync<string>("JoinImage", ImageId, cancellationToken)));
            return;
        }
        lock (_gate)
        {
            // The messages hold current states chained from where we were; pushes applied meanwhile are older or equal.
            foreach (var message in catchUp.GetProperty("messages").EnumerateArray())
            {
                Apply(message);
            }
            _lastApplied = Math.Max(_lastApplied, catchUp.GetProperty("lastSequence").GetInt64());
            Drain();
        }
    }

    public async ValueTask DisposeAsync() => await DisconnectAsync();

    private void Load(JsonElement snapshot)
    {
        lock (_gate)
        {
            Snapshots++;
            Width = snapshot.GetProperty("width").GetInt32();
            Height = snapshot.GetProperty("height").GetInt32();
            _regions.Clear();
            _answers.Clear();
            foreach (var region in snapshot.GetProperty("regions").EnumerateArray())
            {
                _regions[region.GetProperty("id").GetGuid()] = new KnownRegion(region.GetRawText(), region.GetProperty("revision").GetInt32());
            }
            foreach (var answer in snapshot.GetProperty("answers").EnumerateObject())
            {
                SetAnswer(Guid.Parse(answer.Name), answer.Value);
            }
            _lastApplied = snapshot.GetProperty("lastSequence").GetInt64();
            Drain();
        }
    }

    private void Pushed(JsonElement message)
    {
        lock (_gate)
        {
            var sequence = message.GetProperty("sequence").GetInt64();
            if (sequence < _lastPushed)
            {
                OutOfOrderPushes++;
            }
            _lastPushed = Math.Max(_lastPushed, sequence);
            Receive(message);
        }
    }

    /// <summary>A committed message (pushed, or the answer of our own Submit): applied in sequence order.</summary>
    private void Receive(JsonElement message)
    {
        lock (_gate)
        {
            var sequence = message.GetProperty("sequence").GetInt64();
            if (sequence <= _lastApplied)
            {
                return;
            }
            _early[sequence] = message;
            Drain();
        }
    }

    private void Drain()
    {
        while (_early.Count > 0)
        {
            var (sequence, message) = _early.First();
            if (sequence <= _lastApplied)
            {
                _early.Remove(sequence);
                continue;
            }
            if (message.GetProperty("prev").GetInt64() != _lastApplied)
            {
                return;
            }
            _early.Remove(sequence);
            Apply(message);
            _lastApplied = sequence;
        }
    }

    private void Apply(JsonElement message)
    {
        if (message.TryGetProperty("questionId", out var question))
        {
            SetAnswer(question.GetGuid(), message.GetProperty("value"));
        }
        else
        {
            ApplyRegion(message);
        }
    }

    private void ApplyRegion(JsonElement message)
    {
        var id = message.GetProperty("regionId").GetGuid();
        var revision = message.GetProperty("revision").GetInt32();
        if (_regions.TryGetValue(id, out var known) && known.Revision > revision)
        {
            return;
        }
        var region = message.GetProperty("region");
        _regions[id] = new KnownRegion(region.ValueKind == JsonValueKind.Null ? null : region.GetRawText(), revision);
    }

    private void SetAnswer(Guid questionId, JsonElement value)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            _answers.Remove(questionId);
        }
        else
        {
            _answers[questionId] = value.GetRawText();
        }
    }

    private static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }
}

/// <summary>A region as a replica knows it.</summary>
/// <param name="Json">Its region JSON; null when it is deleted.</param>
/// <param name="Revision">Its revision.</param>
public sealed record KnownRegion(string? Json, int Revision);
