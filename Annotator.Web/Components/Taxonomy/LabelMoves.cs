using Annotator.Core;
using Annotator.Core.Taxonomy;

namespace Annotator.Web.Components.Taxonomy;

/// <summary>Where a dragged label lands relative to the row it is dropped on.</summary>
public enum DropPlace
{
    /// <summary>Just before the row, under the same parent.</summary>
    Before,

    /// <summary>Under the row, as its last child.</summary>
    Inside,

    /// <summary>Just after the row, under the same parent.</summary>
    After,
}

/// <summary>
/// The tree moves of the taxonomy editor (drag and drop, move up/down, indent, outdent) as edits of a
/// <see cref="TaxonomyDraft"/>. Each returns the new draft, or throws <see cref="DomainException"/> with the model's message.
/// </summary>
public static class LabelMoves
{
    /// <summary>The labels in tree order (depth first, siblings in list order) with their depth; labels the tree cannot reach come last.</summary>
    public static IReadOnlyList<(LabelDefinition Label, int Depth)> Flatten(TaxonomyDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var byParent = definition.Labels.ToLookup(l => l.ParentId);
        var result = new List<(LabelDefinition, int)>();
        var seen = new HashSet<Guid>();
        void Visit(Guid? parent, int depth)
        {
            foreach (var label in byParent[parent])
            {
                if (seen.Add(label.Id))
                {
                    result.Add((label, depth));
                    Visit(label.Id, depth + 1);
                }
            }
        }
        Visit(null, 0);
        // A parent that does not exist, or a cycle: still shown (validation names the problem).
        result.AddRange(definition.Labels.Where(l => seen.Add(l.Id)).Select(l => (l, 0)));
        return result;
    }

    /// <summary>Moves the label one place up among its siblings (unchanged when it is first).</summary>
    public static TaxonomyDraft Up(TaxonomyDraft draft, Guid id)
    {
        var (label, index, _) = Place(draft, id);
        return index == 0 ? draft : draft.MoveLabel(id, label.ParentId, index - 1);
    }

    /// <summary>Moves the label one place down among its siblings (unchanged when it is last).</summary>
    public static TaxonomyDraft Down(TaxonomyDraft draft, Guid id)
    {
        var (label, index, count) = Place(draft, id);
        return index == count - 1 ? draft : draft.MoveLabel(id, label.ParentId, index + 1);
    }

    /// <summary>Puts the label under its previous sibling, as that one's last child.</summary>
    public static TaxonomyDraft Indent(TaxonomyDraft draft, Guid id)
    {
        var (label, index, _) = Place(draft, id);
        if (index == 0)
        {
            throw new DomainException($"'{label.Name}' has no label above it to go under.");
        }
        var previous = draft.Children(label.ParentId).ElementAt(index - 1);
        return draft.MoveLabel(id, previous.Id, int.MaxValue);
    }

    /// <summary>Takes the label out of its parent, just after it.</summary>
    public static TaxonomyDraft Outdent(TaxonomyDraft draft, Guid id)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var label = draft.Label(id);
        if (label.ParentId is not { } parentId)
        {
            throw new DomainException($"'{label.Name}' is already at the top level.");
        }
        var parent = draft.Label(parentId);
        var (_, parentIndex, _) = Place(draft, parentId);
        return draft.MoveLabel(id, parent.ParentId, parentIndex + 1);
    }

    /// <summary>Drops <paramref name="draggedId"/> on the row of <paramref name="targetId"/>.</summary>
    public static TaxonomyDraft Drop(TaxonomyDraft draft, Guid draggedId, Guid targetId, DropPlace place)
    {
        ArgumentNullException.ThrowIfNull(draft);
        if (place == DropPlace.Inside)
        {
            return draft.MoveLabel(draggedId, targetId, int.MaxValue);
        }
        if (draggedId == targetId)
        {
            return draft;
        }
        var target = draft.Label(targetId);
        var siblings = draft.Children(target.ParentId).Where(l => l.Id != draggedId).ToList();
        var index = siblings.FindIndex(l => l.Id == targetId);
        return draft.MoveLabel(draggedId, target.ParentId, place == DropPlace.Before ? index : index + 1);
    }

    /// <summary>Where a drop at <paramref name="offsetY"/> pixels into a row of <paramref name="rowHeight"/> pixels lands.</summary>
    public static DropPlace PlaceAt(double offsetY, double rowHeight) =>
        offsetY < rowHeight / 3 ? DropPlace.Before : offsetY > rowHeight * 2 / 3 ? DropPlace.After : DropPlace.Inside;

    /// <summary>A name for a new label that no sibling under <paramref name="parentId"/> has yet.</summary>
    public static string NewName(TaxonomyDraft draft, Guid? parentId, string stem = "New label")
    {
        ArgumentNullException.ThrowIfNull(draft);
        var taken = draft.Children(parentId).Select(l => l.Name.Trim()).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var name = stem;
        for (var n = 2; taken.Contains(name); n++)
        {
            name = $"{stem} {n}";
        }
        return name;
    }

    private static (LabelDefinition Label, int Index, int Count) Place(TaxonomyDraft draft, Guid id)
    {
        ArgumentNullException.ThrowIfNull(draft);
        var label = draft.Label(id);
        var siblings = draft.Children(label.ParentId).ToList();
        return (label, siblings.FindIndex(l => l.Id == id), siblings.Count);
    }
}
