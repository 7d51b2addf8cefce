using Annotator.Core;
using Annotator.Core.Taxonomy;
using Microsoft.AspNetCore.Components;
using Microsoft.AspNetCore.Components.Web;

namespace Annotator.Web.Components.Taxonomy;

/// <summary>The label tree; every move is an edit of the draft, handed back through <see cref="OnChange"/>.</summary>
public sealed partial class LabelTree
{
    /// <summary>Height of a row in pixels (<c>.label-row</c> in app.css); thirds of it decide where a drop lands.</summary>
    public const double RowHeight = 36;

    private readonly Dictionary<Guid, ElementReference> _rows = [];
    private Guid? _dragId;
    private (Guid Id, DropPlace Place)? _hover;
    private Guid? _focusAfterRender;
    private bool _quiet;

    /// <summary>The draft whose labels are shown.</summary>
    [Parameter, EditorRequired]
    public required TaxonomyDraft Draft { get; set; }

    /// <summary>Regions per label id (labels missing here have none).</summary>
    [Parameter, EditorRequired]
    public required IReadOnlyDictionary<Guid, int> Usage { get; set; }

    /// <summary>The label open in the panel.</summary>
    [Parameter]
    public Guid? SelectedId { get; set; }

    /// <summary>No moves, no menus, nothing draggable.</summary>
    [Parameter]
    public bool ReadOnly { get; set; }

    /// <summary>A row was clicked (or Enter pressed on it).</summary>
    [Parameter]
    public EventCallback<Guid> OnSelect { get; set; }

    /// <summary>A move produced this new draft.</summary>
    [Parameter]
    public EventCallback<TaxonomyDraft> OnChange { get; set; }

    /// <summary>"Add sublabel" under this label.</summary>
    [Parameter]
    public EventCallback<Guid> OnAdd { get; set; }

    /// <summary>A move was refused (a cycle, nothing to indent under…); the model's message.</summary>
    [Parameter]
    public EventCallback<string> OnError { get; set; }

    /// <inheritdoc />
    protected override bool ShouldRender()
    {
        // A drag-over that does not move the drop marker needs no render (they arrive many times a second).
        if (_quiet)
        {
            _quiet = false;
            return false;
        }
        return true;
    }

    /// <inheritdoc />
    protected override async Task OnAfterRenderAsync(bool firstRender)
    {
        if (_focusAfterRender is { } id && _rows.TryGetValue(id, out var row))
        {
            _focusAfterRender = null;
            await row.FocusAsync();
        }
    }

    private static string UsageText(int regions) => regions switch
    {
        0 => "unused",
        1 => "1 region",
        _ => $"{regions:N0} regions",
    };

    private string SplitTitle(LabelDefinition label) =>
        "Split into " + string.Join(", ", label.SplitInto.Select(id => Draft.Definition.Labels.FirstOrDefault(l => l.Id == id)?.Name ?? "?"));

    private string DropClass(Guid id) => _hover is { } hover && hover.Id == id && _dragId is not null && _dragId != id
        ? hover.Place switch
        {
            DropPlace.Before => "drop-before",
            DropPlace.After => "drop-after",
            _ => "drop-inside",
        }
        : "";

    private async Task MoveAsync(Func<TaxonomyDraft, Guid, TaxonomyDraft> move, Guid id)
    {
        try
        {
            var next = move(Draft, id);
            if (!ReferenceEquals(next, Draft))
            {
                await OnChange.InvokeAsync(next);
            }
        }
        catch (DomainException e)
        {
            await OnError.InvokeAsync(e.Message);
        }
    }

    private async Task KeyAsync(KeyboardEventArgs e, Guid id)
    {
        if (e.Key is "Enter" or " ")
        {
            await OnSelect.InvokeAsync(id);
            return;
        }
        if (ReadOnly || !e.CtrlKey || e.AltKey || e.MetaKey)
        {
            return;
        }
        Func<TaxonomyDraft, Guid, TaxonomyDraft>? move = e.Key switch
        {
            "ArrowUp" => LabelMoves.Up,
            "ArrowDown" => LabelMoves.Down,
            "ArrowRight" => LabelMoves.Indent,
            "ArrowLeft" => LabelMoves.Outdent,
            _ => null,
        };
        if (move is not null)
        {
            // The row is moved in the page, which takes the focus from it; give it back.
            _focusAfterRender = id;
            await MoveAsync(move, id);
        }
    }

    private void StartDrag(Guid id)
    {
        if (!ReadOnly)
        {
            _dragId = id;
            _hover = null;
        }
    }

    private void EndDrag()
    {
        _dragId = null;
        _hover = null;
    }

    private void Over(DragEventArgs e, Guid id)
    {
        if (_dragId is null)
        {
            _quiet = true;
            return;
        }
        var next = (id, LabelMoves.PlaceAt(e.OffsetY, RowHeight));
        _quiet = _hover == next;
        _hover = next;
    }

    private void Leave(Guid id)
    {
        if (_hover?.Id == id)
        {
            _hover = null;
        }
    }

    private async Task DropAsync(DragEventArgs e, Guid targetId)
    {
        if (_dragId is not { } dragged)
        {
            return;
        }
        var place = LabelMoves.PlaceAt(e.OffsetY, RowHeight);
        EndDrag();
        await MoveAsync((draft, id) => LabelMoves.Drop(draft, id, targetId, place), dragged);
    }
}
