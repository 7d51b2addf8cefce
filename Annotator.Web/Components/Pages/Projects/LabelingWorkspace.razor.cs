using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Annotator.Core;
using Annotator.Core.Annotations;
using Annotator.Core.Geometry;
using Annotator.Core.Images;
using Annotator.Core.Taxonomy;
using Annotator.Web.Components.Labeling;
using Annotator.Web.Feed;
using Annotator.Web.Annotations;
using Annotator.Web.Workspace;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;

namespace Annotator.Web.Components.Pages.Projects;

/// <summary>
/// The labeling workspace: the canvas (our ES modules, driven through JS interop), the tool bar and the side panel.
/// The canvas handles every gesture locally and sends one operation per finished gesture; this component forwards it
/// to <see cref="WorkspaceSession"/> and keeps the side panel in step with what was committed.
/// </summary>
public sealed partial class LabelingWorkspace
{
    private sealed record ToolButton(string Name, string Title, string Key, string Icon);

    private static readonly ToolButton[] Tools =
    [
        new("select", "Select and edit", "V", Icons.Material.Filled.NearMe),
        new("box", "Box", "B", Icons.Material.Outlined.CropSquare),
        new("rotatedBox", "Rotated box", "R", Icons.Material.Filled.Rotate90DegreesCw),
        new("polygon", "Polygon", "P", Icons.Material.Outlined.Pentagon),
        new("freehand", "Freehand polygon", "F", Icons.Material.Filled.Gesture),
        new("polyline", "Polyline", "L", Icons.Material.Filled.Timeline),
        new("point", "Point", "T", Icons.Material.Filled.FiberManualRecord),
        new("ellipse", "Ellipse", "E", Icons.Material.Outlined.Circle),
        new("keypoints", "Keypoints", "K", Icons.Material.Filled.AccessibilityNew),
        new("brush", "Brush (mask)", "M", Icons.Material.Filled.Brush),
        new("eraser", "Eraser (mask)", "X", Icons.Material.Filled.AutoFixNormal),
    ];

    private WorkspaceSnapshot? _snapshot;
    private bool _notFound;
    private int _loadedImageId;
    private bool _canvasStale;
    private ImageStatus _status;
    private int? _previous, _next;
    /// <summary>Where the image is in the project's order (the grid's), for the "7 of 120" counter.</summary>
    private Annotator.Web.Projects.ImagePlace? _place;
    private string? _skipReason;
    private string _tool = "select";
    private Guid? _labelId;
    /// <summary>Whether the guide panel (project and label guidelines) is open beside the canvas.</summary>
    private bool _guideOpen;
    private readonly Dictionary<Guid, RegionItem> _regions = [];
    /// <summary>The revision at which regions were deleted, so a late message cannot bring one back.</summary>
    private readonly Dictionary<Guid, int> _deletedAt = [];
    /// <summary>The sequence of the newest answer to each question applied here.</summary>
    private readonly Dictionary<Guid, long> _answeredAt = [];
    private IDisposable? _feedSubscription;
    private IDisposable? _accessSubscription;
    private List<RegionItem> _regionList = [];
    private HashSet<Guid> _selected = [];
    private Dictionary<Guid, string> _answers = [];

    private ElementReference _host;
    private ElementReference _saveStatus;
    private IJSObjectReference? _module;
    private IJSObjectReference? _canvas;
    private DotNetObjectReference<CanvasBridge>? _bridge;

