using System.Globalization;
using System.Text.Json.Nodes;
using Annotator.Core.Annotations;
using Annotator.Core.Geometry;

namespace Annotator.Core.Taxonomy.Interchange;

/// <summary>A label while an import builds it; becomes a <see cref="LabelDefinition"/> with a fresh id at the end.</summary>
internal sealed class LabelDraft(string name)
{
    public string Name { get; } = name;

    /// <summary>Null until a colour is read; labels left without one get a palette colour.</summary>
    public string? Color { get; set; }

    public string? Hotkey { get; set; }

    public List<ShapeKind> ShapeKinds { get; } = [];

    public string Description { get; set; } = "";

    public List<AttributeDefinition> Attributes { get; } = [];

    public SkeletonDefinition? Skeleton { get; set; }

    /// <summary>Adds the kinds not yet allowed, keeping the order they came in.</summary>
    public void Allow(IEnumerable<ShapeKind> kinds)
    {
        foreach (var kind in kinds)
        {
            if (!ShapeKinds.Contains(kind))
            {
                ShapeKinds.Add(kind);
            }
        }
    }
}

/// <summary>
/// What the foreign-format importers share: notes, label names made unique, hotkeys and colours read leniently (what
/// cannot be kept is dropped with a note rather than failing the import), the count limits, and the final check that
/// the result passes <see cref="TaxonomyDefinition.Validate"/>.
/// </summary>
/// <param name="subject">The document in messages, e.g. "The labeling config".</param>
internal sealed class ImportBuilder(string subject)
{
    private readonly List<string> _notes = [];
    private readonly Dictionary<string, string> _hotkeyOwners = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _labelNames = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, LabelDraft> _labelsByName = new(StringComparer.OrdinalIgnoreCase);
    private readonly HashSet<string> _projectAttributeNames = new(StringComparer.OrdinalIgnoreCase);

    public string Subject { get; } = subject;

    public List<LabelDraft> Labels { get; } = [];

    public List<AttributeDefinition> ProjectAttributes { get; } = [];

    public List<QuestionDefinition> Questions { get; } = [];

    public void Note(string note) => _notes.Add(note);

    /// <summary>The label of that name (ignoring case and surrounding space), if one was added.</summary>
    public LabelDraft? FindLabel(string name) => _labelsByName.GetValueOrDefault(name.Trim());

    /// <summary>Adds a top-level label; a name already taken gets a " (2)" suffix and a note.</summary>
    public LabelDraft AddLabel(string name)
    {
        if (Labels.Count >= InterchangeLimits.MaxLabels)
        {
            throw new DomainException($"{Subject} has more than {Count(InterchangeLimits.MaxLabels)} labels.");
        }
        var draft = new LabelDraft(UniqueName(name, _labelNames, "labels"));
        Labels.Add(draft);
        _labelsByName.Add(draft.Name, draft);
        return draft;
    }

    /// <summary>Adds a project attribute, renaming it if the name is taken.</summary>
    public void AddProjectAttribute(AttributeDefinition attribute)
    {
        if (ProjectAttributes.Count >= InterchangeLimits.MaxAttributes)
        {
            throw new DomainException($"{Subject} has more than {Count(InterchangeLimits.MaxAttributes)} per-region attributes.");
        }
        ProjectAttributes.Add(attribute with { Name = UniqueName(attribute.Name, _projectAttributeNames, "project attributes") });
    }

    /// <summary>Adds an attribute to a label, renaming it if the label already has one of that name.</summary>
    public void AddLabelAttribute(LabelDraft label, AttributeDefinition attribute)
    {
        if (label.Attributes.Count >= InterchangeLimits.MaxAttributes)
        {
            throw new DomainException($"Label '{label.Name}' has more than {Count(InterchangeLimits.MaxAttributes)} attributes.");
        }
        var taken = new HashSet<string>(label.Attributes.Select(a => a.Name), StringComparer.OrdinalIgnoreCase);
        label.Attributes.Add(attribute with { Name = UniqueName(attribute.Name, taken, $"attributes of '{label.Name}'") });
    }

    /// <summary>Adds an image-level question.</summary>
    public QuestionDefinition AddQuestion(QuestionDefinition question)
    {
        if (Questions.Count >= InterchangeLimits.MaxQuestions)
        {
            throw new DomainException($"{Subject} has more than {Count(InterchangeLimits.MaxQuestions)} image-level questions.");
        }
        Questions.Add(question);
        return question;
    }

    /// <summary>
    /// <paramref name="name"/> trimmed, or with " (2)", " (3)"… when a sibling already has it (ignoring case, as
    /// <see cref="TaxonomyDefinition.Validate"/> does); adds the result to <paramref name="taken"/>.
    /// </summary>
    public string UniqueName(string name, ISet<string> taken, string siblings)
    {
        var trimmed = name.Trim();
        var unique = trimmed;
        for (var n = 2; !taken.Add(unique); n++)
        {
            unique = $"{trimmed} ({n})";
        }
        if (unique != trimmed)
        {
            Note($"Two {siblings} are named '{trimmed}'; the second is now '{unique}'.");
        }
        return unique;
    }

