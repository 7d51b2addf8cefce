using System.Text.Json;
using System.Text.Json.Serialization;
using Annotator.Core.Geometry;

namespace Annotator.Core.Taxonomy;

/// <summary>The content of one taxonomy version: labels (a tree), attributes, skeletons and image-level questions.</summary>
public sealed record TaxonomyDefinition
{
    /// <summary>Labels; <see cref="LabelDefinition.ParentId"/> makes them a tree.</summary>
    public IReadOnlyList<LabelDefinition> Labels { get; init; } = [];

    /// <summary>Attributes that apply to every label.</summary>
    public IReadOnlyList<AttributeDefinition> ProjectAttributes { get; init; } = [];

    /// <summary>Image-level questions (classification).</summary>
    public IReadOnlyList<QuestionDefinition> Questions { get; init; } = [];

    /// <summary>The project's labeling guideline, in Markdown (shown in the workspace's guide panel).</summary>
    public string Guideline { get; init; } = "";

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
        WriteIndented = false,
    };

    /// <summary>Serialises to the JSON stored with a version.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, JsonOptions);

    /// <summary>Reads the JSON stored with a version.</summary>
    public static TaxonomyDefinition FromJson(string json) =>
        JsonSerializer.Deserialize<TaxonomyDefinition>(json, JsonOptions)
        ?? throw new DomainException("The taxonomy document is empty.");

    /// <summary>
    /// The problems that stop this definition from being used, each a sentence for the admin. Empty when valid:
    /// unique ids, parents that exist and form no cycle, unique names among siblings, hotkeys that are one letter or
    /// digit, used once and not taken by a workspace tool, colours as #rrggbb, at least one shape kind per label,
    /// attributes whose options, ranges and defaults fit, questions whose parents exist, skeleton edges between existing
    /// points.
    /// </summary>
    public IReadOnlyList<string> Validate() => TaxonomyRules.Check(this);
}

/// <summary>A label. Its <see cref="Id"/> never changes, so renaming or moving it keeps every annotation.</summary>
public sealed record LabelDefinition
{
    /// <summary>Stable id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Name shown to labelers.</summary>
    public required string Name { get; init; }

    /// <summary>CSS colour, e.g. #e6194b.</summary>
    public string Color { get; init; } = "#e6194b";

    /// <summary>Single key that selects the label in the workspace.</summary>
    public string? Hotkey { get; init; }

    /// <summary>Parent label, for hierarchies.</summary>
    public Guid? ParentId { get; init; }

    /// <summary>Shapes that may be drawn with this label.</summary>
    public IReadOnlyList<ShapeKind> ShapeKinds { get; init; } = [ShapeKind.Box, ShapeKind.Polygon];

    /// <summary>Free text for labelers.</summary>
    public string Description { get; init; } = "";

    /// <summary>Attributes of this label.</summary>
    public IReadOnlyList<AttributeDefinition> Attributes { get; init; } = [];

    /// <summary>Keypoint template, for labels that allow <see cref="ShapeKind.Keypoints"/>.</summary>
    public SkeletonDefinition? Skeleton { get; init; }

    /// <summary>Hidden from new drawing; existing annotations are kept and flagged.</summary>
    public bool Deprecated { get; init; }

    /// <summary>How to draw this label, in Markdown (shown beside the label in the workspace).</summary>
    public string Guideline { get; init; } = "";

    /// <summary>
    /// The labels this one was split into (it is then deprecated): its regions wait in the relabeling queue until a
    /// labeler gives each one of these labels.
    /// </summary>
    public IReadOnlyList<Guid> SplitInto { get; init; } = [];
}

/// <summary>The kinds of attribute value.</summary>
public enum AttributeKind
{
    /// <summary>One of <see cref="AttributeDefinition.Options"/>.</summary>
    SingleSelect,

    /// <summary>Any of <see cref="AttributeDefinition.Options"/>.</summary>
    MultiSelect,

    /// <summary>True or false.</summary>
    Checkbox,

    /// <summary>A number within <see cref="AttributeDefinition.Min"/>..<see cref="AttributeDefinition.Max"/>.</summary>
    Number,

    /// <summary>Text up to <see cref="AttributeDefinition.MaxLength"/>.</summary>
    Text,
}

