using System.Text.Json;
using System.Text.Json.Serialization;
using Annotator.Core.Geometry;

namespace Annotator.Core.Taxonomy;

/// <summary>
/// The taxonomy being edited: a definition plus the migrations (merge, split, value mappings) publishing will carry
/// out. Immutable: every edit returns a new draft, so the editor can undo by keeping the old one. Edits that would
/// break the structure (a cycle, deleting a used label) are refused at once with a message; everything else is checked
/// by <see cref="TaxonomyDefinition.Validate"/> when the draft is saved.
/// </summary>
/// <param name="Definition">The labels, attributes, questions and guidelines as they will be published.</param>
/// <param name="Migrations">What publishing does to existing annotations, in order.</param>
public sealed record TaxonomyDraft(TaxonomyDefinition Definition, IReadOnlyList<TaxonomyMigration> Migrations)
{
    /// <summary>Colours given to new labels in turn (Sasha Trubetskoy's distinct colours).</summary>
    public static IReadOnlyList<string> Palette { get; } =
    [
        "#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45", "#fabed4",
        "#469990", "#dcbeff", "#9a6324", "#fffac8", "#800000", "#aaffc3", "#808000", "#ffd8b1", "#000075", "#a9a9a9",
    ];

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>A draft that starts from a published definition, with no migrations yet.</summary>
    public static TaxonomyDraft From(TaxonomyDefinition definition) => new(definition, []);

    /// <summary>The migrations as the JSON stored with a version.</summary>
    public static string MigrationsToJson(IReadOnlyList<TaxonomyMigration> migrations) =>
        JsonSerializer.Serialize(migrations, JsonOptions);

    /// <summary>Reads the migrations stored with a version.</summary>
    public static IReadOnlyList<TaxonomyMigration> MigrationsFromJson(string? json) =>
        string.IsNullOrEmpty(json) ? [] : JsonSerializer.Deserialize<List<TaxonomyMigration>>(json, JsonOptions) ?? [];

    /// <summary>The label with this id.</summary>
    /// <exception cref="DomainException">There is none.</exception>
    public LabelDefinition Label(Guid id) =>
        Definition.Labels.FirstOrDefault(l => l.Id == id) ?? throw new DomainException("That label is not in the draft.");

    /// <summary>The labels directly under <paramref name="parentId"/> (null: the top level), in order.</summary>
    public IEnumerable<LabelDefinition> Children(Guid? parentId) => Definition.Labels.Where(l => l.ParentId == parentId);

    /// <summary>Whether <paramref name="ancestorId"/> is <paramref name="labelId"/> or above it in the tree.</summary>
    public bool IsAncestorOrSelf(Guid ancestorId, Guid labelId)
    {
        Guid? current = labelId;
        for (var guard = 0; current is { } id && guard <= Definition.Labels.Count; guard++)
        {
            if (id == ancestorId)
            {
                return true;
            }
            current = Definition.Labels.FirstOrDefault(l => l.Id == id)?.ParentId;
        }
        return false;
    }

    /// <summary>Adds a label at the end of <paramref name="parentId"/>'s children, with the next palette colour.</summary>
    public TaxonomyDraft AddLabel(Guid id, string name, Guid? parentId = null)
    {
        if (parentId is { } parent)
        {
            Label(parent);
        }
        var label = new LabelDefinition
        {
            Id = id,
            Name = Guard.RequiredText(name, "The label name", TaxonomyRules.MaxNameLength),
            ParentId = parentId,
            Color = FreeColors(1)[0],
        };
        return this with { Definition = Definition with { Labels = [.. Definition.Labels, label] } };
    }

    /// <summary>Replaces a label's fields (name, colour, hotkey, shapes, attributes, skeleton, texts); id and place stay.</summary>
    public TaxonomyDraft UpdateLabel(Guid id, Func<LabelDefinition, LabelDefinition> change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var old = Label(id);
        var changed = change(old) with { Id = old.Id, ParentId = old.ParentId, SplitInto = old.SplitInto };
        if (old.SplitInto.Count > 0 && !changed.Deprecated)
        {
            throw new DomainException($"'{old.Name}' was split into other labels, so it stays deprecated.");
        }
        return WithLabels(Definition.Labels.Select(l => l.Id == id ? changed : l));
    }

