using System.Globalization;
using System.Text.Json;
using Annotator.Core.Taxonomy;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;
using Microsoft.JSInterop;
using MudBlazor;

namespace Annotator.Web.Components.Taxonomy;

/// <summary>What a click on the skeleton drawing does.</summary>
public enum SkeletonEditMode
{
    /// <summary>Drag points; a click selects one.</summary>
    Move,

    /// <summary>Click a point, then another: joins them, or unjoins them if they are joined.</summary>
    Connect,

    /// <summary>Click a point, then another: pairs them for flipping (each leaves its old pair), or unpairs them.</summary>
    FlipPair,

    /// <summary>Click an empty spot: adds a point there.</summary>
    AddPoint,
}

/// <summary>
/// The visual editor of a keypoint skeleton (a label's <see cref="SkeletonDefinition"/>): points on a drawing, edges as
/// lines, flip pairs as dashed lines, and a table of the points (name, OKS sigma, flip partner) that offers every edit
/// by keyboard too. Every change is a new <see cref="SkeletonDefinition"/> through <see cref="ValueChanged"/>, made by
/// <see cref="SkeletonEdits"/>; an invalid name or sigma shows an error and changes nothing.
/// </summary>
/// <remarks>
/// New points get the OKS sigma <see cref="SkeletonEdits.DefaultSigma"/> gives their name: COCO's person sigma for
/// COCO's point names (e.g. 0.087 for "left_knee"), 0.05 otherwise; renaming a point whose sigma is still that default
/// gives it the new name's default. The drawing is skeleton-editor.js: it draws the state this component sends and
/// reports gestures (<see cref="Moved"/>, <see cref="Clicked"/>, <see cref="ClickedEmpty"/>), a drag once, when the
/// pointer is released.
/// </remarks>
public sealed partial class SkeletonEditor : IAsyncDisposable
{
    private sealed record ModeButton(SkeletonEditMode Mode, string Text, string Title, string Icon);

    private static readonly ModeButton[] Modes =
    [
        new(SkeletonEditMode.Move, "Move", "Drag points to move them", Icons.Material.Filled.OpenWith),
        new(SkeletonEditMode.Connect, "Connect", "Click two points to join or unjoin them", Icons.Material.Filled.Timeline),
        new(SkeletonEditMode.FlipPair, "Flip pair", "Click a left point and its right counterpart to pair them", Icons.Material.Filled.Flip),
        new(SkeletonEditMode.AddPoint, "Add point", "Click an empty spot to add a point", Icons.Material.Filled.AddCircleOutline),
    ];

    private static readonly JsonSerializerOptions StateJsonOptions = new(JsonSerializerDefaults.Web);

    private readonly string _id = "skeleton-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>The skeleton being edited: <see cref="Value"/>, then each change made here.</summary>
    private SkeletonDefinition _value = new() { Points = [] };

    /// <summary>The last <see cref="Value"/> the parent passed, to tell a new one from a re-render.</summary>
    private SkeletonDefinition? _received;

    private SkeletonEditMode _mode = SkeletonEditMode.Move;
    private int? _selected;

    /// <summary>The first point clicked in Connect or Flip pair mode, waiting for the second.</summary>
    private int? _pending;

    private bool _confirmCoco;

    /// <summary>Names typed but refused (by point index), shown with their error until fixed.</summary>
    private readonly Dictionary<int, string> _nameDrafts = [];
    private readonly Dictionary<int, string> _nameErrors = [];
    private readonly Dictionary<int, string> _sigmaErrors = [];
    private readonly Dictionary<int, MudTextField<string>> _nameFields = [];

    /// <summary>A point just added whose name field gets the focus (with its text selected) after the render.</summary>
    private int? _focusName;

    private ElementReference _svg;

    /// <summary>skeleton-editor.js, attached to <see cref="_svg"/> after the first render.</summary>
    private JsModule? _drawing;
    private DotNetObjectReference<SkeletonEditor>? _self;

    /// <summary>The state the drawing last got (so it is sent only when it changed).</summary>
    private string? _drawn;

    /// <summary>An intent of the drawing is being applied: its answer will carry the state, no update is sent meanwhile.</summary>
    private bool _answering;

