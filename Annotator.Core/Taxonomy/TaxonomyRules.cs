using System.Text.RegularExpressions;
using Annotator.Core.Annotations;
using Annotator.Core.Geometry;

namespace Annotator.Core.Taxonomy;

/// <summary>The checks behind <see cref="TaxonomyDefinition.Validate"/>.</summary>
internal static partial class TaxonomyRules
{
    public const int MaxNameLength = 100;
    public const int MaxDescriptionLength = 2_000;
    public const int MaxGuidelineLength = 100_000;
    public const int MaxOptions = 1_000;

    [GeneratedRegex("^#[0-9a-fA-F]{6}$")]
    private static partial Regex ColorPattern();

    /// <summary>Whether <paramref name="color"/> is a #rrggbb colour (the only form that reaches a style attribute).</summary>
    public static bool IsColor(string? color) => color is not null && ColorPattern().IsMatch(color);

    /// <summary>Whether <paramref name="hotkey"/> is one letter or digit.</summary>
    public static bool IsHotkeyShape(string hotkey) => hotkey.Length == 1 && char.IsAsciiLetterOrDigit(hotkey[0]);

    public static List<string> Check(TaxonomyDefinition taxonomy)
    {
        var problems = new List<string>();
        var byId = new Dictionary<Guid, LabelDefinition>();
        CheckAttributes(taxonomy.ProjectAttributes, "the project", [], [], problems);
        var projectAttributeIds = taxonomy.ProjectAttributes.Select(a => a.Id).ToHashSet();
        foreach (var label in taxonomy.Labels)
        {
            var name = label.Name ?? "";
            if (string.IsNullOrWhiteSpace(name))
            {
                problems.Add("Every label needs a name.");
            }
            else if (name.Length > MaxNameLength)
            {
                problems.Add($"Label '{Short(name)}' has a name longer than {MaxNameLength} characters.");
            }
            if (!byId.TryAdd(label.Id, label))
            {
                problems.Add($"Label id {label.Id} is used twice.");
            }
            if (!IsColor(label.Color))
            {
                problems.Add($"Label '{Short(name)}' needs a colour written as #rrggbb, not '{Short(label.Color ?? "")}'.");
            }
            if (label.ShapeKinds.Count == 0)
            {
                problems.Add($"Label '{Short(name)}' allows no shape kind.");
            }
            else if (label.ShapeKinds.Distinct().Count() != label.ShapeKinds.Count)
            {
                problems.Add($"Label '{Short(name)}' lists a shape kind twice.");
            }
            if (label.ShapeKinds.Contains(ShapeKind.Keypoints) && label.Skeleton is null)
            {
                problems.Add($"Label '{Short(name)}' allows keypoints but has no skeleton.");
            }
            if (label.Skeleton is { } skeleton)
            {
                problems.AddRange(skeleton.Validate(name));
            }
            if (!string.IsNullOrEmpty(label.Hotkey))
            {
                if (!IsHotkeyShape(label.Hotkey))
                {
                    problems.Add($"The hotkey of '{Short(name)}' must be one letter or digit, not '{Short(label.Hotkey)}'.");
                }
                else if (WorkspaceKeys.IsReserved(label.Hotkey))
                {
                    problems.Add($"Hotkey '{label.Hotkey}' of '{Short(name)}' is taken by {WorkspaceKeys.Use(label.Hotkey)} in the workspace.");
                }
            }
            if ((label.Description?.Length ?? 0) > MaxDescriptionLength)
            {
                problems.Add($"The description of '{Short(name)}' is longer than {MaxDescriptionLength} characters.");
            }
            if ((label.Guideline?.Length ?? 0) > MaxGuidelineLength)
            {
                problems.Add($"The guideline of '{Short(name)}' is longer than {MaxGuidelineLength} characters.");
            }
            // Ids are unique within what one region can carry (its label's and the project's attributes); a split copies
            // the attributes, ids and all, so relabeling keeps the values.
            CheckAttributes(label.Attributes, $"label '{Short(name)}'", taxonomy.ProjectAttributes, [.. projectAttributeIds], problems);
        }
        foreach (var label in taxonomy.Labels)
        {
            if (label.ParentId is { } parentId)
            {
                if (!byId.ContainsKey(parentId))
                {
                    problems.Add($"Label '{Short(label.Name)}' has a parent that does not exist.");
                }
                else if (HasCycle(label.Id, id => byId.TryGetValue(id, out var l) ? l.ParentId : null))
                {
                    problems.Add($"Label '{Short(label.Name)}' would be its own ancestor.");
                }
            }
            foreach (var part in label.SplitInto)
            {
                if (part == label.Id || !byId.ContainsKey(part))
                {
                    problems.Add($"Label '{Short(label.Name)}' is split into a label that does not exist.");
                    break;
                }
            }
            if (label.SplitInto.Count > 0 && !label.Deprecated)
            {
                problems.Add($"Label '{Short(label.Name)}' was split, so it must stay deprecated.");
            }
        }
        foreach (var group in taxonomy.Labels.Where(l => !string.IsNullOrWhiteSpace(l.Name))
                     .GroupBy(l => (l.ParentId, Name: l.Name.Trim().ToUpperInvariant())).Where(g => g.Count() > 1))
        {
            var parent = group.Key.ParentId is { } p && byId.TryGetValue(p, out var parentLabel) ? $"under '{Short(parentLabel.Name)}'" : "at the top level";
            problems.Add($"Two labels {parent} are named '{Short(group.First().Name)}'; names must differ among siblings.");
        }
        foreach (var group in taxonomy.Labels.Where(l => !string.IsNullOrEmpty(l.Hotkey))
                     .GroupBy(l => l.Hotkey!.ToUpperInvariant()).Where(g => g.Count() > 1))
        {
            problems.Add($"Hotkey '{group.Key}' is used by {string.Join(" and ", group.Select(l => $"'{Short(l.Name)}'"))}.");
        }
        if ((taxonomy.Guideline?.Length ?? 0) > MaxGuidelineLength)
        {
            problems.Add($"The project guideline is longer than {MaxGuidelineLength} characters.");
        }
        CheckQuestions(taxonomy.Questions, problems);
        return problems;
    }

