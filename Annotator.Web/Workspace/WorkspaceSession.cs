using System.Globalization;
using System.Security.Claims;
using System.Text.Json;
using Annotator.Core.Annotations;
using Annotator.Core.Images;
using Annotator.Web.Annotations;
using Annotator.Web.Collaboration;
using Annotator.Web.Data;
using Annotator.Web.Feed;
using Annotator.Web.Projects;
using Annotator.Web.Taxonomy;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Workspace;

/// <summary>
/// The page of an open workspace, as the session sees it: its circuit (<see cref="InvokeAsync"/>) and its canvas.
/// Committed operations reach the canvas through one entry point, <see cref="ReceiveAsync"/>, whatever they come from:
/// the feed, the side panel, undo or redo (the canvas's own gestures and catch-ups are answers to its own calls).
/// </summary>
public interface IWorkspaceView
{
    /// <summary>Runs <paramref name="work"/> on the page's circuit (Blazor's dispatcher), as the page's own events run.</summary>
    Task InvokeAsync(Func<Task> work);

    /// <summary>A committed operation (docs/workspace-protocol.md): the canvas applies it in sequence order.</summary>
    Task ReceiveAsync(string committedJson);

    /// <summary>The labels changed (a taxonomy was published): their JSON, as in the canvas's options.</summary>
    Task SetLabelsAsync(string labelsJson);

    /// <summary>The user may (no longer) edit.</summary>
    Task SetReadOnlyAsync(bool readOnly);

    /// <summary>The others in this annotation set, with their pointers and selections (JSON).</summary>
    Task SetPeersAsync(string peersJson);
}