    [Inject] private AnnotationService Annotations { get; set; } = default!;
    [Inject] private WorkspaceSession Session { get; set; } = default!;
    [Inject] private LabelingQueue Queue { get; set; } = default!;
    [Inject] private Annotator.Web.Projects.ProjectService Projects { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
    [Inject] private IFeed Feed { get; set; } = default!;
    [Inject] private NavigationManager Navigation { get; set; } = default!;
    [Inject] private ISnackbar Snackbar { get; set; } = default!;
    [Inject] private IDialogService Dialogs { get; set; } = default!;

    /// <summary>The project (from the route).</summary>
    [Parameter]
    public int ProjectId { get; set; }

    /// <summary>The image (from the route).</summary>
    [Parameter]
    public int ImageId { get; set; }

    [CascadingParameter]
    private Task<AuthenticationState> AuthState { get; set; } = default!;

    private bool ReadOnly => _lostAccess is not null || _snapshot?.Context.WhyReadOnly is not null;

    /// <summary>Why the user lost access while the page was open (null: they did not).</summary>
    private string? _lostAccess;

    /// <summary>Set by <see cref="DisposeAsync"/>, which can run while a render still waits for the canvas module.</summary>
    private bool _disposed;

    /// <summary>One side-panel edit at a time (see <see cref="SubmitFromPanelAsync"/>).</summary>
    private readonly SemaphoreSlim _panelEdits = new(1, 1);

    private RegionItem? SelectedRegion =>
        _selected.Count == 1 && _regions.TryGetValue(_selected.First(), out var region) ? region : null;

    private async Task<ClaimsPrincipal> UserAsync() => (await AuthState).User;

    /// <inheritdoc />
    protected override async Task OnParametersSetAsync()
    {
        if (_loadedImageId == ImageId && _snapshot is not null)
        {
            return;
        }
        if (!RendererInfo.IsInteractive)
        {
            // The prerendered page shows progress only: the regions (up to tens of thousands) are loaded once, by the
            // circuit that draws them. Non-members never get here (ProjectGate answers 404 first).
            return;
        }
        var user = await UserAsync();
        var snapshot = await Annotations.LoadAsync(user, ImageId);
        if (snapshot is null || snapshot.Context.Image.ProjectId != ProjectId)
        {
            await DisposeCanvasAsync();
            LeavePresence();
            _notFound = true;
            _snapshot = null;
            return;
        }
        _notFound = false;
        _lostAccess = null;
        _snapshot = snapshot;
        _loadedImageId = ImageId;
        await JoinPresenceAsync(snapshot);
        _status = snapshot.Context.Image.Status;
        Subscribe(snapshot.Context);
        ShowInPanel(snapshot);
        _selected = [];
        var labels = snapshot.Context.Taxonomy?.Labels.Where(l => !l.Deprecated).ToList() ?? [];
        if (_labelId is null || labels.All(l => l.Id != _labelId))
        {
            _labelId = labels.FirstOrDefault()?.Id;
        }
        _place = await Projects.PlaceAsync(ProjectId, ImageId);
        (_previous, _next) = (_place.Previous, _place.Next);
        _skipReason = await Queue.SkipReasonAsync(user, ImageId);
        _canvasStale = true;
    }

    /// <inheritdoc />
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (!_canvasStale || _snapshot is null)
        {
            return;
        }
        _canvasStale = false;
        await DisposeCanvasAsync();
        var module = _module ?? await JS.InvokeAsync<IJSObjectReference>("import", "./js/workspace/bridge.js");
        if (_disposed)
        {
            // The user moved on while the module loaded: open nothing (the page's elements are gone).
            await module.DisposeAsync();
            return;
        }
        _module = module;
        _bridge = DotNetObjectReference.Create(new CanvasBridge(this, _snapshot.Context.Image.Id));
        _canvas = await _module.InvokeAsync<IJSObjectReference>("open", _host, _saveStatus, _bridge, CanvasOptions(_snapshot));
        if (_disposed)
        {
            await DisposeCanvasAsync();
            return;
        }
        await CallAsync("setTool", _tool);
        if (_labelId is { } label)
        {
            await CallAsync("setLabel", label.ToString());
        }
        await AttachPresenceAsync();
    }