    private static void CheckAttributes(IReadOnlyList<AttributeDefinition> attributes, string owner,
        IReadOnlyList<AttributeDefinition> projectAttributes, HashSet<Guid> ids, List<string> problems)
    {
        var names = new HashSet<string>(projectAttributes.Where(_ => owner != "the project").Select(a => a.Name?.Trim() ?? ""),
            StringComparer.OrdinalIgnoreCase);
        foreach (var attribute in attributes)
        {
            var name = attribute.Name ?? "";
            if (!ids.Add(attribute.Id))
            {
                problems.Add($"Attribute id {attribute.Id} is used twice.");
            }
            if (string.IsNullOrWhiteSpace(name))
            {
                problems.Add($"Every attribute of {owner} needs a name.");
                continue;
            }
            if (name.Length > MaxNameLength)
            {
                problems.Add($"An attribute of {owner} has a name longer than {MaxNameLength} characters.");
            }
            if (!names.Add(name.Trim()))
            {
                problems.Add($"Two attributes of {owner} are named '{Short(name)}' (project attributes count too).");
            }
            var what = $"Attribute '{Short(name)}' of {owner}";
            switch (attribute.Kind)
            {
                case AttributeKind.SingleSelect or AttributeKind.MultiSelect:
                    if (attribute.Options.Count == 0)
                    {
                        problems.Add($"{what} needs at least one option.");
                    }
                    else if (attribute.Options.Count > MaxOptions)
                    {
                        problems.Add($"{what} has more than {MaxOptions} options.");
                    }
                    if (attribute.Options.Any(string.IsNullOrWhiteSpace))
                    {
                        problems.Add($"{what} has an empty option.");
                    }
                    if (attribute.Options.Distinct(StringComparer.Ordinal).Count() != attribute.Options.Count)
                    {
                        problems.Add($"{what} lists an option twice.");
                    }
                    break;
                case AttributeKind.Number:
                    if (attribute.Min is { } min && attribute.Max is { } max && min > max)
                    {
                        problems.Add($"{what} has a minimum above its maximum.");
                    }
                    if ((attribute.Min is { } lo && !double.IsFinite(lo)) || (attribute.Max is { } hi && !double.IsFinite(hi)))
                    {
                        problems.Add($"{what} needs finite bounds.");
                    }
                    break;
                case AttributeKind.Text:
                    if (attribute.MaxLength is { } length && length is < 1 or > AttributeValues.DefaultMaxTextLength)
                    {
                        problems.Add($"{what} must allow between 1 and {AttributeValues.DefaultMaxTextLength} characters.");
                    }
                    break;
            }
            if (attribute.Default is { Length: > 0 } json && DefaultProblem(attribute, json) is { } problem)
            {
                problems.Add($"The default of {what[0..1].ToLowerInvariant()}{what[1..]} does not fit: {problem}");
            }
        }
    }