/// <summary>An attribute of a label or of the whole project.</summary>
public sealed record AttributeDefinition
{
    /// <summary>Stable id.</summary>
    public required Guid Id { get; init; }

    /// <summary>Name shown in the side panel.</summary>
    public required string Name { get; init; }

    /// <summary>Value kind.</summary>
    public AttributeKind Kind { get; init; }

    /// <summary>Whether a value must be given.</summary>
    public bool Required { get; init; }

    /// <summary>Choices of select attributes.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>Lower bound of number attributes.</summary>
    public double? Min { get; init; }

    /// <summary>Upper bound of number attributes.</summary>
    public double? Max { get; init; }

    /// <summary>Longest text of text attributes.</summary>
    public int? MaxLength { get; init; }

    /// <summary>Default value, as JSON.</summary>
    public string? Default { get; init; }
}

/// <summary>A keypoint template: named points, edges between them, left/right flip pairs and per-point OKS sigmas.</summary>
public sealed record SkeletonDefinition
{
    /// <summary>Point names, in order.</summary>
    public required IReadOnlyList<string> Points { get; init; }

    /// <summary>Edges as pairs of point indices.</summary>
    public IReadOnlyList<int[]> Edges { get; init; } = [];

    /// <summary>Left/right pairs (point indices) swapped when an image is flipped.</summary>
    public IReadOnlyList<int[]> FlipPairs { get; init; } = [];

    /// <summary>Per-point OKS sigma, one per point.</summary>
    public IReadOnlyList<double> Sigmas { get; init; } = [];

    /// <summary>
    /// Where the points sit in a unit square, one [x, y] per point (x right, y down, values in 0..1). The keypoint tool
    /// scales it into the box the labeler drags; without it the points go round a circle.
    /// </summary>
    public IReadOnlyList<double[]>? Layout { get; init; }

    internal IEnumerable<string> Validate(string labelName)
    {
        if (Points.Count == 0)
        {
            yield return $"The skeleton of '{labelName}' has no points.";
        }
        if (Points.Any(string.IsNullOrWhiteSpace))
        {
            yield return $"Every point of the skeleton of '{labelName}' needs a name.";
        }
        else if (Points.Select(p => p.Trim()).Distinct(StringComparer.OrdinalIgnoreCase).Count() != Points.Count)
        {
            yield return $"Two points of the skeleton of '{labelName}' have the same name.";
        }
        if (Sigmas.Any(s => !(s > 0 && s <= 1)))
        {
            yield return $"The sigmas of the skeleton of '{labelName}' must be above 0 and at most 1.";
        }
        foreach (var pair in Edges.Concat(FlipPairs))
        {
            if (pair.Length != 2 || pair.Any(i => i < 0 || i >= Points.Count) || pair[0] == pair[1])
            {
                yield return $"The skeleton of '{labelName}' joins points that do not exist.";
                yield break;
            }
        }
        if (Sigmas.Count != 0 && Sigmas.Count != Points.Count)
        {
            yield return $"The skeleton of '{labelName}' has {Sigmas.Count} sigmas for {Points.Count} points.";
        }
        if (Layout is { } layout)
        {
            if (layout.Count != Points.Count)
            {
                yield return $"The skeleton layout of '{labelName}' places {layout.Count} points; the skeleton has {Points.Count}.";
            }
            else if (layout.Any(p => p is null || p.Length != 2 || p.Any(v => !(v >= 0 && v <= 1))))
            {
                yield return $"The skeleton layout of '{labelName}' must give each point an [x, y] between 0 and 1.";
            }
        }
    }
}

/// <summary>An image-level question.</summary>
public sealed record QuestionDefinition
{
    /// <summary>Stable id.</summary>
    public required Guid Id { get; init; }

    /// <summary>The question.</summary>
    public required string Text { get; init; }

    /// <summary>Whether several options may be chosen.</summary>
    public bool Multiple { get; init; }

    /// <summary>The options.</summary>
    public IReadOnlyList<string> Options { get; init; } = [];

    /// <summary>Asked only when the parent question has this answer (hierarchical questions).</summary>
    public Guid? ParentQuestionId { get; init; }

    /// <summary>The answer of the parent question that brings this one up.</summary>
    public string? ParentOption { get; init; }
}