    [Inject] private IJSRuntime JS { get; set; } = default!;

    /// <summary>The skeleton to edit. A different instance passed later replaces the one being edited.</summary>
    [Parameter, EditorRequired]
    public required SkeletonDefinition Value { get; set; }

    /// <summary>Raised with the new skeleton after every change (never with an invalid name or sigma).</summary>
    [Parameter]
    public EventCallback<SkeletonDefinition> ValueChanged { get; set; }

    /// <summary>The name of the label the skeleton belongs to, for the drawing's accessible name.</summary>
    [Parameter]
    public string LabelName { get; set; } = "";

    /// <summary>Shows the skeleton without offering any change (points can still be selected).</summary>
    [Parameter]
    public bool ReadOnly { get; set; }

    private IReadOnlyList<double> Sigmas => SkeletonEdits.SigmasOf(_value);

    private string CanvasLabel =>
        $"{(string.IsNullOrWhiteSpace(LabelName) ? "Skeleton" : $"Skeleton of {LabelName}")}: {Plural(_value.Points.Count, "point")}, " +
        $"{Plural(_value.Edges.Count, "edge")}, {Plural(_value.FlipPairs.Count, "flip pair")}. The table lists every point.";

    private string Hint
    {
        get
        {
            if (ReadOnly)
            {
                return "Read only.";
            }
            var pending = _pending is { } p ? PointName(p) : null;
            return _mode switch
            {
                SkeletonEditMode.Connect when pending is not null => $"Now click the point to join to {pending} (or unjoin). Esc cancels.",
                SkeletonEditMode.Connect => "Click a point, then another, to join them with an edge (or remove the edge they have).",
                SkeletonEditMode.FlipPair when pending is not null => $"Now click the counterpart of {pending}. Esc cancels.",
                SkeletonEditMode.FlipPair => "Click a left point, then its right counterpart, to pair them for flipping (again to unpair).",
                SkeletonEditMode.AddPoint => "Click an empty spot to add a point there, then type its name.",
                _ => "Drag a point to move it (arrow keys move the selected one). Delete removes the selected point.",
            };
        }
    }

    /// <inheritdoc />
    protected override void OnParametersSet()
    {
        if (ReferenceEquals(Value, _received))
        {
            return;
        }
        _received = Value;
        if (ReferenceEquals(Value, _value) || JsonSerializer.Serialize(Value) == JsonSerializer.Serialize(_value))
        {
            // Our own change, passed back (maybe as a copy): keep the selection and the fields being typed in.
            _value = Value;
            return;
        }
        // Another skeleton (another label, an undo): start over on it.
        _value = Value;
        _selected = _pending = null;
        _confirmCoco = false;
        ClearFieldErrors();
    }

