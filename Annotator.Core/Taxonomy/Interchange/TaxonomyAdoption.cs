namespace Annotator.Core.Taxonomy.Interchange;

/// <summary>
/// Fits an imported taxonomy onto the one a project has: labels with the same place in the tree and name (ignoring
/// case), and within them attributes with the same name, project attributes and questions with the same name or text,
/// take the existing ids — so importing a file over a taxonomy keeps every annotation of those labels. Guidelines the
/// file does not carry (Label Studio and CVAT have none) are kept.
/// </summary>
public static class TaxonomyAdoption
{
    /// <summary><paramref name="imported"/> with <paramref name="current"/>'s ids where names match.</summary>
    public static TaxonomyDefinition Adopt(TaxonomyDefinition current, TaxonomyDefinition imported)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(imported);
        var currentByPath = new Dictionary<string, LabelDefinition>(StringComparer.OrdinalIgnoreCase);
        foreach (var label in current.Labels)
        {
            currentByPath.TryAdd(Path(current, label), label);
        }
        var labelIds = new Dictionary<Guid, Guid>();
        var matched = new Dictionary<Guid, LabelDefinition>();
        foreach (var label in imported.Labels)
        {
            if (currentByPath.TryGetValue(Path(imported, label), out var existing) && !labelIds.ContainsValue(existing.Id))
            {
                labelIds[label.Id] = existing.Id;
                matched[label.Id] = existing;
            }
            else if (current.Labels.Any(l => l.Id == label.Id))
            {
                // An id the project already uses for another label: give the newcomer its own.
                labelIds[label.Id] = Guid.NewGuid();
            }
        }
        Guid Label(Guid id) => labelIds.TryGetValue(id, out var mapped) ? mapped : id;

        var labels = imported.Labels.Select(label =>
        {
            var existing = matched.GetValueOrDefault(label.Id);
            return label with
            {
                Id = Label(label.Id),
                ParentId = label.ParentId is { } parent ? Label(parent) : null,
                SplitInto = [.. label.SplitInto.Select(Label)],
                Attributes = Attributes(existing?.Attributes ?? [], label.Attributes),
                Guideline = label.Guideline.Length == 0 && existing is not null ? existing.Guideline : label.Guideline,
                Description = label.Description.Length == 0 && existing is not null ? existing.Description : label.Description,
            };
        }).ToList();

        var questionIds = new Dictionary<Guid, Guid>();
        foreach (var question in imported.Questions)
        {
            if (current.Questions.FirstOrDefault(q => string.Equals(q.Text.Trim(), question.Text.Trim(), StringComparison.OrdinalIgnoreCase)) is { } existing
                && !questionIds.ContainsValue(existing.Id))
            {
                questionIds[question.Id] = existing.Id;
            }
        }
        Guid Question(Guid id) => questionIds.TryGetValue(id, out var mapped) ? mapped : id;