    /// <summary>What is wrong with an attribute's default (JSON text), or null when it fits.</summary>
    public static string? DefaultProblem(AttributeDefinition attribute, string json) => AttributeValues.ProblemWith(attribute, json);

    private static void CheckQuestions(IReadOnlyList<QuestionDefinition> questions, List<string> problems)
    {
        var byId = new Dictionary<Guid, QuestionDefinition>();
        foreach (var question in questions)
        {
            var text = question.Text ?? "";
            if (!byId.TryAdd(question.Id, question))
            {
                problems.Add($"Question id {question.Id} is used twice.");
            }
            if (string.IsNullOrWhiteSpace(text))
            {
                problems.Add("Every question needs a text.");
            }
            else if (text.Length > MaxDescriptionLength)
            {
                problems.Add($"Question '{Short(text)}' is longer than {MaxDescriptionLength} characters.");
            }
            if (question.Options.Count == 0)
            {
                problems.Add($"Question '{Short(text)}' needs at least one option.");
            }
            else if (question.Options.Count > MaxOptions)
            {
                problems.Add($"Question '{Short(text)}' has more than {MaxOptions} options.");
            }
            if (question.Options.Any(string.IsNullOrWhiteSpace))
            {
                problems.Add($"Question '{Short(text)}' has an empty option.");
            }
            if (question.Options.Distinct(StringComparer.Ordinal).Count() != question.Options.Count)
            {
                problems.Add($"Question '{Short(text)}' lists an option twice.");
            }
        }
        foreach (var group in questions.Where(q => !string.IsNullOrWhiteSpace(q.Text))
                     .GroupBy(q => q.Text.Trim().ToUpperInvariant()).Where(g => g.Count() > 1))
        {
            problems.Add($"Two questions ask '{Short(group.First().Text)}'.");
        }
        foreach (var question in questions)
        {
            if (question.ParentQuestionId is not { } parentId)
            {
                if (question.ParentOption is not null)
                {
                    problems.Add($"Question '{Short(question.Text)}' names a parent answer but no parent question.");
                }
                continue;
            }
            if (!byId.TryGetValue(parentId, out var parent))
            {
                problems.Add($"Question '{Short(question.Text)}' follows a question that does not exist.");
            }
            else if (HasCycle(question.Id, id => byId.TryGetValue(id, out var q) ? q.ParentQuestionId : null))
            {
                problems.Add($"Question '{Short(question.Text)}' would follow itself.");
            }
            else if (question.ParentOption is not null && !parent.Options.Contains(question.ParentOption))
            {
                problems.Add($"Question '{Short(question.Text)}' follows the answer '{Short(question.ParentOption)}', which '{Short(parent.Text)}' does not offer.");
            }
        }
    }

    /// <summary>Whether following parents from <paramref name="start"/> comes back to it or loops.</summary>
    public static bool HasCycle(Guid start, Func<Guid, Guid?> parentOf)
    {
        var seen = new HashSet<Guid> { start };
        var current = parentOf(start);
        while (current is { } id)
        {
            if (!seen.Add(id))
            {
                return true;
            }
            current = parentOf(id);
        }
        return false;
    }

    /// <summary>A name cut to a length that reads well inside a sentence.</summary>
    public static string Short(string? text)
    {
        var value = text ?? "";
        return value.Length <= 60 ? value : value[..57] + "…";
    }
}
