using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading.Channels;

using Annotator.Web.Feed;

namespace Annotator.Web.Collaboration;

/// <summary>
/// Who is viewing which image, where their pointer is and what they have selected, on every node. Each node tracks the
/// workspaces open on it (<see cref="Join"/>) and publishes them on the feed (<see cref="FeedTopics.Presence"/>, key:
/// the project id): the full list of its viewers of a project whenever it changes and every
/// <see cref="HeartbeatInterval"/>, pointer moves as they happen. It merges what the other nodes publish; a node that
/// has not been heard of for <see cref="Expiry"/> (it crashed, or Redis lost its goodbye) is forgotten.
/// </summary>
/// <remarks>
/// The tracker trusts what it is told: only pages that have authorized the caller (loaded the workspace snapshot, or
/// the project permission for the grid) may join or subscribe. Privacy is enforced when reading:
/// <see cref="PresenceSession.Peers"/> gives pointers and selections only of viewers of the same image and the same
/// annotation set, so blind labelers never see each other's; <see cref="Viewers"/> gives who views which image, which
/// every project member may see. Pages join through <see cref="PresenceCircuit"/>, which hides their viewers while the
/// browser's connection is down.
/// </remarks>
public sealed class PresenceTracker : IAsyncDisposable
{
    /// <summary>How often each node republishes its viewers.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(10);

    /// <summary>Viewers on another node are forgotten when that node has not published them for this long.</summary>
    public static readonly TimeSpan Expiry = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Pointer updates of one viewer beyond this many a second, on average, are dropped. Browsers send at most 10 a
    /// second, but they arrive jittered: a burst of up to <see cref="CursorBurst"/> passes, so a viewer's last position
    /// (the one that stays on the others' screens) is not dropped for arriving a little early.
    /// </summary>
    public const double CursorRate = 12;

    /// <summary>How many pointer updates may arrive back to back (see <see cref="CursorRate"/>).</summary>
    public const double CursorBurst = 3;

    /// <summary>At most this many selected regions are shared (a select-all of thousands is shown as these).</summary>
    public const int MaxSharedSelection = 200;

    private const int MaxNameLength = 80;

    private readonly IFeed _feed;
    private readonly TimeProvider _time;
    private readonly ILogger<PresenceTracker> _logger;
    private readonly string _node = Guid.NewGuid().ToString("N");
    private readonly Lock _gate = new();
    private readonly Dictionary<Guid, Entry> _entries = [];
    private readonly Dictionary<Guid, PresenceSession> _sessions = [];
    private readonly Dictionary<int, ProjectState> _projects = [];
    // Bounded: while Redis is slow or gone, the oldest messages go first (the next full state and heartbeat repair it).
    private readonly Channel<FeedEnvelope> _outbox = Channel.CreateBounded<FeedEnvelope>(
        new BoundedChannelOptions(4096) { SingleReader = true, FullMode = BoundedChannelFullMode.DropOldest });
    private readonly Task _sender;
    private readonly ITimer _timer;
    private int _ticking;
    private bool _disposed;

    /// <summary>Starts the heartbeat; nothing is published until someone joins.</summary>
    public PresenceTracker(IFeed feed, TimeProvider time, ILogger<PresenceTracker> logger)
    {
        _feed = feed;
        _time = time;
        _logger = logger;
        _sender = Task.Run(SendAsync);
        _timer = time.CreateTimer(_ => Tick(), null, HeartbeatInterval, HeartbeatInterval);
    }

    /// <summary>This node's id on the feed (for logs and tests).</summary>
    public string NodeId => _node;