        return imported with
        {
            Labels = labels,
            ProjectAttributes = Attributes(current.ProjectAttributes, imported.ProjectAttributes),
            Questions = [.. imported.Questions.Select(q => q with
            {
                Id = Question(q.Id),
                ParentQuestionId = q.ParentQuestionId is { } parent ? Question(parent) : null,
            })],
            Guideline = imported.Guideline.Length == 0 ? current.Guideline : imported.Guideline,
        };
    }

    /// <summary>
    /// The draft's pending migrations that still make sense over <paramref name="imported"/> (already adopted, so
    /// same-named labels and attributes have the draft's ids): a merge stays while the file lacks the merged label and
    /// has the one it goes into (value moves to attributes the file dropped become drops); a split stays while the file
    /// has the split label and every part (the label is marked split and deprecated again); a value mapping stays while
    /// the file has the attribute. Every migration kept or dropped is a note.
    /// </summary>
    /// <param name="pending">The draft's migrations, in order.</param>
    /// <param name="imported">The adopted import.</param>
    /// <param name="nameOf">A label's name for the notes (merged labels are in no definition any more).</param>
    public static (TaxonomyDefinition Taxonomy, IReadOnlyList<TaxonomyMigration> Migrations, IReadOnlyList<string> Notes) CarryOver(
        IReadOnlyList<TaxonomyMigration> pending, TaxonomyDefinition imported, Func<Guid, string> nameOf)
    {
        ArgumentNullException.ThrowIfNull(pending);
        ArgumentNullException.ThrowIfNull(imported);
        ArgumentNullException.ThrowIfNull(nameOf);
        var labels = imported.Labels.ToDictionary(l => l.Id);
        var order = imported.Labels.Select(l => l.Id).ToList();
        var kept = new List<TaxonomyMigration>();
        var notes = new List<string>();
        foreach (var migration in pending)
        {
            switch (migration)
            {
                case MergeLabels merge when labels.ContainsKey(merge.From):
                    notes.Add($"The pending merge of '{nameOf(merge.From)}' into '{nameOf(merge.Into)}' is dropped: the file has '{nameOf(merge.From)}'.");
                    break;
                case MergeLabels merge when !labels.TryGetValue(merge.Into, out _):
                    notes.Add($"The pending merge of '{nameOf(merge.From)}' into '{nameOf(merge.Into)}' is dropped: the file has no '{nameOf(merge.Into)}'.");
                    break;
                case MergeLabels merge:
                {
                    var into = labels[merge.Into];
                    var attributes = merge.Attributes
                        .Select(a => a.Into is { } target && into.Attributes.All(x => x.Id != target) ? a with { Into = null } : a)
                        .ToList();
                    kept.Add(attributes.SequenceEqual(merge.Attributes) ? merge : merge with { Attributes = attributes });
                    var dropped = attributes.Count(a => a.Into is null) - merge.Attributes.Count(a => a.Into is null);
                    notes.Add($"The pending merge of '{nameOf(merge.From)}' into '{into.Name}' is kept"
                        + (dropped > 0 ? $"; the values of {dropped} of its attributes are dropped instead (the file lacks the attributes they went to)." : "."));
                    break;
                }
                case SplitLabel split when labels.TryGetValue(split.From, out var source) && split.Into.All(labels.ContainsKey):
                    labels[split.From] = source with { Deprecated = true, Hotkey = null, SplitInto = split.Into };
                    kept.Add(split);
                    notes.Add($"The pending split of '{source.Name}' is kept: it stays deprecated, its regions go to the relabeling queue.");
                    break;
                case SplitLabel split:
                    notes.Add($"The pending split of '{nameOf(split.From)}' is dropped: the file lacks it or one of its parts.");
                    break;
                case MapAttributeValues map when imported.ProjectAttributes.Concat(imported.Labels.SelectMany(l => l.Attributes)).Any(a => a.Id == map.AttributeId):
                    kept.Add(map);
                    break;
                case MapAttributeValues:
                    notes.Add("A pending value mapping is dropped: the file does not have its attribute.");
                    break;
            }
        }
        return (imported with { Labels = [.. order.Select(id => labels[id])] }, kept, notes);
    }

    private static List<AttributeDefinition> Attributes(IReadOnlyList<AttributeDefinition> current, IReadOnlyList<AttributeDefinition> imported) =>
        [.. imported.Select(attribute =>
            current.FirstOrDefault(a => string.Equals(a.Name.Trim(), attribute.Name.Trim(), StringComparison.OrdinalIgnoreCase)) is { } existing
                ? attribute with { Id = existing.Id }
                : attribute)];

    /// <summary>The label's names from the top of the tree down, joined with '/'.</summary>
    private static string Path(TaxonomyDefinition taxonomy, LabelDefinition label)
    {
        var names = new List<string> { label.Name.Trim() };
        var current = label;
        for (var guard = 0; current.ParentId is { } parentId && guard < taxonomy.Labels.Count; guard++)
        {
            current = taxonomy.Labels.FirstOrDefault(l => l.Id == parentId);
            if (current is null)
            {
                break;
            }
            names.Add(current.Name.Trim());
        }
        names.Reverse();
        return string.Join('/', names);
    }
}