    /// <summary>The options trimmed, without empty ones and without repeats (noted), within the option limit.</summary>
    public List<string> Options(IEnumerable<string> values, string owner)
    {
        var options = new List<string>();
        foreach (var value in values.Select(v => v.Trim()).Where(v => v.Length > 0))
        {
            if (options.Contains(value, StringComparer.Ordinal))
            {
                Note($"{owner} lists the option '{value}' twice; it is kept once.");
                continue;
            }
            if (options.Count >= InterchangeLimits.MaxOptions)
            {
                throw new DomainException($"{owner} has more than {Count(InterchangeLimits.MaxOptions)} options.");
            }
            options.Add(value);
        }
        return options;
    }

    /// <summary>The colour as #rrggbb, or null (and a note when one was given but not understood).</summary>
    public string? Color(string? css, string owner)
    {
        if (string.IsNullOrWhiteSpace(css))
        {
            return null;
        }
        if (InterchangeColors.TryRead(css, out var color))
        {
            return color;
        }
        Note($"{owner}: the colour '{css.Trim()}' is not understood; a palette colour is used instead.");
        return null;
    }

    /// <summary>
    /// The hotkey if it can be kept: a single letter or digit, not a workspace key, not taken by another label.
    /// Anything else is dropped with a note, since a label works without a hotkey.
    /// </summary>
    public string? Hotkey(string? key, string labelName)
    {
        if (string.IsNullOrWhiteSpace(key))
        {
            return null;
        }
        var text = key.Trim();
        if (text.Length != 1 || !char.IsAsciiLetterOrDigit(text[0]))
        {
            Note($"Label '{labelName}': the hotkey '{text}' is dropped (a hotkey must be a single letter or digit).");
            return null;
        }
        text = text.ToLowerInvariant();
        if (WorkspaceKeys.IsReserved(text))
        {
            Note($"Label '{labelName}': the hotkey '{text}' is dropped (the workspace keeps it for its own shortcuts).");
            return null;
        }
        if (!_hotkeyOwners.TryAdd(text, labelName))
        {
            Note($"Label '{labelName}': the hotkey '{text}' is dropped (label '{_hotkeyOwners[text]}' already uses it).");
            return null;
        }
        return text;
    }

    /// <summary>The default (JSON) if it is a valid value of the attribute; otherwise null and a note.</summary>
    public string? Default(AttributeDefinition attribute, JsonNode? value, string owner)
    {
        if (value is null)
        {
            return null;
        }
        var json = value.ToJsonString();
        try
        {
            AttributeValues.Normalize($"{{\"{attribute.Id}\":{json}}}", [attribute], owner);
            return json;
        }
        catch (DomainException exception)
        {
            Note($"{owner}: the default {json} is dropped ({exception.Message.TrimEnd('.')}).");
            return null;
        }
    }

    /// <summary>Reads a number written in the invariant culture; null when it is not a finite number.</summary>
    public static double? Number(string? text) =>
        double.TryParse(text?.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : null;

    /// <summary>The taxonomy with palette colours and fresh ids, checked with <see cref="TaxonomyDefinition.Validate"/>.</summary>
    public TaxonomyImport Finish()
    {
        var used = new HashSet<string>(Labels.Where(l => l.Color is not null).Select(l => l.Color!), StringComparer.OrdinalIgnoreCase);
        // Palette colours not yet used come first, so imported labels stay apart; past twenty the palette repeats.
        var free = new Queue<string>(InterchangeColors.Palette.Where(c => !used.Contains(c)));
        var uncoloured = Labels.Where(l => l.Color is null).ToList();
        for (var i = 0; i < uncoloured.Count; i++)
        {
            uncoloured[i].Color = free.TryDequeue(out var color) ? color : InterchangeColors.Palette[i % InterchangeColors.Palette.Count];
        }
        if (uncoloured.Count > 0)
        {
            Note(uncoloured.Count == 1
                ? $"Label '{uncoloured[0].Name}' has no colour; it got one from the palette."
                : $"{uncoloured.Count} labels have no colour; they got colours from the palette.");
        }
        var taxonomy = new TaxonomyDefinition
        {
            Labels =
            [
                .. Labels.Select(l => new LabelDefinition
                {
                    Id = Guid.NewGuid(), Name = l.Name, Color = l.Color!, Hotkey = l.Hotkey, ShapeKinds = [.. l.ShapeKinds],
                    Description = l.Description, Attributes = [.. l.Attributes], Skeleton = l.Skeleton,
                }),
            ],
            ProjectAttributes = [.. ProjectAttributes],
            Questions = [.. Questions],
        };
        var problems = taxonomy.Validate();
        if (problems.Count > 0)
        {
            // The importers fix what they can; what is left is a case they did not foresee, so it is refused whole.
            throw new DomainException($"{Subject} gives a taxonomy that is not valid: {string.Join(" ", problems)}");
        }
        return new TaxonomyImport(taxonomy, [.. _notes]);
    }

    /// <summary>A count for messages, with a thousands separator: 5,000.</summary>
    public static string Count(int count) => count.ToString("N0", CultureInfo.InvariantCulture);
}