    private string CanvasOptions(WorkspaceSnapshot snapshot)
    {
        var image = snapshot.Context.Image;
        var url = $"/images/{image.Id}/file";
        var imageJson = new JsonObject
        {
            ["id"] = image.Id,
            ["width"] = image.Width,
            ["height"] = image.Height,
            // One level, one tile (the display file) for now; the gigapixel work adds levels of real tiles.
            ["tiles"] = new JsonObject
            {
                ["tileSize"] = Math.Max(image.Width, image.Height),
                ["levels"] = new JsonArray(new JsonObject { ["level"] = 0, ["width"] = image.Width, ["height"] = image.Height, ["url"] = url }),
            },
        };
        // Written straight to UTF-8: with tens of thousands of regions this is the page's biggest payload.
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WritePropertyName("image");
            imageJson.WriteTo(json);
            json.WriteStartArray("labels");
            foreach (var label in snapshot.Context.Taxonomy?.Labels ?? [])
            {
                LabelJson(label).WriteTo(json);
            }
            json.WriteEndArray();
            json.WriteStartArray("regions");
            foreach (var region in snapshot.Regions)
            {
                json.WriteRawValue(OperationJson.SerializeRegion(region.Data, region.Revision), skipInputValidation: true);
            }
            json.WriteEndArray();
            json.WriteBoolean("readOnly", ReadOnly);
            json.WriteString("userId", snapshot.Context.UserId);
            json.WriteNumber("lastSequence", snapshot.LastSequence);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private static string LabelsJson(TaxonomyDefinition? taxonomy) =>
        new JsonArray((taxonomy?.Labels ?? []).Select(l => (JsonNode?)LabelJson(l)).ToArray()).ToJsonString();

    private static JsonNode LabelJson(LabelDefinition label) => new JsonObject
    {
        ["id"] = label.Id,
        ["name"] = label.Name,
        ["color"] = label.Color,
        ["hotkey"] = label.Hotkey,
        ["deprecated"] = label.Deprecated,
        ["shapeKinds"] = new JsonArray(label.ShapeKinds.Select(k => (JsonNode?)ShapeKindNames.ToJson(k)).ToArray()),
        ["skeleton"] = label.Skeleton is not { } skeleton ? null : new JsonObject
        {
            ["points"] = new JsonArray(skeleton.Points.Select(p => (JsonNode?)p).ToArray()),
            ["edges"] = new JsonArray(skeleton.Edges.Select(e => (JsonNode?)new JsonArray(e[0], e[1])).ToArray()),
            ["layout"] = skeleton.Layout is null ? null : new JsonArray(skeleton.Layout.Select(p => (JsonNode?)new JsonArray(p[0], p[1])).ToArray()),
        },
    };

    /// <summary>An operation the canvas sent: apply it, keep the panel in step, answer with the result JSON.</summary>
    private async Task<string> SubmitFromCanvasAsync(int imageId, string json)
    {
        if (imageId != _loadedImageId)
        {
            return EditOutcome.Refused(Guid.Empty, "This image is no longer open in this tab.").ToJson();
        }
        var user = await UserAsync();
        if (user.Identity?.IsAuthenticated != true)
        {
            return SignedOutJson;
        }
        var outcome = await Session.SubmitAsync(user, imageId, json);
        // A refusal is shown by the canvas, next to the shape it puts back.
        Track(outcome, notify: false);
        return outcome.ToJson();
    }

    /// <summary>An operation made in the side panel: apply it and show the result on the canvas.</summary>
    /// <summary>
    /// Commits an edit made in the side panel. Panel edits go one at a time, in the order they were made: two quick
    /// ticks of one question are two answers, and the second (built on the first) must not commit before it.
    /// </summary>
    private async Task SubmitFromPanelAsync(EditOperation operation)
    {
        await _panelEdits.WaitAsync();
        try
        {
            var outcome = await Session.SubmitAsync(await UserAsync(), ImageId, OperationJson.Serialize(operation));
            Track(outcome);
            if (outcome.Ok)
            {
                await CallAsync("applyCommitted", outcome.ToJson());
            }
        }
        finally
        {
            _panelEdits.Release();
        }
    }

    /// <summary>Keeps the panel's regions, answers and status in step with a committed operation.</summary>
    private void Track(EditOutcome outcome, bool notify = true)
    {
        if (!outcome.Ok)
        {
            if (notify)
            {
                Snackbar.Add(outcome.Error!, Severity.Warning);
            }
            return;
        }
        if (outcome.Applied is AnswerOp answer)
        {
            TrackAnswer(answer.QuestionId, answer.ValueJson, outcome.Sequence);
        }
        else if (outcome.RegionId is { } id)
        {
            TrackRegion(id, outcome.Region, outcome.Revision);
        }
        _status = outcome.ImageStatus;
        StateHasChanged();
    }

    /// <summary>The same for an operation that arrived from the feed or a catch-up.</summary>
    private void Track(CommittedOperation message)
    {
        if (message.QuestionId is { } question && message.Value is { } value)
        {
            TrackAnswer(question, value, message.Sequence);
        }
        else if (message.RegionId is { } id)
        {
            TrackRegion(id, message.Region?.Data, message.Revision);
        }
        _status = message.Status;
    }

    /// <summary>Newest sequence wins: an answer's own result and the feed's copy of an earlier one may cross.</summary>
    private void TrackAnswer(Guid questionId, string valueJson, long sequence)
    {
        if (sequence != 0 && sequence < _answeredAt.GetValueOrDefault(questionId))
        {
            return;
        }
        _answers[questionId] = valueJson;
        _answeredAt[questionId] = sequence;
    }

    /// <summary>Newest revision wins: answers and the feed travel separately, so an older state may arrive later.</summary>
    private void TrackRegion(Guid id, RegionData? region, int revision)
    {
        var known = _regions.TryGetValue(id, out var item) ? item.Revision : _deletedAt.GetValueOrDefault(id);
        if (revision != 0 && revision < known)
        {
            return;
        }
        if (region is null)
        {
            _regions.Remove(id);
            _selected.Remove(id);
            _deletedAt[id] = revision;
        }
        else
        {
            _regions[id] = RegionItem.From(region, revision, _snapshot?.Context.Taxonomy);
            _deletedAt.Remove(id);
        }
        RebuildRegionList();
    }

    /// <summary>The side panel starts over from a snapshot (the page loads, or the canvas had to reload the state).</summary>
    private void ShowInPanel(WorkspaceSnapshot snapshot)
    {
        _regions.Clear();
        _deletedAt.Clear();
        _answeredAt.Clear();
        foreach (var region in snapshot.Regions)
        {
            _regions[region.Data.Id] = RegionItem.From(region.Data, region.Revision, snapshot.Context.Taxonomy);
        }
        RebuildRegionList();
        _answers = new Dictionary<Guid, string>(snapshot.Answers);
    }

    private void RebuildRegionList() =>
        _regionList = _regions.Values.OrderBy(r => r.ZOrder).ThenBy(r => r.Id).ToList();

    private Task UpdateAsync(RegionItem region, RegionChanges changes) =>
        SubmitFromPanelAsync(new UpdateRegionOp(Guid.NewGuid(), region.Id, region.Revision, changes));

    private Task DeleteAsync(RegionItem region) =>
        SubmitFromPanelAsync(new DeleteRegionOp(Guid.NewGuid(), region.Id, region.Revision));

    private Task ReorderAsync(RegionItem region, bool toFront)
    {
        var others = _regions.Values.Where(r => r.Id != region.Id).Select(r => r.ZOrder).DefaultIfEmpty(region.ZOrder);
        var z = toFront ? others.Max() + 1 : others.Min() - 1;
        return z == region.ZOrder ? Task.CompletedTask : UpdateAsync(region, new RegionChanges(ZOrder: z));
    }

    /// <summary>
    /// A keypoint's visibility set in the point list: the canvas makes the operation (it knows where a point that becomes
    /// labelled goes, as with Alt+click there). Null once sent, else why not.
    /// </summary>
    private async Task<string?> SetKeypointVisibilityAsync(RegionItem region, int index, int visibility)
    {
        if (_canvas is null)
        {
            return "The canvas is not ready yet.";
        }
        try
        {
            return await _canvas.InvokeAsync<string?>("setKeypointVisibility", region.Id.ToString(), index, visibility);
        }
        catch (JSDisconnectedException)
        {
            return "The page lost its connection.";
        }
    }

    private Task AnswerAsync((Guid QuestionId, string ValueJson) answer) =>
        SubmitFromPanelAsync(new AnswerOp(Guid.NewGuid(), answer.QuestionId, answer.ValueJson));

    private async Task UndoAsync() => await ReplayAsync(undo: true);

    private async Task RedoAsync() => await ReplayAsync(undo: false);

    private async Task ReplayAsync(bool undo)
    {
        var user = await UserAsync();
        var outcomes = undo ? await Session.UndoAsync(user, ImageId) : await Session.RedoAsync(user, ImageId);
        foreach (var outcome in outcomes)
        {
            Track(outcome);
            if (outcome.Ok)
            {
                await CallAsync("applyCommitted", outcome.ToJson());
            }
            else
            {
                Snackbar.Add($"Could not {(undo ? "undo" : "redo")} that step: {outcome.Error}", Severity.Warning);
            }
        }
        StateHasChanged();
    }

    private async Task SetToolAsync(string tool)
    {
        _tool = tool;
        await CallAsync("setTool", tool);
    }

    private async Task PickLabelAsync(Guid labelId)
    {
        _labelId = labelId;
        await CallAsync("setLabel", labelId.ToString());
    }

    /// <summary>A region picked in the list: the select tool comes up, so keys and drags act on that region.</summary>
    private async Task FocusRegionAsync(Guid regionId)
    {
        _selected = [regionId];
        ShareSelection();
        await SetToolAsync("select");
        await CallAsync("focusRegion", regionId.ToString());
    }

    private async Task NavigateAsync(string where)
    {
        int? target = where switch
        {
            "next" => _next,
            "previous" => _previous,
            _ => await Queue.NextAsync(await UserAsync(), ProjectId, ImageId),
        };
        if (target is null)
        {
            Snackbar.Add(where == "queue" ? "Nothing left to label in your queue." : "There is no image in that direction.", Severity.Info);
            return;
        }
        if (target != ImageId)
        {
            Navigation.NavigateTo($"/projects/{ProjectId}/images/{target}");
        }
    }

    private async Task DoneAsync()
    {
        try
        {
            _status = await Queue.MarkDoneAsync(await UserAsync(), ImageId);
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Warning);
            return;
        }
        Snackbar.Add(_status == ImageStatus.Labeled ? "Marked done." : "Marked done; waiting for the other labelers.", Severity.Success);
        await NavigateToQueueAsync();
    }