    /// <summary>
    /// Adds a viewer (one open workspace) until the returned session is disposed. <paramref name="onChange"/> is called
    /// (on the thread pool, never under a lock) when what <see cref="PresenceSession.Peers"/> or
    /// <see cref="PresenceSession.ImageViewers"/> return may have changed; it should re-read them.
    /// </summary>
    public PresenceSession Join(PresenceJoin join, Func<Task> onChange)
    {
        ArgumentNullException.ThrowIfNull(join);
        ArgumentNullException.ThrowIfNull(onChange);
        var session = new PresenceSession(this, Guid.NewGuid(), join, PresenceColors.For(join.UserId), onChange);
        var notify = new HashSet<Func<Task>>();
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var entry = new Entry(session.Key, _node, join.ProjectId, join.ImageId, join.SetOwnerId ?? "", join.UserId,
                Trim(join.DisplayName), session.Color, null, [], _time.GetUtcNow());
            _entries[session.Key] = entry;
            _sessions[session.Key] = session;
            Project(join.ProjectId).Sessions++;
            PublishState(join.ProjectId);
            ViewersChanged(entry, notify);
            LooksChanged(join.ProjectId, notify);
        }
        Notify(notify);
        return session;
    }

    /// <summary>
    /// Calls <paramref name="onChange"/> (on the thread pool) whenever who views which image of the project changes,
    /// until disposed. For the image grid; the caller must have checked that the user may see the project.
    /// </summary>
    public IDisposable Subscribe(int projectId, Func<Task> onChange)
    {
        ArgumentNullException.ThrowIfNull(onChange);
        lock (_gate)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            Project(projectId).Watchers.Add(onChange);
        }
        return new Unsubscriber(this, projectId, onChange);
    }

    /// <summary>Who views which image of the project, on every node (one entry per user and image, by name).</summary>
    public IReadOnlyList<ImageViewer> Viewers(int projectId)
    {
        lock (_gate)
        {
            return ToViewers(_entries.Values.Where(e => e.ProjectId == projectId));
        }
    }

    /// <summary>Who views the image, on every node (one entry per user, by name).</summary>
    public IReadOnlyList<ImageViewer> ViewersOfImage(int imageId)
    {
        lock (_gate)
        {
            return ToViewers(_entries.Values.Where(e => e.ImageId == imageId));
        }
    }

    /// <summary>Under the lock: viewers with the colours and initials that tell them apart in their project.</summary>
    private List<ImageViewer> ToViewers(IEnumerable<Entry> entries)
    {
        var looks = new Dictionary<int, IReadOnlyDictionary<string, PresenceLook>>();
        return entries.DistinctBy(e => (e.UserId, e.ImageId))
            .Select(e =>
            {
                if (!looks.TryGetValue(e.ProjectId, out var project))
                {
                    looks[e.ProjectId] = project = Looks(e.ProjectId);
                }
                var look = project[e.UserId];
                return new ImageViewer(e.UserId, e.Name, look.Color, e.ImageId) { Initials = look.Initials };
            })
            .OrderBy(v => v.DisplayName, StringComparer.CurrentCultureIgnoreCase).ThenBy(v => v.UserId, StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>
    /// Under the lock: how everyone present in the project is shown (<see cref="PresenceColors.Distinct"/>), as last
    /// worked out by <see cref="LooksChanged"/> (pointer moves read it many times a second; it changes only when people
    /// come and go).
    /// </summary>
    private IReadOnlyDictionary<string, PresenceLook> Looks(int projectId)
    {
        if (_projects.TryGetValue(projectId, out var project)
            && _entries.Values.Where(e => e.ProjectId == projectId).All(e => project.Looks.ContainsKey(e.UserId)))
        {
            return project.Looks;
        }
        return WorkOutLooks(projectId);
    }

    private Dictionary<string, PresenceLook> WorkOutLooks(int projectId) =>
        new(PresenceColors.Distinct(_entries.Values.Where(e => e.ProjectId == projectId).Select(e => (e.UserId, e.Name))));

    /// <summary>
    /// Under the lock, after who is present in the project changed: when that changed how someone is shown (two people
    /// with one colour or the same initials came together, or one of them left), every workspace of the project
    /// re-reads, not only those on the image concerned.
    /// </summary>
    private void LooksChanged(int projectId, HashSet<Func<Task>> notify)
    {
        if (!_projects.TryGetValue(projectId, out var project))
        {
            return;
        }
        var looks = WorkOutLooks(projectId);
        var before = project.Looks;
        project.Looks = looks;
        if (before.Count == looks.Count && looks.All(kv => before.TryGetValue(kv.Key, out var was) && was == kv.Value))
        {
            return;
        }
        notify.UnionWith(project.Watchers);
        foreach (var session in _sessions.Values.Where(s => s.Join.ProjectId == projectId))
        {
            notify.Add(session.OnChange);
        }
    }

    internal IReadOnlyList<PresencePeer> PeersOf(PresenceSession session)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(session.Key, out var me))
            {
                return [];
            }
            var looks = Looks(me.ProjectId);
            return _entries.Values
                .Where(e => e.ImageId == me.ImageId && e.SetKey == me.SetKey && e.UserId != me.UserId)
                .OrderBy(e => e.Name, StringComparer.CurrentCultureIgnoreCase).ThenBy(e => e.Key)
                .Select(e => new PresencePeer(e.UserId, e.Name, looks[e.UserId].Color, e.Cursor, e.Selection))
                .ToList();
        }
    }

    internal IReadOnlyList<ImageViewer> ImageViewersOf(PresenceSession session)
    {
        lock (_gate)
        {
            if (!_entries.TryGetValue(session.Key, out var me))
            {
                return [];
            }
            return ToViewers(_entries.Values.Where(e => e.ImageId == me.ImageId && e.UserId != me.UserId));
        }
    }

    internal bool MoveCursor(PresenceSession session, PresencePoint? cursor)
    {
        if (cursor is { } p && !(double.IsFinite(p.X) && double.IsFinite(p.Y)))
        {
            return false;
        }
        var notify = new HashSet<Func<Task>>();
        lock (_gate)
        {
            if (!_entries.TryGetValue(session.Key, out var entry) || entry.Cursor == cursor)
            {
                return false;
            }
            var now = _time.GetUtcNow();
            // A "pointer left" always gets through once (else a dropped one leaves a ghost); moves are rate-limited.
            var elapsed = now - session.LastCursorAt;
            session.CursorBudget = Math.Min(CursorBurst, session.CursorBudget + elapsed.TotalSeconds * CursorRate);
            session.LastCursorAt = now;
            if (cursor is not null && session.CursorBudget < 1)
            {
                return false;
            }
            session.CursorBudget = Math.Max(0, session.CursorBudget - 1);
            entry = entry with { Cursor = cursor };
            _entries[entry.Key] = entry;
            Publish(new PresenceWire("cursor", _node, entry.ProjectId, null, entry.Key, cursor?.X, cursor?.Y));
            ActivityChanged(entry, notify);
        }
        Notify(notify);
        return true;
    }

    internal void Select(PresenceSession session, IEnumerable<Guid> regionIds)
    {
        var selection = regionIds.Distinct().Take(MaxSharedSelection).ToArray();
        var notify = new HashSet<Func<Task>>();
        lock (_gate)
        {
            if (!_entries.TryGetValue(session.Key, out var entry) || entry.Selection.SequenceEqual(selection))
            {
                return;
            }
            entry = entry with { Selection = selection };
            _entries[entry.Key] = entry;
            PublishState(entry.ProjectId);
            ActivityChanged(entry, notify);
        }
        Notify(notify);
    }

    internal void SetConnected(PresenceSession session, bool connected)
    {
        var notify = new HashSet<Func<Task>>();
        lock (_gate)
        {
            if (_disposed || !_sessions.ContainsKey(session.Key) || _entries.ContainsKey(session.Key) == connected)
            {
                return;
            }
            Entry entry;
            if (connected)
            {
                var join = session.Join;
                entry = new Entry(session.Key, _node, join.ProjectId, join.ImageId, join.SetOwnerId ?? "", join.UserId,
                    Trim(join.DisplayName), session.Color, null, [], _time.GetUtcNow());
                _entries[session.Key] = entry;
                // The page missed what happened meanwhile: it re-reads its peers.
                notify.Add(session.OnChange);
            }
            else if (!_entries.Remove(session.Key, out entry!))
            {
                return;
            }
            ViewersChanged(entry, notify);
            LooksChanged(entry.ProjectId, notify);
            PublishState(entry.ProjectId);
        }
        Notify(notify);
    }

    internal void Leave(PresenceSession session)
    {
        var notify = new HashSet<Func<Task>>();
        lock (_gate)
        {
            if (!_sessions.Remove(session.Key))
            {
                return;
            }
            if (_entries.Remove(session.Key, out var entry))
            {
                ViewersChanged(entry, notify);
            }
            var projectId = session.Join.ProjectId;
            LooksChanged(projectId, notify);
            if (!_disposed)
            {
                PublishState(projectId);
                var project = Project(projectId);
                project.Sessions--;
                ReleaseIfUnused(projectId, project);
            }
        }
        Notify(notify);
    }

    private void Unsubscribe(int projectId, Func<Task> onChange)
    {
        lock (_gate)
        {
            if (_projects.TryGetValue(projectId, out var project) && project.Watchers.Remove(onChange))
            {
                ReleaseIfUnused(projectId, project);
            }
        }
    }

    /// <summary>The project's state, subscribing to its presence messages (and asking the other nodes for theirs) on first use.</summary>
    private ProjectState Project(int projectId)
    {
        if (!_projects.TryGetValue(projectId, out var project))
        {
            var key = projectId.ToString(System.Globalization.CultureInfo.InvariantCulture);
            project = new ProjectState(_feed.Subscribe(FeedTopics.Presence, key, message => ReceiveAsync(projectId, message)));
            _projects[projectId] = project;
            Publish(new PresenceWire("hello", _node, projectId, null, null, null, null));
        }
        return project;
    }

    /// <summary>Nobody here looks at the project any more: stop listening and forget the other nodes' viewers of it.</summary>
    private void ReleaseIfUnused(int projectId, ProjectState project)
    {
        if (project.Sessions > 0 || project.Watchers.Count > 0)
        {
            return;
        }
        project.Feed.Dispose();
        _projects.Remove(projectId);
        foreach (var key in _entries.Values.Where(e => e.ProjectId == projectId).Select(e => e.Key).ToList())
        {
            _entries.Remove(key);
        }
    }

    /// <summary>Everyone looking at the project or the entry's image should re-read (a viewer came, went or moved).</summary>
    private void ViewersChanged(Entry entry, HashSet<Func<Task>> notify)
    {
        if (_projects.TryGetValue(entry.ProjectId, out var project))
        {
            notify.UnionWith(project.Watchers);
        }
        foreach (var session in _sessions.Values)
        {
            if (session.Join.ImageId == entry.ImageId && session.Key != entry.Key)
            {
                notify.Add(session.OnChange);
            }
        }
    }

    /// <summary>The viewers of the entry's image and set should re-read (a pointer moved, a selection changed).</summary>
    private void ActivityChanged(Entry entry, HashSet<Func<Task>> notify)
    {
        foreach (var session in _sessions.Values)
        {
            if (session.Join.ImageId == entry.ImageId && (session.Join.SetOwnerId ?? "") == entry.SetKey && session.Key != entry.Key)
            {
                notify.Add(session.OnChange);
            }
        }
    }

    private void Notify(HashSet<Func<Task>> callbacks)
    {
        foreach (var callback in callbacks)
        {
            _ = Task.Run(async () =>
            {
                try
                {
                    await callback();
                }
                catch (Exception e)
                {
                    _logger.LogDebug(e, "A presence subscriber failed.");
                }
            });
        }
    }

    /// <summary>This node's viewers of a project, all of them (an empty list says "none any more").</summary>
    private void PublishState(int projectId)
    {
        var viewers = _entries.Values.Where(e => e.Node == _node && e.ProjectId == projectId)
            .Select(e => new WireViewer(e.Key, e.ImageId, e.SetKey, e.UserId, e.Name, e.Cursor?.X, e.Cursor?.Y, e.Selection))
            .ToArray();
        Publish(new PresenceWire("state", _node, projectId, viewers, null, null, null));
    }

    /// <summary>Queued under the lock, so messages leave in the order the changes happened.</summary>
    private void Publish(PresenceWire message)
    {
        var payload = JsonSerializer.Serialize(message, PresenceJson.Default.PresenceWire);
        var key = message.Project.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _outbox.Writer.TryWrite(new FeedEnvelope(FeedTopics.Presence, key, payload));
    }

    private async Task SendAsync()
    {
        await foreach (var message in _outbox.Reader.ReadAllAsync())
        {
            try
            {
                await _feed.PublishAsync(message);
            }
            catch (Exception e)
            {
                _logger.LogWarning(e, "Could not publish presence.");
            }
        }
    }

    private Task ReceiveAsync(int projectId, FeedEnvelope message)
    {
        PresenceWire? wire;
        try
        {
            wire = JsonSerializer.Deserialize(message.Payload, PresenceJson.Default.PresenceWire);
        }
        catch (JsonException e)
        {
            _logger.LogWarning(e, "Ignored a malformed presence message.");
            return Task.CompletedTask;
        }
        if (wire is null || wire.Node == _node || wire.Project != projectId)
        {
            return Task.CompletedTask;
        }
        var notify = new HashSet<Func<Task>>();
        lock (_gate)
        {
            if (_disposed || !_projects.ContainsKey(projectId))
            {
                return Task.CompletedTask;
            }
            switch (wire.Type)
            {
                case "hello":
                    if (_entries.Values.Any(e => e.Node == _node && e.ProjectId == projectId))
                    {
                        PublishState(projectId);
                    }
                    break;
                case "state":
                    MergeState(wire, notify);
                    break;
                case "cursor" when wire.Key is { } key && _entries.TryGetValue(key, out var entry) && entry.Node == wire.Node:
                    PresencePoint? cursor = wire.X is { } x && wire.Y is { } y && double.IsFinite(x) && double.IsFinite(y) ? new(x, y) : null;
                    entry = entry with { Cursor = cursor, Seen = _time.GetUtcNow() };
                    _entries[key] = entry;
                    ActivityChanged(entry, notify);
                    break;
                case "bye":
                    foreach (var gone in _entries.Values.Where(e => e.Node == wire.Node && e.ProjectId == projectId).ToList())
                    {
                        _entries.Remove(gone.Key);
                        ViewersChanged(gone, notify);
                    }
                    break;
            }
            LooksChanged(projectId, notify);
        }
        Notify(notify);
        return Task.CompletedTask;
    }

    /// <summary>Replaces what is known of another node's viewers of a project with its latest full list.</summary>
    private void MergeState(PresenceWire wire, HashSet<Func<Task>> notify)
    {
        var now = _time.GetUtcNow();
        var listed = new HashSet<Guid>();
        foreach (var v in wire.Viewers ?? [])
        {
            if (v.Key == Guid.Empty || string.IsNullOrEmpty(v.User) || (_entries.TryGetValue(v.Key, out var mine) && mine.Node != wire.Node))
            {
                continue;
            }
            listed.Add(v.Key);
            PresencePoint? cursor = v.X is { } x && v.Y is { } y && double.IsFinite(x) && double.IsFinite(y) ? new(x, y) : null;
            var entry = new Entry(v.Key, wire.Node, wire.Project, v.Image, v.Set ?? "", v.User, Trim(v.Name), PresenceColors.For(v.User),
                cursor, (v.Sel ?? []).Take(MaxSharedSelection).ToArray(), now);
            if (!_entries.TryGetValue(v.Key, out var before))
            {
                ViewersChanged(entry, notify);
            }
            else if (before.ImageId != entry.ImageId || before.Name != entry.Name || before.SetKey != entry.SetKey)
            {
                ViewersChanged(before, notify);
                ViewersChanged(entry, notify);
            }
            else if (before.Cursor != entry.Cursor || !before.Selection.SequenceEqual(entry.Selection))
            {
                ActivityChanged(entry, notify);
            }
            _entries[v.Key] = entry;
        }
        foreach (var gone in _entries.Values.Where(e => e.Node == wire.Node && e.ProjectId == wire.Project && !listed.Contains(e.Key)).ToList())
        {
            _entries.Remove(gone.Key);
            ViewersChanged(gone, notify);
        }
    }

    /// <summary>The heartbeat: republishes this node's viewers and forgets the silent nodes' ones.</summary>
    private void Tick()
    {
        if (Interlocked.Exchange(ref _ticking, 1) == 1)
        {
            return;
        }
        var notify = new HashSet<Func<Task>>();
        try
        {
            lock (_gate)
            {
                if (_disposed)
                {
                    return;
                }
                foreach (var projectId in _entries.Values.Where(e => e.Node == _node).Select(e => e.ProjectId).Distinct().ToList())
                {
                    PublishState(projectId);
                }
                var cutoff = _time.GetUtcNow() - Expiry;
                var stale = _entries.Values.Where(e => e.Node != _node && e.Seen < cutoff).ToList();
                foreach (var entry in stale)
                {
                    _entries.Remove(entry.Key);
                    ViewersChanged(entry, notify);
                }
                foreach (var projectId in stale.Select(e => e.ProjectId).Distinct())
                {
                    LooksChanged(projectId, notify);
                }
            }
        }
        finally
        {
            Volatile.Write(ref _ticking, 0);
        }
        Notify(notify);
    }

    private static string Trim(string? name)
    {
        var n = (name ?? "").Trim();
        return n.Length <= MaxNameLength ? n : n[..MaxNameLength];
    }

    /// <summary>Says goodbye on the feed (so other nodes drop this node's viewers at once) and stops the heartbeat.</summary>
    public async ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            foreach (var (projectId, project) in _projects)
            {
                if (project.Sessions > 0)
                {
                    Publish(new PresenceWire("bye", _node, projectId, null, null, null, null));
                }
            }
        }
        await _timer.DisposeAsync();
        _outbox.Writer.TryComplete();
        try
        {
            await _sender.WaitAsync(TimeSpan.FromSeconds(2));
        }
        catch (TimeoutException)
        {
            _logger.LogDebug("Presence messages were still being published at shutdown.");
        }
        lock (_gate)
        {
            foreach (var project in _projects.Values)
            {
                project.Feed.Dispose();
            }
            _projects.Clear();
            _entries.Clear();
            _sessions.Clear();
        }
    }

    private sealed record Entry(
        Guid Key, string Node, int ProjectId, int ImageId, string SetKey, string UserId, string Name, string Color,
        PresencePoint? Cursor, Guid[] Selection, DateTimeOffset Seen);

    private sealed class ProjectState(IDisposable feed)
    {
        public IDisposable Feed { get; } = feed;

        public int Sessions { get; set; }

        public List<Func<Task>> Watchers { get; } = [];

        /// <summary>How the people present were shown when last looked (to notice when that changes).</summary>
        public IReadOnlyDictionary<string, PresenceLook> Looks { get; set; } = new Dictionary<string, PresenceLook>();
    }

    private sealed class Unsubscriber(PresenceTracker tracker, int projectId, Func<Task> onChange) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                tracker.Unsubscribe(projectId, onChange);
            }
        }
    }

    internal sealed record PresenceWire(string Type, string Node, int Project, WireViewer[]? Viewers, Guid? Key, double? X, double? Y);

    internal sealed record WireViewer(Guid Key, int Image, string? Set, string User, string? Name, double? X, double? Y, Guid[]? Sel);
}

