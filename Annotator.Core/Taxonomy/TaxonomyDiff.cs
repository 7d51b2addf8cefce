namespace Annotator.Core.Taxonomy;

/// <summary>What kind of change a <see cref="TaxonomyChange"/> is.</summary>
public enum TaxonomyChangeKind
{
    /// <summary>A label was added.</summary>
    LabelAdded,

    /// <summary>A label was removed (it was unused).</summary>
    LabelRemoved,

    /// <summary>A label got a new name.</summary>
    LabelRenamed,

    /// <summary>A label got a new colour.</summary>
    LabelRecoloured,

    /// <summary>A label got a new hotkey, or lost it.</summary>
    HotkeyChanged,

    /// <summary>A label moved in the tree (new parent).</summary>
    LabelMoved,

    /// <summary>Labels under one parent changed order.</summary>
    LabelsReordered,

    /// <summary>A label allows other shape kinds.</summary>
    ShapeKindsChanged,

    /// <summary>A label's description or guideline changed.</summary>
    TextChanged,

    /// <summary>A label was deprecated.</summary>
    LabelDeprecated,

    /// <summary>A deprecated label is offered again.</summary>
    LabelRestored,

    /// <summary>A label was merged into another.</summary>
    LabelsMerged,

    /// <summary>A label was split into others.</summary>
    LabelSplit,

    /// <summary>A label's skeleton changed.</summary>
    SkeletonChanged,

    /// <summary>An attribute was added.</summary>
    AttributeAdded,

    /// <summary>An attribute was removed.</summary>
    AttributeRemoved,

    /// <summary>An attribute's name, kind, options, range, default or requiredness changed.</summary>
    AttributeChanged,

    /// <summary>An attribute's existing values are rewritten.</summary>
    AttributeValuesMapped,

    /// <summary>An image-level question was added.</summary>
    QuestionAdded,

    /// <summary>An image-level question was removed.</summary>
    QuestionRemoved,

    /// <summary>An image-level question changed.</summary>
    QuestionChanged,

    /// <summary>The project guideline changed.</summary>
    GuidelineChanged,
}

/// <summary>One difference between two taxonomy versions, as a sentence for people.</summary>
/// <param name="Kind">What kind of change.</param>
/// <param name="Text">The sentence, naming labels as the newer version does.</param>
/// <param name="LabelId">The label it is about, if any.</param>
public sealed record TaxonomyChange(TaxonomyChangeKind Kind, string Text, Guid? LabelId = null);

/// <summary>The differences between two taxonomy versions (for the diff view and the notice labelers get).</summary>
public static class TaxonomyDiff
{
    /// <summary>
    /// What changed from <paramref name="older"/> to <paramref name="newer"/>; <paramref name="migrations"/> are those of
    /// the versions in between, so a merged label reads as merged rather than removed.
    /// </summary>
    public static IReadOnlyList<TaxonomyChange> Between(TaxonomyDefinition older, TaxonomyDefinition newer,
        IReadOnlyList<TaxonomyMigration>? migrations = null)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        migrations ??= [];
        var changes = new List<TaxonomyChange>();
        var before = older.Labels.ToDictionary(l => l.Id);
        var after = newer.Labels.ToDictionary(l => l.Id);
        string NameOf(Guid id) => after.TryGetValue(id, out var l) ? l.Name : before.TryGetValue(id, out var o) ? o.Name : "?";
        string Parent(Guid? id) => id is { } p ? $"under '{NameOf(p)}'" : "to the top level";

        var merged = new HashSet<Guid>();
        var splitParts = new HashSet<Guid>();
        var split = new HashSet<Guid>();
        foreach (var migration in migrations)
        {
            switch (migration)
            {
                case MergeLabels merge when before.ContainsKey(merge.From):
                    merged.Add(merge.From);
                    changes.Add(new(TaxonomyChangeKind.LabelsMerged,
                        $"Merged '{before[merge.From].Name}' into '{NameOf(merge.Into)}': its regions now have '{NameOf(merge.Into)}'.", merge.Into));
                    break;
                case SplitLabel cut when after.ContainsKey(cut.From):
                    split.Add(cut.From);
                    splitParts.UnionWith(cut.Into.Where(id => !before.ContainsKey(id)));
                    changes.Add(new(TaxonomyChangeKind.LabelSplit,
                        $"Split '{NameOf(cut.From)}' into {string.Join(" and ", cut.Into.Select(id => $"'{NameOf(id)}'"))}: its regions wait to be relabeled.", cut.From));
                    break;
            }
        }