    /// <inheritdoc />
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        try
        {
            if (firstRender)
            {
                _self = DotNetObjectReference.Create(this);
                _drawing = new JsModule(JS, "./js/taxonomy/skeleton-editor.js");
                _drawn = StateJson();
                if (await _drawing.AttachAsync("attach", _svg, _self, _drawn) is null)
                {
                    return; // gone while the script loaded (another label selected at once): nothing is attached
                }
            }
            else if (_drawing is { IsAttached: true } && !_answering && StateJson() is var json && json != _drawn)
            {
                _drawn = json;
                await _drawing.InvokeVoidAsync("update", json);
            }
            if (_focusName is { } index)
            {
                _focusName = null;
                if (_nameFields.TryGetValue(index, out var field))
                {
                    await field.SelectAsync();
                }
            }
        }
        catch (JSDisconnectedException)
        {
            // The circuit is gone; so is the page.
        }
    }

    /// <summary>skeleton-editor.js: point <paramref name="index"/> was dragged to (x, y) in the unit square. Returns the state to draw.</summary>
    [JSInvokable]
    public Task<string> Moved(int index, double x, double y) =>
        IntentAsync(async () =>
        {
            if (ReadOnly || _mode != SkeletonEditMode.Move || !IsPoint(index))
            {
                return;
            }
            _selected = index;
            await CommitAsync(SkeletonEdits.MovePoint(_value, index, x, y));
        });

    /// <summary>skeleton-editor.js: point <paramref name="index"/> was clicked. Returns the state to draw.</summary>
    [JSInvokable]
    public Task<string> Clicked(int index) =>
        IntentAsync(async () =>
        {
            if (!IsPoint(index))
            {
                return;
            }
            _confirmCoco = false;
            if (ReadOnly || _mode is SkeletonEditMode.Move or SkeletonEditMode.AddPoint)
            {
                _selected = index;
                StateHasChanged();
                return;
            }
            if (_pending is not { } first || !IsPoint(first))
            {
                _pending = _selected = index;
                StateHasChanged();
                return;
            }
            _pending = null;
            _selected = index;
            if (first == index)
            {
                StateHasChanged();
                return;
            }
            await CommitAsync(_mode == SkeletonEditMode.Connect
                ? SkeletonEdits.ToggleEdge(_value, first, index)
                : SkeletonEdits.ToggleFlipPair(_value, first, index));
        });

    /// <summary>skeleton-editor.js: the drawing was clicked at (x, y) in the unit square, on no point. Returns the state to draw.</summary>
    [JSInvokable]
    public Task<string> ClickedEmpty(double x, double y) =>
        IntentAsync(async () =>
        {
            _pending = null;
            _confirmCoco = false;
            if (ReadOnly || _mode != SkeletonEditMode.AddPoint)
            {
                _selected = null;
                StateHasChanged();
                return;
            }
            await AddPointAsync(x, y, focusName: false);
        });

    private void SetMode(SkeletonEditMode mode)
    {
        _mode = mode;
        _pending = null;
    }

    private void Select(int index)
    {
        if (IsPoint(index) && _selected != index)
        {
            _selected = index;
            if (_pending is not null && _pending != index)
            {
                _pending = null;
            }
        }
    }

    private async Task OnCanvasKeyAsync(KeyboardEventArgs e)
    {
        switch (e.Key)
        {
            case "Delete" or "Backspace":
                await RemoveSelectedAsync();
                break;
            case "Escape":
                _pending = null;
                _selected = null;
                _confirmCoco = false;
                break;
        }
    }

    private Task RemoveSelectedAsync() => _selected is { } index ? RemovePointAsync(index) : Task.CompletedTask;

    private async Task RemovePointAsync(int index)
    {
        if (ReadOnly || !IsPoint(index))
        {
            return;
        }
        _selected = _selected == index ? null : _selected > index ? _selected - 1 : _selected;
        _pending = null;
        // Refused names and sigmas belong to rows that have moved: start them over.
        ClearFieldErrors();
        await CommitAsync(SkeletonEdits.RemovePoint(_value, index));
    }

    private async Task RemoveEdgeAsync(int i, int j)
    {
        if (ReadOnly || !IsPoint(i) || !IsPoint(j) || i == j)
        {
            return;
        }
        await CommitAsync(SkeletonEdits.ToggleEdge(_value, i, j));
    }

    private async Task RenameAsync(int index, string? name)
    {
        if (ReadOnly || !IsPoint(index))
        {
            return;
        }
        if (SkeletonEdits.NameProblem(_value, name, index) is { } problem)
        {
            _nameDrafts[index] = name ?? "";
            _nameErrors[index] = problem;
            return;
        }
        _nameDrafts.Remove(index);
        _nameErrors.Remove(index);
        if (name!.Trim() != _value.Points[index])
        {
            await CommitAsync(SkeletonEdits.RenamePoint(_value, index, name));
        }
    }

    private async Task SetSigmaAsync(int index, double sigma)
    {
        if (ReadOnly || !IsPoint(index))
        {
            return;
        }
        if (SkeletonEdits.SigmaProblem(sigma) is { } problem)
        {
            _sigmaErrors[index] = problem;
            return;
        }
        _sigmaErrors.Remove(index);
        if (sigma != Sigmas[index])
        {
            await CommitAsync(SkeletonEdits.SetSigma(_value, index, sigma));
        }
    }

    private async Task SetFlipPartnerAsync(int index, string? value)
    {
        if (ReadOnly || !IsPoint(index))
        {
            return;
        }
        int? partner = int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var p) && IsPoint(p) && p != index ? p : null;
        if (partner != SkeletonEdits.FlipPartner(_value, index))
        {
            await CommitAsync(SkeletonEdits.SetFlipPartner(_value, index, partner));
        }
    }

    private Task AddPointFromTableAsync()
    {
        var (x, y) = FreeSpot();
        return AddPointAsync(x, y, focusName: true);
    }

    /// <summary>
    /// Adds a point named "point N" and selects it. From the table (<paramref name="focusName"/>) its name field gets
    /// the focus, ready to be typed over; from the drawing the focus stays there (arrows and Delete act on the point).
    /// </summary>
    private async Task AddPointAsync(double x, double y, bool focusName)
    {
        if (ReadOnly)
        {
            return;
        }
        var next = SkeletonEdits.AddPoint(_value, SkeletonEdits.NextPointName(_value), x, y);
        _selected = next.Points.Count - 1;
        _focusName = focusName ? _selected : null;
        await CommitAsync(next);
    }

    private async Task StartFromCocoAsync()
    {
        if (ReadOnly)
        {
            return;
        }
        if (_value.Points.Count > 0)
        {
            _confirmCoco = true;
            return;
        }
        await ReplaceWithCocoAsync();
    }

    private async Task ReplaceWithCocoAsync()
    {
        _confirmCoco = false;
        if (ReadOnly)
        {
            return;
        }
        _selected = _pending = null;
        ClearFieldErrors();
        await CommitAsync(SkeletonEdits.Copy(DemoTaxonomy.CocoPerson));
    }

    private async Task CommitAsync(SkeletonDefinition next)
    {
        _value = next;
        StateHasChanged();
        await ValueChanged.InvokeAsync(next);
    }

    /// <summary>A spot for a point added from the table: the free one nearest the centre, on a 0.1 grid.</summary>
    private (double X, double Y) FreeSpot()
    {
        var taken = SkeletonEdits.Positions(_value);
        var spots =
            from gx in Enumerable.Range(1, 9)
            from gy in Enumerable.Range(1, 9)
            let x = gx / 10.0
            let y = gy / 10.0
            orderby Math.Abs(x - 0.5) + Math.Abs(y - 0.5), y, x
            select (x, y);
        foreach (var (x, y) in spots)
        {
            if (taken.All(p => Math.Abs(p[0] - x) + Math.Abs(p[1] - y) > 0.06))
            {
                return (x, y);
            }
        }
        return (0.5, 0.5);
    }

    private void ClearFieldErrors()
    {
        _nameDrafts.Clear();
        _nameErrors.Clear();
        _sigmaErrors.Clear();
    }

    private bool IsPoint(int index) => index >= 0 && index < _value.Points.Count;

    private string PointName(int index) => IsPoint(index) ? _value.Points[index] : $"#{index + 1}";

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static string ModeName(SkeletonEditMode mode) => mode switch
    {
        SkeletonEditMode.Connect => "connect",
        SkeletonEditMode.FlipPair => "flip",
        SkeletonEditMode.AddPoint => "add",
        _ => "move",
    };

    /// <summary>What the drawing shows, as JSON for skeleton-editor.js.</summary>
    private string StateJson() => JsonSerializer.Serialize(new
    {
        points = _value.Points,
        positions = SkeletonEdits.Positions(_value),
        edges = _value.Edges.Where(e => e.Length == 2 && IsPoint(e[0]) && IsPoint(e[1])),
        flipPairs = _value.FlipPairs.Where(e => e.Length == 2 && IsPoint(e[0]) && IsPoint(e[1])),
        selected = _selected,
        pending = _pending,
        mode = ModeName(_mode),
        readOnly = ReadOnly,
    }, StateJsonOptions);

    /// <summary>
    /// Applies an intent of the drawing on the renderer's thread and answers with the state to draw, which the drawing
    /// applies at once (so it is not sent again after the render).
    /// </summary>
    private async Task<string> IntentAsync(Func<Task> apply)
    {
        var json = "";
        await InvokeAsync(async () =>
        {
            _answering = true;
            try
            {
                await apply();
            }
            finally
            {
                _answering = false;
            }
            json = _drawn = StateJson();
        });
        return json;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // The drawing first, so it calls nothing on the reference disposed next.
        if (_drawing is not null)
        {
            await _drawing.DisposeAsync();
        }
        _self?.Dispose();
    }
}