/// <summary>
/// One open workspace in the <see cref="PresenceTracker"/>: reports its pointer and selection, reads its peers. Dispose it
/// when the page closes or moves to another image.
/// </summary>
public sealed class PresenceSession : IDisposable
{
    private readonly PresenceTracker _tracker;

    internal PresenceSession(PresenceTracker tracker, Guid key, PresenceJoin join, string color, Func<Task> onChange)
    {
        _tracker = tracker;
        Key = key;
        Join = join;
        Color = color;
        OnChange = onChange;
    }

    /// <summary>This workspace's connection key.</summary>
    public Guid Key { get; }

    /// <summary>Who and where.</summary>
    public PresenceJoin Join { get; }

    /// <summary>The viewer's colour.</summary>
    public string Color { get; }

    internal Func<Task> OnChange { get; }

    internal DateTimeOffset LastCursorAt { get; set; } = DateTimeOffset.MinValue;

    /// <summary>Pointer updates this viewer may still send now (refilled at <see cref="PresenceTracker.CursorRate"/> a second).</summary>
    internal double CursorBudget { get; set; } = PresenceTracker.CursorBurst;

    /// <summary>
    /// The pointer moved to <paramref name="cursor"/> (image px), or left the image (null). Returns false when the update
    /// was dropped: unchanged, or beyond <see cref="PresenceTracker.CursorRate"/> a second (bursts of
    /// <see cref="PresenceTracker.CursorBurst"/> pass).
    /// </summary>
    public bool MoveCursor(PresencePoint? cursor) => _tracker.MoveCursor(this, cursor);