        foreach (var label in newer.Labels)
        {
            if (!before.TryGetValue(label.Id, out var old))
            {
                if (!splitParts.Contains(label.Id))
                {
                    changes.Add(new(TaxonomyChangeKind.LabelAdded,
                        label.ParentId is { } p ? $"Added '{label.Name}' under '{NameOf(p)}'." : $"Added '{label.Name}'.", label.Id));
                }
                continue;
            }
            if (old.Name != label.Name)
            {
                changes.Add(new(TaxonomyChangeKind.LabelRenamed, $"Renamed '{old.Name}' to '{label.Name}'.", label.Id));
            }
            if (!string.Equals(old.Color, label.Color, StringComparison.OrdinalIgnoreCase))
            {
                changes.Add(new(TaxonomyChangeKind.LabelRecoloured, $"'{label.Name}' has a new colour ({label.Color}).", label.Id));
            }
            if (!string.Equals(old.Hotkey ?? "", label.Hotkey ?? "", StringComparison.OrdinalIgnoreCase) && !split.Contains(label.Id))
            {
                changes.Add(new(TaxonomyChangeKind.HotkeyChanged, string.IsNullOrEmpty(label.Hotkey)
                    ? $"'{label.Name}' has no hotkey any more."
                    : $"'{label.Name}' now has hotkey {label.Hotkey}.", label.Id));
            }
            if (old.ParentId != label.ParentId && !(old.ParentId is { } gone && merged.Contains(gone)))
            {
                changes.Add(new(TaxonomyChangeKind.LabelMoved, $"Moved '{label.Name}' {Parent(label.ParentId)}.", label.Id));
            }
            if (!old.ShapeKinds.OrderBy(k => k).SequenceEqual(label.ShapeKinds.OrderBy(k => k)))
            {
                changes.Add(new(TaxonomyChangeKind.ShapeKindsChanged,
                    $"'{label.Name}' now allows {string.Join(", ", label.ShapeKinds.Select(Geometry.ShapeKindNames.ToWords))}.", label.Id));
            }
            if (old.Description != label.Description || old.Guideline != label.Guideline)
            {
                changes.Add(new(TaxonomyChangeKind.TextChanged, $"The description or guideline of '{label.Name}' changed.", label.Id));
            }
            if (!old.Deprecated && label.Deprecated && !split.Contains(label.Id))
            {
                changes.Add(new(TaxonomyChangeKind.LabelDeprecated, $"Deprecated '{label.Name}': it is no longer offered for new shapes.", label.Id));
            }
            else if (old.Deprecated && !label.Deprecated)
            {
                changes.Add(new(TaxonomyChangeKind.LabelRestored, $"'{label.Name}' is offered again.", label.Id));
            }
            if (!SameSkeleton(old.Skeleton, label.Skeleton))
            {
                changes.Add(new(TaxonomyChangeKind.SkeletonChanged, $"The skeleton of '{label.Name}' changed.", label.Id));
            }
            if (!split.Contains(label.Id))
            {
                AttributeChanges(old.Attributes, label.Attributes, $"'{label.Name}'", label.Id, changes);
            }
        }
        foreach (var label in older.Labels.Where(l => !after.ContainsKey(l.Id) && !merged.Contains(l.Id)))
        {
            changes.Add(new(TaxonomyChangeKind.LabelRemoved, $"Removed '{label.Name}'.", label.Id));
        }
        foreach (var parent in newer.Labels.Select(l => l.ParentId).Distinct())
        {
            var common = newer.Labels.Where(l => l.ParentId == parent && before.TryGetValue(l.Id, out var o) && o.ParentId == parent).Select(l => l.Id).ToList();
            var oldOrder = older.Labels.Where(l => common.Contains(l.Id)).Select(l => l.Id);
            if (!common.SequenceEqual(oldOrder))
            {
                changes.Add(new(TaxonomyChangeKind.LabelsReordered,
                    parent is { } p ? $"Reordered the labels under '{NameOf(p)}'." : "Reordered the top-level labels.", parent));
            }
        }
        AttributeChanges(older.ProjectAttributes, newer.ProjectAttributes, "every region", null, changes);
        foreach (var map in migrations.OfType<MapAttributeValues>())
        {
            var name = newer.ProjectAttributes.Concat(newer.Labels.SelectMany(l => l.Attributes)).FirstOrDefault(a => a.Id == map.AttributeId)?.Name ?? "?";
            changes.Add(new(TaxonomyChangeKind.AttributeValuesMapped,
                $"Existing values of '{name}' are rewritten: {string.Join(", ", map.Values.Select(v => $"{v.From} → {v.To ?? "dropped"}"))}."));
        }
        QuestionChanges(older.Questions, newer.Questions, changes);
        if (older.Guideline != newer.Guideline)
        {
            changes.Add(new(TaxonomyChangeKind.GuidelineChanged, "The project guideline changed."));
        }
        return changes;
    }

    private static void AttributeChanges(IReadOnlyList<AttributeDefinition> older, IReadOnlyList<AttributeDefinition> newer,
        string owner, Guid? labelId, List<TaxonomyChange> changes)
    {
        var before = older.ToDictionary(a => a.Id);
        var after = newer.Select(a => a.Id).ToHashSet();
        foreach (var attribute in newer)
        {
            if (!before.TryGetValue(attribute.Id, out var old))
            {
                changes.Add(new(TaxonomyChangeKind.AttributeAdded, $"Added attribute '{attribute.Name}' to {owner}.", labelId));
            }
            else if (Describe(old, attribute) is { } what)
            {
                changes.Add(new(TaxonomyChangeKind.AttributeChanged, $"Attribute '{attribute.Name}' of {owner}: {what}.", labelId));
            }
        }
        foreach (var attribute in older.Where(a => !after.Contains(a.Id)))
        {
            changes.Add(new(TaxonomyChangeKind.AttributeRemoved, $"Removed attribute '{attribute.Name}' from {owner}.", labelId));
        }
    }

    private static string? Describe(AttributeDefinition old, AttributeDefinition now)
    {
        var parts = new List<string>();
        if (old.Name != now.Name)
        {
            parts.Add($"renamed from '{old.Name}'");
        }
        if (old.Kind != now.Kind)
        {
            parts.Add($"now {AttributeKindNames.ToWords(now.Kind)} (was {AttributeKindNames.ToWords(old.Kind)})");
        }
        var added = now.Options.Except(old.Options).ToList();
        var removed = old.Options.Except(now.Options).ToList();
        if (added.Count > 0)
        {
            parts.Add($"options added: {string.Join(", ", added)}");
        }
        if (removed.Count > 0)
        {
            parts.Add($"options removed: {string.Join(", ", removed)}");
        }
        if (old.Min != now.Min || old.Max != now.Max)
        {
            parts.Add($"range now {now.Min?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "…"} to {now.Max?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "…"}");
        }
        if (old.MaxLength != now.MaxLength)
        {
            parts.Add(now.MaxLength is { } length ? $"at most {length} characters" : "no length limit");
        }
        if (old.Required != now.Required)
        {
            parts.Add(now.Required ? "now required" : "now optional");
        }
        if (old.Default != now.Default)
        {
            parts.Add(now.Default is null ? "no default" : $"default {now.Default}");
        }
        return parts.Count == 0 ? null : string.Join("; ", parts);
    }

    private static void QuestionChanges(IReadOnlyList<QuestionDefinition> older, IReadOnlyList<QuestionDefinition> newer,
        List<TaxonomyChange> changes)
    {
        var before = older.ToDictionary(q => q.Id);
        foreach (var question in newer)
        {
            if (!before.TryGetValue(question.Id, out var old))
            {
                changes.Add(new(TaxonomyChangeKind.QuestionAdded, $"Added the question '{question.Text}'."));
            }
            else if (old.Text != question.Text || old.Multiple != question.Multiple || !old.Options.SequenceEqual(question.Options)
                     || old.ParentQuestionId != question.ParentQuestionId || old.ParentOption != question.ParentOption)
            {
                changes.Add(new(TaxonomyChangeKind.QuestionChanged, old.Text == question.Text
                    ? $"The question '{question.Text}' changed."
                    : $"The question '{old.Text}' is now '{question.Text}'."));
            }
        }
        var now = newer.Select(q => q.Id).ToHashSet();
        foreach (var question in older.Where(q => !now.Contains(q.Id)))
        {
            changes.Add(new(TaxonomyChangeKind.QuestionRemoved, $"Removed the question '{question.Text}'."));
        }
    }

    private static bool SameSkeleton(SkeletonDefinition? a, SkeletonDefinition? b) =>
        a is null || b is null
            ? a is null && b is null
            : a.Points.SequenceEqual(b.Points)
              && a.Edges.Select(e => (e[0], e[1])).SequenceEqual(b.Edges.Select(e => (e[0], e[1])))
              && a.FlipPairs.Select(e => (e[0], e[1])).SequenceEqual(b.FlipPairs.Select(e => (e[0], e[1])))
              && a.Sigmas.SequenceEqual(b.Sigmas)
              && (a.Layout ?? []).SelectMany(p => p).SequenceEqual((b.Layout ?? []).SelectMany(p => p));
}