/// <summary>
/// One browser tab's workspace (scoped to the Blazor circuit). It owns the state of the image open in the tab — the
/// regions and answers as committed (newest revision wins), the image's status, presence, catch-up and this user's
/// undo/redo history — subscribes to the feed for it, and tells the page when something changed
/// (<see cref="OnChange"/>; the page re-renders through <c>InvokeAsync</c>, as eShop's basket state does) and the
/// canvas what was committed (<see cref="IWorkspaceView"/>). The page renders and forwards gestures.
/// </summary>
/// <remarks>
/// Feed messages arrive on the feed's threads, one at a time per subscription; each is handled on the page's circuit
/// (<see cref="IWorkspaceView.InvokeAsync"/>) like a gesture, so the state only changes there and a render sees it
/// whole. The views the page reads (<see cref="Regions"/>, <see cref="Answers"/>) are immutable values replaced on
/// change. Undo and redo are operations too (the inverse of what was done), validated, persisted and sequenced like
/// any other edit.
/// </remarks>
public sealed class WorkspaceSession(
    AnnotationService annotations,
    LabelingQueue queue,
    IFeed feed,
    PresenceCircuit presence,
    IDbContextFactory<AnnotatorDbContext> dbFactory,
    ILogger<WorkspaceSession> logger) : IDisposable
{
    /// <summary>Undo steps kept per image.</summary>
    public const int HistoryCapacity = 200;

    /// <summary>What a change made while the session had ended is answered with.</summary>
    private const string SignedOutMessage = "Your session has ended, so this change was not saved. Sign in again in another tab and reload "
        + "this page: your unsaved changes are kept in this tab and sent then.";

    private static readonly JsonSerializerOptions PeerJson = new(JsonSerializerDefaults.Web);
    private const int ImagesRemembered = 20;

    private readonly Lock _gate = new();
    private readonly Dictionary<int, EditHistory> _histories = [];
    private readonly LinkedList<int> _recent = new();
    private readonly SemaphoreSlim _panelEdits = new(1, 1);

    private OpenImage? _open;
    private string? _displayName;
    private int _presencePushQueued;

    /// <summary>Something the page shows changed: render again (on the circuit: <c>InvokeAsync(StateHasChanged)</c>).</summary>
    public event Func<Task>? OnChange;

    /// <summary>Something to tell the user (a refused undo, lost access): message and whether it is a warning.</summary>
    public event Func<string, bool, Task>? OnNotice;

    /// <summary>The image open in this tab, with who the user is on it; null before <see cref="OpenAsync"/> or when it may not be seen.</summary>
    public EditContext? Context => _open?.Context;

    /// <summary>The regions of the open set, in drawing order, as committed.</summary>
    public IReadOnlyList<RegionItem> Regions => _open?.Regions ?? [];

    /// <summary>The answers to the image's questions (JSON values) by question id.</summary>
    public IReadOnlyDictionary<Guid, string> Answers => _open?.Answers ?? new Dictionary<Guid, string>();

    /// <summary>The image's status now.</summary>
    public ImageStatus Status => _open?.Status ?? ImageStatus.New;

    /// <summary>Who else is on the image (any annotation set), for the avatars.</summary>
    public IReadOnlyList<ImageViewer> Viewers => _open?.Viewers ?? [];

    /// <summary>The newest taxonomy publication while the image was open (null: none, or dismissed).</summary>
    public TaxonomyNotice? TaxonomyNotice => _open?.TaxonomyNotice;

    /// <summary>Why the user cannot edit here (lost access while open, or the context's own reason); null: they can.</summary>
    public string? WhyReadOnly => _open is { } open ? open.LostAccess ?? open.Context.WhyReadOnly : null;

    /// <summary>Whether the user cannot edit here.</summary>
    public bool ReadOnly => WhyReadOnly is not null;

    /// <summary>A region of the open set by id.</summary>
    public RegionItem? Region(Guid id) => _open?.RegionsById.GetValueOrDefault(id);

    /// <summary>Whether there is something to undo on the image.</summary>
    public bool CanUndo(int imageId)
    {
        lock (_gate)
        {
            return _histories.TryGetValue(imageId, out var h) && h.CanUndo;
        }
    }

    /// <summary>Whether there is something to redo on the image.</summary>
    public bool CanRedo(int imageId)
    {
        lock (_gate)
        {
            return _histories.TryGetValue(imageId, out var h) && h.CanRedo;
        }
    }

    /// <summary>
    /// Opens an image of the project for <paramref name="user"/>: loads what they see, subscribes to its feed and joins
    /// presence, leaving the image open before. Null when the image does not exist, is in another project or may not be
    /// seen (then nothing stays open).
    /// </summary>
    /// <param name="user">The signed-in user as they are now (asked again for every change: a session can end while the
    /// page is open).</param>
    /// <param name="projectId">The project the page is in.</param>
    /// <param name="imageId">The image.</param>
    /// <param name="view">The page.</param>
    /// <param name="cancellationToken">Stops loading.</param>
    public async Task<WorkspaceSnapshot?> OpenAsync(Func<Task<ClaimsPrincipal>> user, int projectId, int imageId, IWorkspaceView view,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(user);
        Close();
        var snapshot = await annotations.LoadAsync(await user(), imageId, cancellationToken);
        if (snapshot is null || snapshot.Context.Image.ProjectId != projectId)
        {
            return null;
        }
        _displayName ??= await DisplayNameAsync(snapshot.Context.UserId, cancellationToken);
        var open = new OpenImage(user, snapshot.Context, view);
        open.Reset(snapshot);
        lock (_gate)
        {
            _open = open;
        }
        var context = snapshot.Context;
        open.Subscriptions.Add(feed.Subscribe(FeedTopics.Edit, FeedTopics.EditKey(imageId, context.SetOwnerId),
            message => OnCommittedAsync(open, message.Payload)));
        open.Subscriptions.Add(feed.Subscribe(FeedTopics.Taxonomy, context.Image.ProjectId.ToString(CultureInfo.InvariantCulture),
            message => OnTaxonomyPublishedAsync(open, message.Payload)));
        open.Subscriptions.Add(feed.Subscribe(FeedTopics.Access, context.UserId, message =>
            // A revoked API token concerns that token's programs, not the browser.
            AccessNotice.Parse(message.Payload) is { TokenId: null } notice ? OnAccessChangedAsync(open, notice.Reason) : Task.CompletedTask));
        open.Presence = presence.Join(PresenceJoin.From(context, _displayName), () => OnPresenceChangedAsync(open));
        open.Viewers = open.Presence.ImageViewers();
        return snapshot;
    }

    /// <summary>Leaves the open image: its feed, presence and canvas. Undo histories are kept.</summary>
    public void Close()
    {
        OpenImage? open;
        lock (_gate)
        {
            open = _open;
            _open = null;
        }
        open?.Dispose();
    }

    /// <summary>The canvas is up (or was replaced): it gets the peers now.</summary>
    public Task CanvasReadyAsync() => _open is { } open ? PushPeersAsync(open) : Task.CompletedTask;

    /// <summary>Marks the open image done for this user (see <see cref="LabelingQueue.MarkDoneAsync"/>); returns its status now.</summary>
    /// <exception cref="InvalidOperationException">No image is open.</exception>
    public async Task<ImageStatus> MarkDoneAsync()
    {
        var open = _open ?? throw new InvalidOperationException("No image is open.");
        var status = await queue.MarkDoneAsync(await open.User(), open.Context.Image.Id);
        open.Status = status;
        await ChangedAsync();
        return status;
    }

    /// <summary>Hides the taxonomy notice.</summary>
    public void DismissTaxonomyNotice()
    {
        if (_open is { } open)
        {
            open.TaxonomyNotice = null;
        }
    }

    /// <summary>An operation the canvas sent (JSON): applied, tracked, answered with the result JSON for the canvas.</summary>
    public async Task<string> SubmitFromCanvasAsync(int imageId, string json)
    {
        if (Current(imageId) is not { } open)
        {
            return EditOutcome.Refused(Guid.Empty, "This image is no longer open in this tab.").ToJson();
        }
        var user = await open.User();
        if (user.Identity?.IsAuthenticated != true)
        {
            return SignedOutJson;
        }
        var outcome = await annotations.ApplyJsonAsync(user, imageId, json);
        Record(imageId, outcome);
        // A refusal is shown by the canvas, next to the shape it puts back; a commit is the canvas's own.
        await TrackAsync(open, outcome, toCanvas: false);
        return outcome.ToJson();
    }

    /// <summary>
    /// Commits an edit made in the side panel and shows it on the canvas. Panel edits go one at a time, in the order
    /// they were made: two quick ticks of one question are two answers, and the second (built on the first) must not
    /// commit before it. A refusal is told through <see cref="OnNotice"/>.
    /// </summary>
    public async Task SubmitAsync(EditOperation operation)
    {
        if (_open is not { } open)
        {
            return;
        }
        await _panelEdits.WaitAsync();
        try
        {
            var imageId = open.Context.Image.Id;
            var outcome = await annotations.ApplyAsync(await open.User(), imageId, operation);
            Record(imageId, outcome);
            if (!outcome.Ok)
            {
                await NoticeAsync(outcome.Error!, warning: true);
                return;
            }
            await TrackAsync(open, outcome, toCanvas: true);
        }
        finally
        {
            _panelEdits.Release();
        }
    }

    /// <summary>
    /// Undoes the newest step of this user's history on the open image. The inverse operations go to the canvas as they
    /// commit; when the step can no longer be undone (someone changed the region since), the part that applied counts,
    /// the rest is dropped so the history does not get stuck on it, and the user is told.
    /// </summary>
    public Task UndoAsync() => ReplayAsync(undo: true);

    /// <summary>Redoes the newest undone step; see <see cref="UndoAsync"/>.</summary>
    public Task RedoAsync() => ReplayAsync(undo: false);

    /// <summary>What changed after the sequence number the canvas last applied (a reconnect, a missed message), as JSON.</summary>
    public async Task<string> CatchUpJsonAsync(int imageId, long afterSequence)
    {
        if (Current(imageId) is not { } open)
        {
            return new CatchUp(false, afterSequence, []).ToJson();
        }
        var user = await open.User();
        if (user.Identity?.IsAuthenticated != true)
        {
            return SignedOutJson;
        }
        var catchUp = await annotations.CatchUpAsync(user, imageId, afterSequence);
        if (catchUp is null)
        {
            return new CatchUp(false, afterSequence, []).ToJson();
        }
        lock (_gate)
        {
            foreach (var operation in catchUp.Messages)
            {
                open.Apply(operation);
            }
            open.Publish();
        }
        await ChangedAsync();
        return catchUp.ToJson();
    }

    /// <summary>The regions and answers now, with the sequence number they are at, for a canvas that has to start over.</summary>
    public async Task<string> SnapshotJsonAsync(int imageId)
    {
        var snapshot = Current(imageId) is { } open ? await annotations.LoadAsync(await open.User(), imageId) : null;
        if (snapshot is null || Current(imageId) is not { } current)
        {
            return "null";
        }
        lock (_gate)
        {
            current.Reset(snapshot);
        }
        await ChangedAsync();
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("lastSequence", snapshot.LastSequence);
            WriteRegions(json, snapshot.Regions);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>Writes <c>"regions":[…]</c> in the operations' region format.</summary>
    public static void WriteRegions(Utf8JsonWriter json, IReadOnlyList<RegionState> regions)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(regions);
        json.WriteStartArray("regions");
        foreach (var region in regions)
        {
            json.WriteRawValue(OperationJson.SerializeRegion(region.Data, region.Revision), skipInputValidation: true);
        }
        json.WriteEndArray();
    }

    /// <summary>The selection changed (canvas or panel): the others in this set see it.</summary>
    public void Select(IEnumerable<Guid> regionIds) => _open?.Presence?.Select(regionIds);

    /// <summary>The pointer is at <paramref name="cursor"/> (image px) on the image, or left it (null).</summary>
    public void MoveCursor(int imageId, PresencePoint? cursor)
    {
        if (Current(imageId) is not { Presence: { } session } open)
        {
            return;
        }
        var image = open.Context.Image;
        // Anything off the image (or not a number) counts as "not over the image".
        var over = cursor is { } p && p.X >= 0 && p.Y >= 0 && p.X <= image.Width && p.Y <= image.Height;
        session.MoveCursor(over ? cursor : null);
    }

    /// <inheritdoc />
    public void Dispose() => Close();

    private static string SignedOutJson => new OperationRefusal(Guid.Empty, SignedOutMessage, SignedOut: true).ToJson();

    private OpenImage? Current(int imageId) => _open is { } open && open.Context.Image.Id == imageId ? open : null;

    private async Task<string> DisplayNameAsync(string userId, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken) ?? "Someone";
    }

    private async Task ReplayAsync(bool undo)
    {
        if (_open is not { } open)
        {
            return;
        }
        var imageId = open.Context.Image.Id;
        IReadOnlyList<EditOperation>? step;
        EditHistory history;
        lock (_gate)
        {
            history = History(imageId);
            step = undo ? history.PeekUndo() : history.PeekRedo();
        }
        if (step is null)
        {
            return;
        }
        var applied = new List<(EditOperation, int)>();
        foreach (var operation in step)
        {
            var outcome = await annotations.ApplyAsync(await open.User(), imageId, operation);
            if (!outcome.Ok)
            {
                await NoticeAsync($"Could not {(undo ? "undo" : "redo")} that step: {outcome.Error}", warning: true);
                break;
            }
            applied.Add((operation, outcome.Revision));
            await TrackAsync(open, outcome, toCanvas: true);
        }
        lock (_gate)
        {
            if (undo)
            {
                history.Undone(applied);
            }
            else
            {
                history.Redone(applied);
            }
        }
        await ChangedAsync();
    }

    private void Record(int imageId, EditOutcome outcome)
    {
        if (!outcome.Ok)
        {
            return;
        }
        lock (_gate)
        {
            History(imageId).Record(outcome.Applied!,
                InverseOperation.For(outcome.Applied!, outcome.Before, outcome.Revision, outcome.PreviousAnswer));
        }
    }

    /// <summary>A committed operation of this tab's own: into the state, and to the canvas unless the canvas made it.</summary>
    private async Task TrackAsync(OpenImage open, EditOutcome outcome, bool toCanvas)
    {
        if (!outcome.Ok)
        {
            return;
        }
        var committed = outcome.ToCommitted();
        lock (_gate)
        {
            open.Apply(committed);
            open.Publish();
        }
        await ChangedAsync();
        if (toCanvas)
        {
            await open.View.ReceiveAsync(committed.ToJson());
        }
    }

    private Task OnCommittedAsync(OpenImage open, string json) => open.View.InvokeAsync(async () =>
    {
        if (open.IsClosed || CommittedOperation.Parse(json) is not { } committed)
        {
            return;
        }
        lock (_gate)
        {
            open.Apply(committed);
            open.Publish();
        }
        await ChangedAsync();
        await open.View.ReceiveAsync(json);
    });

    /// <summary>
    /// An admin published a new taxonomy version: the palette, the panel and the canvas take the new labels at once
    /// (names, colours, hotkeys; deprecated ones leave the palette) and the labeler is told what changed. The regions
    /// publishing migrated arrive as committed operations on the edit feed like any other change.
    /// </summary>
    private Task OnTaxonomyPublishedAsync(OpenImage open, string json) => open.View.InvokeAsync(async () =>
    {
        if (open.IsClosed || TaxonomyNotice.Parse(json) is not { } notice)
        {
            return;
        }
        var context = await annotations.LoadContextAsync(await open.User(), open.Context.Image.Id);
        if (context is null || open.IsClosed)
        {
            return;
        }
        lock (_gate)
        {
            open.Context = context;
            open.TaxonomyNotice = notice;
            open.Relabel();
            open.Publish();
        }
        await open.View.SetLabelsAsync(LabelJson.Of(context.Taxonomy));
        await ChangedAsync();
    });

    /// <summary>Someone changed this user's role, membership or account: check again what they may do here.</summary>
    private Task OnAccessChangedAsync(OpenImage open, string reason) => open.View.InvokeAsync(async () =>
    {
        if (open.IsClosed)
        {
            return;
        }
        var wasReadOnly = WhyReadOnly is not null;
        var context = await annotations.LoadContextAsync(await open.User(), open.Context.Image.Id);
        if (open.IsClosed)
        {
            return;
        }
        var why = context is null
            ? "You no longer have access to this project; your saved work is kept, but you cannot change anything here."
            : context.WhyReadOnly;
        if (context is not null)
        {
            open.Context = context;
        }
        else
        {
            // Out of the project: neither shown to the others nor shown them any more.
            open.LostAccess = why;
            open.LeavePresence();
            await open.View.SetPeersAsync("[]");
        }
        if (why is not null)
        {
            await open.View.SetReadOnlyAsync(true);
            if (!wasReadOnly || context is null)
            {
                await NoticeAsync(string.IsNullOrWhiteSpace(reason) ? why : $"{why} ({reason})", warning: true);
            }
        }
        else if (wasReadOnly)
        {
            await open.View.SetReadOnlyAsync(false);
            await NoticeAsync("You can edit this image again.", warning: false);
        }
        await ChangedAsync();
    });

    /// <summary>Called by the tracker off the circuit; several changes in a row make one update.</summary>
    private async Task OnPresenceChangedAsync(OpenImage open)
    {
        if (Interlocked.Exchange(ref _presencePushQueued, 1) == 1)
        {
            return;
        }
        try
        {
            await open.View.InvokeAsync(async () =>
            {
                Volatile.Write(ref _presencePushQueued, 0);
                await PushPeersAsync(open);
            });
        }
        catch (Exception e)
        {
            // Presence is a courtesy: a failed update of someone's pointer must not end this user's workspace (as
            // DispatchExceptionAsync would, by ending the circuit). The next change tries again.
            Volatile.Write(ref _presencePushQueued, 0);
            logger.LogDebug(e, "Could not show presence on the workspace of image {ImageId}.", open.Context.Image.Id);
        }
    }

    private async Task PushPeersAsync(OpenImage open)
    {
        if (open.IsClosed || open.Presence is not { } session)
        {
            return;
        }
        var viewers = session.ImageViewers();
        if (!viewers.SequenceEqual(open.Viewers))
        {
            // Only a change of who is here re-renders the page; pointers go to the canvas alone.
            open.Viewers = viewers;
            await ChangedAsync();
        }
        await open.View.SetPeersAsync(JsonSerializer.Serialize(session.Peers(), PeerJson));
    }

    private async Task ChangedAsync()
    {
        if (OnChange is { } handler)
        {
            await handler();
        }
    }

    private async Task NoticeAsync(string message, bool warning)
    {
        if (OnNotice is { } handler)
        {
            await handler(message, warning);
        }
    }

    private EditHistory History(int imageId)
    {
        if (!_histories.TryGetValue(imageId, out var history))
        {
            history = new EditHistory(HistoryCapacity);
            _histories[imageId] = history;
        }
        _recent.Remove(imageId);
        _recent.AddFirst(imageId);
        while (_recent.Count > ImagesRemembered)
        {
            _histories.Remove(_recent.Last!.Value);
            _recent.RemoveLast();
        }
        return history;
    }

    /// <summary>
    /// The state of the open image. Changed under the session's lock; <see cref="Publish"/> makes the immutable views
    /// the page reads. Newest wins: answers to the author, the feed and catch-ups travel separately, so an older state
    /// of a region or answer may arrive after a newer one and is then ignored.
    /// </summary>
    private sealed class OpenImage(Func<Task<ClaimsPrincipal>> user, EditContext context, IWorkspaceView view) : IDisposable
    {
        private readonly Dictionary<Guid, RegionState> _regions = [];
        /// <summary>The revision at which regions were deleted, so a late message cannot bring one back.</summary>
        private readonly Dictionary<Guid, int> _deletedAt = [];
        private readonly Dictionary<Guid, string> _answers = [];
        /// <summary>The sequence of the newest answer to each question applied here.</summary>
        private readonly Dictionary<Guid, long> _answeredAt = [];

        public Func<Task<ClaimsPrincipal>> User { get; } = user;
        public EditContext Context { get; set; } = context;
        public IWorkspaceView View { get; } = view;
        public List<IDisposable> Subscriptions { get; } = [];
        public PresenceSession? Presence { get; set; }
        public IReadOnlyList<ImageViewer> Viewers { get; set; } = [];
        public TaxonomyNotice? TaxonomyNotice { get; set; }
        public string? LostAccess { get; set; }
        public ImageStatus Status { get; set; } = context.Image.Status;
        public bool IsClosed { get; private set; }

        public IReadOnlyList<RegionItem> Regions { get; private set; } = [];
        public IReadOnlyDictionary<Guid, RegionItem> RegionsById { get; private set; } = new Dictionary<Guid, RegionItem>();
        public IReadOnlyDictionary<Guid, string> Answers { get; private set; } = new Dictionary<Guid, string>();

        private Dictionary<Guid, RegionItem> _items = [];

        /// <summary>Starts over from a snapshot (the page loads, or the canvas had to reload the state).</summary>
        public void Reset(WorkspaceSnapshot snapshot)
        {
            _regions.Clear();
            _deletedAt.Clear();
            _answers.Clear();
            _answeredAt.Clear();
            foreach (var region in snapshot.Regions)
            {
                _regions[region.Data.Id] = region;
            }
            foreach (var (question, value) in snapshot.Answers)
            {
                _answers[question] = value;
            }
            Status = snapshot.Context.Image.Status;
            Relabel();
            Publish();
        }

        /// <summary>Applies a committed operation, unless what is held is newer.</summary>
        public void Apply(CommittedOperation operation)
        {
            Status = operation.Status;
            if (operation.QuestionId is { } question)
            {
                if (operation.Sequence != 0 && operation.Sequence < _answeredAt.GetValueOrDefault(question))
                {
                    return;
                }
                _answers[question] = operation.Value ?? "null";
                _answeredAt[question] = operation.Sequence;
                return;
            }
            if (operation.RegionId is not { } id)
            {
                return;
            }
            var known = _regions.TryGetValue(id, out var held) ? held.Revision : _deletedAt.GetValueOrDefault(id);
            if (operation.Revision != 0 && operation.Revision < known)
            {
                return;
            }
            if (operation.Region is not { } region)
            {
                _regions.Remove(id);
                _items.Remove(id);
                _deletedAt[id] = operation.Revision;
            }
            else
            {
                _regions[id] = region;
                _items[id] = RegionItem.From(region.Data, region.Revision, Context.Taxonomy);
                _deletedAt.Remove(id);
            }
        }

        /// <summary>The panel's view of every region again (the taxonomy changed: flags and required attributes).</summary>
        public void Relabel() =>
            _items = _regions.Values.ToDictionary(r => r.Data.Id, r => RegionItem.From(r.Data, r.Revision, Context.Taxonomy));

        /// <summary>Makes the views the page reads.</summary>
        public void Publish()
        {
            RegionsById = new Dictionary<Guid, RegionItem>(_items);
            Regions = _items.Values.OrderBy(r => r.ZOrder).ThenBy(r => r.Id).ToList();
            Answers = new Dictionary<Guid, string>(_answers);
        }

        public void LeavePresence()
        {
            Presence?.Dispose();
            Presence = null;
            Viewers = [];
        }

        public void Dispose()
        {
            IsClosed = true;
            foreach (var subscription in Subscriptions)
            {
                subscription.Dispose();
            }
            Subscriptions.Clear();
            LeavePresence();
        }
    }
}