    /// <summary>
    /// Moves a label under <paramref name="newParentId"/> (null: the top level) at position <paramref name="index"/>
    /// among its new siblings. Its id stays, so its annotations follow.
    /// </summary>
    /// <exception cref="DomainException">The new parent is the label itself or one of its descendants.</exception>
    public TaxonomyDraft MoveLabel(Guid id, Guid? newParentId, int index)
    {
        var label = Label(id);
        if (newParentId is { } parentId)
        {
            var parent = Label(parentId);
            if (IsAncestorOrSelf(id, parentId))
            {
                throw new DomainException(parentId == id
                    ? $"'{label.Name}' cannot go under itself."
                    : $"'{label.Name}' cannot go under '{parent.Name}', which is inside it: that would make a cycle.");
            }
        }
        var moved = label with { ParentId = newParentId };
        var others = Definition.Labels.Where(l => l.Id != id).ToList();
        var siblings = others.Where(l => l.ParentId == newParentId).ToList();
        var at = Math.Clamp(index, 0, siblings.Count);
        // Insert before the sibling now at that position, or after the last sibling (or at the end when there is none).
        var position = at < siblings.Count
            ? others.IndexOf(siblings[at])
            : siblings.Count > 0 ? others.IndexOf(siblings[^1]) + 1 : others.Count;
        others.Insert(position, moved);
        return WithLabels(others);
    }

    /// <summary>Deprecates a label (hidden from new drawing, existing regions kept and flagged), or takes it back.</summary>
    public TaxonomyDraft Deprecate(Guid id, bool deprecated = true)
    {
        var label = Label(id);
        if (!deprecated && label.SplitInto.Count > 0)
        {
            throw new DomainException($"'{label.Name}' was split into other labels, so it stays deprecated.");
        }
        return WithLabels(Definition.Labels.Select(l => l.Id == id ? l with { Deprecated = deprecated } : l));
    }

    /// <summary>Removes a label that no region uses and nothing refers to.</summary>
    /// <param name="id">The label.</param>
    /// <param name="regionCount">How many regions (in any annotation set) have this label.</param>
    /// <exception cref="DomainException">It is used, has sublabels, or another label was split into it.</exception>
    public TaxonomyDraft RemoveLabel(Guid id, int regionCount)
    {
        var label = Label(id);
        if (regionCount > 0)
        {
            throw new DomainException(
                $"'{label.Name}' is used by {regionCount} region{(regionCount == 1 ? "" : "s")}; merge it into another label or deprecate it instead.");
        }
        if (Children(id).FirstOrDefault() is { } child)
        {
            throw new DomainException($"'{label.Name}' has sublabels (such as '{child.Name}'); move or remove them first.");
        }
        if (Definition.Labels.FirstOrDefault(l => l.SplitInto.Contains(id)) is { } split)
        {
            throw new DomainException($"'{split.Name}' was split into '{label.Name}'; it cannot be removed.");
        }
        return WithLabels(Definition.Labels.Where(l => l.Id != id));
    }