    private async Task SkipAsync()
    {
        var dialog = await Dialogs.ShowAsync<SkipDialog>("Skip this image", new DialogOptions { CloseOnEscapeKey = true });
        var result = await dialog.Result;
        if (result is null || result.Canceled || result.Data is not string reason)
        {
            return;
        }
        try
        {
            await Queue.SkipAsync(await UserAsync(), ImageId, reason);
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Warning);
            return;
        }
        _skipReason = reason;
        Snackbar.Add("Skipped.", Severity.Info);
        await NavigateToQueueAsync();
    }

    private async Task NavigateToQueueAsync()
    {
        var next = await Queue.NextAsync(await UserAsync(), ProjectId, ImageId);
        if (next is null || next == ImageId)
        {
            Snackbar.Add("Nothing left to label in your queue.", Severity.Info);
            StateHasChanged();
            return;
        }
        Navigation.NavigateTo($"/projects/{ProjectId}/images/{next}");
    }

    private async Task ShowHelpAsync()
    {
        var parameters = new DialogParameters<HelpDialog> { { d => d.Labels, _snapshot?.Context.Taxonomy?.Labels ?? [] } };
        await Dialogs.ShowAsync<HelpDialog>("Keyboard and mouse", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Large, CloseOnEscapeKey = true, CloseButton = true });
    }

    private async Task CallAsync(string method, params object?[] args)
    {
        if (_canvas is null)
        {
            return;
        }
        try
        {
            await _canvas.InvokeVoidAsync(method, args);
        }
        catch (JSDisconnectedException)
        {
            // The tab is gone; nothing to update.
        }
    }

    private async Task DisposeCanvasAsync()
    {
        var canvas = _canvas;
        _canvas = null;
        if (canvas is not null)
        {
            try
            {
                await canvas.InvokeVoidAsync("dispose");
                await canvas.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
            }
        }
        _bridge?.Dispose();
        _bridge = null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        _feedSubscription?.Dispose();
        _accessSubscription?.Dispose();
        _taxonomySubscription?.Dispose();
        LeavePresence();
        await DisposeCanvasAsync();
        if (_module is not null)
        {
            try
            {
                await _module.DisposeAsync();
            }
            catch (JSDisconnectedException)
            {
            }
        }
    }

    /// <summary>
    /// What the canvas of one image may call. One per canvas, carrying its image id, so a call from a canvas that was
    /// replaced (the user moved on) cannot land on the next image.
    /// </summary>
    public sealed class CanvasBridge(LabelingWorkspace page, int imageId)
    {
        /// <summary>One finished gesture: an operation as JSON. Returns the result JSON.</summary>
        [JSInvokable]
        public Task<string> Submit(string operationJson) => page.SubmitFromCanvasAsync(imageId, operationJson);

        /// <summary>What changed after the sequence number the canvas last applied (a reconnect, a missed message).</summary>
        [JSInvokable]
        public Task<string> CatchUp(long afterSequence) => page.CatchUpAsync(imageId, afterSequence);

        /// <summary>The whole state again (when a catch-up is not possible).</summary>
        [JSInvokable]
        public Task<string> Snapshot() => page.SnapshotJsonAsync(imageId);

        /// <summary>The canvas selection changed.</summary>
        [JSInvokable]
        public Task SelectionChanged(string[] ids) => page.OnSelectionChanged(imageId, ids);

        /// <summary>A hotkey changed the tool.</summary>
        [JSInvokable]
        public Task ToolChanged(string tool) => page.OnToolChanged(tool);

        /// <summary>A hotkey changed the drawing label.</summary>
        [JSInvokable]
        public Task LabelChanged(string labelId) => page.OnLabelChanged(labelId);

        /// <summary>Ctrl+Z.</summary>
        [JSInvokable]
        public Task Undo() => imageId == page._loadedImageId ? page.UndoAsync() : Task.CompletedTask;

        /// <summary>Ctrl+Shift+Z / Ctrl+Y.</summary>
        [JSInvokable]
        public Task Redo() => imageId == page._loadedImageId ? page.RedoAsync() : Task.CompletedTask;

        /// <summary>N, Shift+N.</summary>
        [JSInvokable]
        public Task Navigate(string where) => page.NavigateAsync(where);

        /// <summary>The ? key.</summary>
        [JSInvokable]
        public Task ShowHelp() => page.ShowHelpAsync();

        /// <summary>The D key: as the Done button.</summary>
        [JSInvokable]
        public Task Done() => imageId == page._loadedImageId && !page.ReadOnly ? page.DoneAsync() : Task.CompletedTask;

        /// <summary>The S key: as the Skip… button.</summary>
        [JSInvokable]
        public Task Skip() => imageId == page._loadedImageId && !page.ReadOnly ? page.SkipAsync() : Task.CompletedTask;
    }

    private Task OnSelectionChanged(int imageId, string[] ids)
    {
        if (imageId == _loadedImageId)
        {
            // Not filtered by the regions known here: a shape just drawn is selected before the server has answered.
            _selected = ids.Select(id => Guid.TryParse(id, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToHashSet();
            ShareSelection();
            StateHasChanged();
        }
        return Task.CompletedTask;
    }

    private Task OnToolChanged(string tool)
    {
        _tool = tool;
        StateHasChanged();
        return Task.CompletedTask;
    }

    private Task OnLabelChanged(string labelId)
    {
        if (Guid.TryParse(labelId, out var id))
        {
            _labelId = id;
            StateHasChanged();
        }
        return Task.CompletedTask;
    }
}
