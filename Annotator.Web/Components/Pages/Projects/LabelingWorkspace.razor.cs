using System.Security.Claims;
using System.Text.Json;
using System.Text.Json.Nodes;
using Annotator.Core;
using Annotator.Core.Annotations;
using Annotator.Core.Images;
using Annotator.Web.Annotations;
using Annotator.Web.Collaboration;
using Annotator.Web.Components.Labeling;
using Annotator.Web.Workspace;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.JSInterop;
using MudBlazor;

namespace Annotator.Web.Components.Pages.Projects;

/// <summary>
/// The labeling workspace page: the canvas (our ES modules, loaded through <see cref="JsModule"/>), the tool bar and the
/// side panel. The open image's state — regions, answers, status, presence, catch-up, undo — belongs to
/// <see cref="WorkspaceSession"/>; this page renders it when the session says it changed, forwards gestures to it, and
/// is the session's <see cref="IWorkspaceView"/>: its circuit and its canvas.
/// </summary>
public sealed partial class LabelingWorkspace : IWorkspaceView
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

    /// <summary>How long a push to the browser may take before it is given up (the browser catches up by itself).</summary>
    private static readonly TimeSpan PushTimeout = TimeSpan.FromSeconds(10);

    /// <summary>The state the canvas opens with, kept until it has; the session owns the state from then on.</summary>
    private WorkspaceSnapshot? _opening;
    private bool _notFound;
    private int _loadedImageId;
    private int? _previous, _next;
    /// <summary>Where the image is in the project's order (the grid's), for the "7 of 120" counter.</summary>
    private Annotator.Web.Projects.ImagePlace? _place;
    private string? _skipReason;
    private string _tool = "select";
    private Guid? _labelId;
    /// <summary>Whether the guide panel (project and label guidelines) is open beside the canvas.</summary>
    private bool _guideOpen;
    private HashSet<Guid> _selected = [];

    private ElementReference _host;
    private ElementReference _saveStatus;
    private JsModule? _canvas;
    private DotNetObjectReference<CanvasBridge>? _bridge;
    private DotNetObjectReference<PresenceBridge>? _presenceBridge;

    [Inject] private WorkspaceSession Session { get; set; } = default!;
    [Inject] private LabelingQueue Queue { get; set; } = default!;
    [Inject] private Annotator.Web.Projects.ProjectService Projects { get; set; } = default!;
    [Inject] private IJSRuntime JS { get; set; } = default!;
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

    private bool ReadOnly => Session.ReadOnly;

    private RegionItem? SelectedRegion => _selected.Count == 1 ? Session.Region(_selected.First()) : null;

    private async Task<ClaimsPrincipal> UserAsync() => (await AuthState).User;

    /// <inheritdoc />
    protected override void OnInitialized()
    {
        _canvas = new JsModule(JS, "./js/workspace/bridge.js");
        Session.OnChange += OnSessionChanged;
        Session.OnNotice += OnSessionNotice;
    }

    private Task OnSessionChanged() => InvokeAsync(StateHasChanged);

    private Task OnSessionNotice(string message, bool warning) =>
        InvokeAsync(() => Snackbar.Add(message, warning ? Severity.Warning : Severity.Info));

    /// <inheritdoc />
    protected override async Task OnParametersSetAsync()
    {
        if (_loadedImageId == ImageId && Session.Context is not null)
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
        await DetachCanvasAsync();
        var snapshot = await Session.OpenAsync(UserAsync, ProjectId, ImageId, this);
        _selected = [];
        if (snapshot is null)
        {
            _notFound = true;
            _opening = null;
            return;
        }
        _notFound = false;
        _opening = snapshot;
        _loadedImageId = ImageId;
        EnsureLabel();
        _place = await Projects.PlaceAsync(ProjectId, ImageId);
        (_previous, _next) = (_place.Previous, _place.Next);
        _skipReason = await Queue.SkipReasonAsync(user, ImageId);
    }

    /// <summary>The drawing label stays one the taxonomy offers (the first, when it no longer is). True when it changed.</summary>
    private bool EnsureLabel()
    {
        var offered = Session.Context?.Taxonomy?.Labels.Where(l => !l.Deprecated).ToList() ?? [];
        if (_labelId is not null && offered.Any(l => l.Id == _labelId))
        {
            return false;
        }
        _labelId = offered.FirstOrDefault()?.Id;
        return true;
    }

    /// <inheritdoc />
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_opening is not { } snapshot || _canvas is null)
        {
            return;
        }
        _opening = null;
        var imageId = snapshot.Context.Image.Id;
        _bridge = DotNetObjectReference.Create(new CanvasBridge(this, imageId));
        if (await _canvas.AttachAsync("open", _host, _saveStatus, _bridge, CanvasOptions(snapshot)) is null)
        {
            // The user moved on (or left) while the module loaded: nothing was opened.
            return;
        }
        await CallAsync("setTool", _tool);
        if (_labelId is { } label)
        {
            await CallAsync("setLabel", label.ToString());
        }
        _presenceBridge = DotNetObjectReference.Create(new PresenceBridge(Session, imageId));
        await CallAsync("attachPresence", _presenceBridge);
        await Session.CanvasReadyAsync();
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
                LabelJson.Of(label).WriteTo(json);
            }
            json.WriteEndArray();
            WorkspaceSession.WriteRegions(json, snapshot.Regions);
            json.WriteBoolean("readOnly", ReadOnly);
            json.WriteString("userId", snapshot.Context.UserId);
            json.WriteNumber("lastSequence", snapshot.LastSequence);
            json.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    // IWorkspaceView: the session's way to the circuit and the canvas.
    Task IWorkspaceView.InvokeAsync(Func<Task> work) => InvokeAsync(work);

    Task IWorkspaceView.ReceiveAsync(string committedJson) => PushAsync("receive", committedJson);

    async Task IWorkspaceView.SetLabelsAsync(string labelsJson)
    {
        await PushAsync("setLabels", labelsJson);
        if (EnsureLabel() && _labelId is { } label)
        {
            await PushAsync("setLabel", label.ToString());
        }
    }

    Task IWorkspaceView.SetReadOnlyAsync(bool readOnly) => PushAsync("setReadOnly", readOnly);

    Task IWorkspaceView.SetPeersAsync(string peersJson) => PushAsync("setPeers", peersJson);

    private Task UpdateAsync(RegionItem region, RegionChanges changes) =>
        Session.SubmitAsync(new UpdateRegionOp(Guid.NewGuid(), region.Id, region.Revision, changes));

    private Task DeleteAsync(RegionItem region) =>
        Session.SubmitAsync(new DeleteRegionOp(Guid.NewGuid(), region.Id, region.Revision));

    private Task ReorderAsync(RegionItem region, bool toFront)
    {
        var others = Session.Regions.Where(r => r.Id != region.Id).Select(r => r.ZOrder).DefaultIfEmpty(region.ZOrder);
        var z = toFront ? others.Max() + 1 : others.Min() - 1;
        return z == region.ZOrder ? Task.CompletedTask : UpdateAsync(region, new RegionChanges(ZOrder: z));
    }

    /// <summary>
    /// A keypoint's visibility set in the point list: the canvas makes the operation (it knows where a point that becomes
    /// labelled goes, as with Alt+click there). Null once sent, else why not.
    /// </summary>
    private async Task<string?> SetKeypointVisibilityAsync(RegionItem region, int index, int visibility)
    {
        if (_canvas is not { IsAttached: true } canvas)
        {
            return "The canvas is not ready yet.";
        }
        return await canvas.InvokeAsync<string?>("setKeypointVisibility", "The page lost its connection.", region.Id.ToString(), index, visibility);
    }

    private Task AnswerAsync((Guid QuestionId, string ValueJson) answer) =>
        Session.SubmitAsync(new AnswerOp(Guid.NewGuid(), answer.QuestionId, answer.ValueJson));

    private Task UndoAsync() => Session.UndoAsync();

    private Task RedoAsync() => Session.RedoAsync();

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
        Session.Select(_selected);
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
        ImageStatus status;
        try
        {
            status = await Session.MarkDoneAsync();
        }
        catch (DomainException e)
        {
            Snackbar.Add(e.Message, Severity.Warning);
            return;
        }
        Snackbar.Add(status == ImageStatus.Labeled ? "Marked done." : "Marked done; waiting for the other labelers.", Severity.Success);
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
        var parameters = new DialogParameters<HelpDialog> { { d => d.Labels, Session.Context?.Taxonomy?.Labels ?? [] } };
        await Dialogs.ShowAsync<HelpDialog>("Keyboard and mouse", parameters,
            new DialogOptions { MaxWidth = MaxWidth.Large, CloseOnEscapeKey = true, CloseButton = true });
    }

    private Task CallAsync(string method, params object?[] args) => _canvas?.InvokeVoidAsync(method, args) ?? Task.CompletedTask;

    /// <summary>
    /// Calls the canvas without waiting forever: while the connection is down a push cannot arrive, and need not — the
    /// canvas notices the gap in sequence numbers and catches up when it is back.
    /// </summary>
    private async Task PushAsync(string method, params object?[] args)
    {
        if (_canvas is null)
        {
            return;
        }
        using var timeout = new CancellationTokenSource(PushTimeout);
        try
        {
            await _canvas.InvokeVoidAsync(method, timeout.Token, args);
        }
        catch (Exception e) when (e is TaskCanceledException or OperationCanceledException or JSException or InvalidOperationException)
        {
            // The tab is unreachable for now; it catches up when it is back.
        }
    }

    /// <summary>The canvas of the image left goes (its bridges too), so it cannot call into the next one.</summary>
    private async Task DetachCanvasAsync()
    {
        if (_canvas is not null)
        {
            await _canvas.DetachAsync();
        }
        _bridge?.Dispose();
        _bridge = null;
        _presenceBridge?.Dispose();
        _presenceBridge = null;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        Session.OnChange -= OnSessionChanged;
        Session.OnNotice -= OnSessionNotice;
        Session.Close();
        if (_canvas is not null)
        {
            await _canvas.DisposeAsync();
        }
        _bridge?.Dispose();
        _presenceBridge?.Dispose();
    }

    /// <summary>
    /// What the canvas of one image may call. One per canvas, carrying its image id, so a call from a canvas that was
    /// replaced (the user moved on) cannot land on the next image.
    /// </summary>
    public sealed class CanvasBridge(LabelingWorkspace page, int imageId)
    {
        private bool Current => imageId == page._loadedImageId;

        /// <summary>One finished gesture: an operation as JSON. Returns the result JSON.</summary>
        [JSInvokable]
        public Task<string> Submit(string operationJson) => page.Session.SubmitFromCanvasAsync(imageId, operationJson);

        /// <summary>What changed after the sequence number the canvas last applied (a reconnect, a missed message).</summary>
        [JSInvokable]
        public Task<string> CatchUp(long afterSequence) => page.Session.CatchUpJsonAsync(imageId, afterSequence);

        /// <summary>The whole state again (when a catch-up is not possible).</summary>
        [JSInvokable]
        public Task<string> Snapshot() => page.Session.SnapshotJsonAsync(imageId);

        /// <summary>The canvas selection changed.</summary>
        [JSInvokable]
        public Task SelectionChanged(string[] ids)
        {
            if (Current)
            {
                // Not filtered by the regions known here: a shape just drawn is selected before the server has answered.
                page._selected = ids.Select(id => Guid.TryParse(id, out var g) ? g : Guid.Empty).Where(g => g != Guid.Empty).ToHashSet();
                page.Session.Select(page._selected);
                page.StateHasChanged();
            }
            return Task.CompletedTask;
        }

        /// <summary>A hotkey changed the tool.</summary>
        [JSInvokable]
        public Task ToolChanged(string tool)
        {
            page._tool = tool;
            page.StateHasChanged();
            return Task.CompletedTask;
        }

        /// <summary>A hotkey changed the drawing label.</summary>
        [JSInvokable]
        public Task LabelChanged(string labelId)
        {
            if (Guid.TryParse(labelId, out var id))
            {
                page._labelId = id;
                page.StateHasChanged();
            }
            return Task.CompletedTask;
        }

        /// <summary>Ctrl+Z.</summary>
        [JSInvokable]
        public Task Undo() => Current ? page.UndoAsync() : Task.CompletedTask;

        /// <summary>Ctrl+Shift+Z / Ctrl+Y.</summary>
        [JSInvokable]
        public Task Redo() => Current ? page.RedoAsync() : Task.CompletedTask;

        /// <summary>N, Shift+N.</summary>
        [JSInvokable]
        public Task Navigate(string where) => page.NavigateAsync(where);

        /// <summary>The ? key.</summary>
        [JSInvokable]
        public Task ShowHelp() => page.ShowHelpAsync();

        /// <summary>The D key: as the Done button.</summary>
        [JSInvokable]
        public Task Done() => Current && !page.ReadOnly ? page.DoneAsync() : Task.CompletedTask;

        /// <summary>The S key: as the Skip… button.</summary>
        [JSInvokable]
        public Task Skip() => Current && !page.ReadOnly ? page.SkipAsync() : Task.CompletedTask;
    }

    /// <summary>
    /// What the canvas may tell about presence: the pointer, in image px. One per canvas, bound to its image, so a
    /// canvas of an image already left cannot move a pointer on the next one.
    /// </summary>
    public sealed class PresenceBridge(WorkspaceSession session, int imageId)
    {
        /// <summary>The pointer is at (x, y) on the image (throttled by the canvas to 10 a second; the server drops more).</summary>
        [JSInvokable]
        public Task Cursor(double x, double y)
        {
            session.MoveCursor(imageId, new PresencePoint(x, y));
            return Task.CompletedTask;
        }

        /// <summary>The pointer left the image.</summary>
        [JSInvokable]
        public Task CursorLeft()
        {
            session.MoveCursor(imageId, null);
            return Task.CompletedTask;
        }
    }
}