    /// <summary>
    /// Merges <paramref name="fromId"/> into <paramref name="intoId"/>: on publishing, every region of the first gets the
    /// second, with attribute values moved as <paramref name="attributes"/> says. The merged label's sublabels move
    /// under the label merged into (or, when that one is inside it, under its parent).
    /// </summary>
    public TaxonomyDraft Merge(Guid fromId, Guid intoId, IReadOnlyList<AttributeMapping> attributes)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        var source = Label(fromId);
        var into = Label(intoId);
        if (fromId == intoId)
        {
            throw new DomainException("A label cannot be merged into itself.");
        }
        foreach (var mapping in attributes)
        {
            var attribute = source.Attributes.FirstOrDefault(a => a.Id == mapping.From)
                ?? throw new DomainException($"The mapping names an attribute that '{source.Name}' does not have.");
            if (mapping.Into is not { } targetId)
            {
                continue;
            }
            var target = into.Attributes.FirstOrDefault(a => a.Id == targetId)
                ?? throw new DomainException($"'{attribute.Name}' is mapped to an attribute that '{into.Name}' does not have.");
            if (target.Kind != attribute.Kind)
            {
                throw new DomainException(
                    $"'{attribute.Name}' ({AttributeKindNames.ToWords(attribute.Kind)}) cannot go into '{target.Name}' ({AttributeKindNames.ToWords(target.Kind)}); map it to an attribute of the same kind or drop it.");
            }
        }
        if (!source.ShapeKinds.All(into.ShapeKinds.Contains))
        {
            var missing = source.ShapeKinds.Where(k => !into.ShapeKinds.Contains(k)).Select(ShapeKindNames.ToWords);
            throw new DomainException(
                $"'{into.Name}' does not allow {string.Join(", ", missing)} shapes, which '{source.Name}' has; allow them on '{into.Name}' first.");
        }
        if (source.ShapeKinds.Contains(ShapeKind.Keypoints) && source.Skeleton is { } skeleton
            && (into.Skeleton is not { } intoSkeleton || !skeleton.Points.Order(StringComparer.OrdinalIgnoreCase).SequenceEqual(intoSkeleton.Points.Order(StringComparer.OrdinalIgnoreCase), StringComparer.OrdinalIgnoreCase)))
        {
            throw new DomainException(
                $"'{source.Name}' and '{into.Name}' have different keypoint skeletons; give them the same points first, so no keypoint is lost.");
        }
        var newParent = IsAncestorOrSelf(fromId, intoId) ? source.ParentId : intoId;
        var labels = Definition.Labels
            .Where(l => l.Id != fromId)
            .Select(l => l.ParentId == fromId ? l with { ParentId = newParent } : l)
            .Select(l => l.SplitInto.Contains(fromId)
                ? l with { SplitInto = [.. l.SplitInto.Select(s => s == fromId ? intoId : s).Distinct()] }
                : l);
        return WithLabels(labels) with { Migrations = [.. Migrations, new MergeLabels(fromId, intoId, attributes)] };
    }

    /// <summary>
    /// Splits <paramref name="fromId"/> into new labels <paramref name="parts"/> (siblings of it, with its shape
    /// kinds, skeleton and attributes, so attribute values survive relabeling). The label is deprecated and keeps its
    /// regions, which wait in the relabeling queue.
    /// </summary>
    /// <param name="fromId">The label split.</param>
    /// <param name="parts">The new labels' ids and names (at least two).</param>
    public TaxonomyDraft Split(Guid fromId, IReadOnlyList<(Guid Id, string Name)> parts)
    {
        ArgumentNullException.ThrowIfNull(parts);
        var source = Label(fromId);
        if (source.SplitInto.Count > 0)
        {
            throw new DomainException($"'{source.Name}' is already split.");
        }
        if (parts.Count < 2)
        {
            throw new DomainException("A split needs at least two new labels.");
        }
        var labels = Definition.Labels.ToList();
        var index = labels.FindIndex(l => l.Id == fromId);
        var colors = FreeColors(parts.Count);
        var created = parts.Select((part, i) => source with
        {
            Id = part.Id,
            Name = Guard.RequiredText(part.Name, "The name of each new label", TaxonomyRules.MaxNameLength),
            Hotkey = null,
            Deprecated = false,
            Color = colors[i],
            SplitInto = [],
        }).ToList();
        labels[index] = source with { Deprecated = true, Hotkey = null, SplitInto = [.. parts.Select(p => p.Id)] };
        labels.InsertRange(index + 1, created);
        return WithLabels(labels) with { Migrations = [.. Migrations, new SplitLabel(fromId, [.. parts.Select(p => p.Id)])] };
    }

    /// <summary>Sets how publishing rewrites the existing values of one attribute (replacing an earlier mapping of it).</summary>
    public TaxonomyDraft MapValues(Guid attributeId, IReadOnlyList<ValueMapping> values)
    {
        ArgumentNullException.ThrowIfNull(values);
        foreach (var value in values)
        {
            CheckJson(value.From);
            if (value.To is not null)
            {
                CheckJson(value.To);
            }
        }
        var kept = Migrations.Where(m => m is not MapAttributeValues map || map.AttributeId != attributeId);
        return this with { Migrations = values.Count == 0 ? [.. kept] : [.. kept, new MapAttributeValues(attributeId, values)] };
    }

    /// <summary>
    /// <paramref name="count"/> palette colours no label has yet, in palette order (once all are taken, the palette
    /// again from the start), so a new label never looks like an existing one while the palette lasts.
    /// </summary>
    public IReadOnlyList<string> FreeColors(int count)
    {
        var used = Definition.Labels.Select(l => l.Color.ToLowerInvariant()).ToHashSet();
        var free = Palette.Where(c => !used.Contains(c)).ToList();
        return [.. Enumerable.Range(0, count).Select(i => i < free.Count ? free[i] : Palette[(i - free.Count) % Palette.Count])];
    }

    /// <summary>The problems that stop this draft from being published (see <see cref="TaxonomyDefinition.Validate"/>).</summary>
    public IReadOnlyList<string> Validate() => Definition.Validate();

    private TaxonomyDraft WithLabels(IEnumerable<LabelDefinition> labels) =>
        this with { Definition = Definition with { Labels = [.. labels] } };

    private static void CheckJson(string json)
    {
        try
        {
            using var _ = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw new DomainException($"The value mapping '{TaxonomyRules.Short(json)}' is not valid JSON (text values need quotes).");
        }
    }
}