    /// <summary>The regions selected now (the first <see cref="PresenceTracker.MaxSharedSelection"/> are shared).</summary>
    public void Select(IEnumerable<Guid> regionIds)
    {
        ArgumentNullException.ThrowIfNull(regionIds);
        _tracker.Select(this, regionIds);
    }

    /// <summary>
    /// The browser's connection went down (false) or came back (true). While it is down the viewer is hidden from
    /// everyone: a circuit whose browser is gone lingers on the server for minutes before the page is disposed.
    /// </summary>
    public void SetConnected(bool connected) => _tracker.SetConnected(this, connected);

    /// <summary>Other users in the same annotation set of the same image, with their pointers and selections.</summary>
    public IReadOnlyList<PresencePeer> Peers() => _tracker.PeersOf(this);

    /// <summary>Other users viewing the same image, in any annotation set (avatars only).</summary>
    public IReadOnlyList<ImageViewer> ImageViewers() => _tracker.ImageViewersOf(this);

    /// <summary>Whether the session has left.</summary>
    public bool IsDisposed { get; private set; }

    /// <summary>Leaves: the others see this viewer go.</summary>
    public void Dispose()
    {
        IsDisposed = true;
        _tracker.Leave(this);
    }
}

[JsonSerializable(typeof(PresenceTracker.PresenceWire))]
internal sealed partial class PresenceJson : JsonSerializerContext;
