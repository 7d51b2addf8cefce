using System.Text.Json;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;

namespace Annotator.Core.Annotations;

/// <summary>
/// Checks an operation against the taxonomy, the image size and the region it targets, and returns it with canonical
/// JSON (geometry from <see cref="ShapeGeometry.Normalize"/>, attributes from <see cref="AttributeValues.Normalize"/>,
/// answers compact). A refused operation throws <see cref="DomainException"/> with a message for the labeler; an
/// accepted one is what should be applied, logged and recorded in <see cref="EditHistory"/>.
/// </summary>
/// <param name="taxonomy">The taxonomy version the image is annotated under.</param>
/// <param name="imageWidth">Width of the displayed image.</param>
/// <param name="imageHeight">Height of the displayed image.</param>
public sealed class OperationValidator(TaxonomyDefinition taxonomy, int imageWidth, int imageHeight)
{
    /// <summary>The refusal for a label id the taxonomy does not have (callers may explain it from the history).</summary>
    public const string UnknownLabel = "This label is not in the project's taxonomy.";

    private readonly Dictionary<Guid, LabelDefinition> _labels = taxonomy.Labels
        .GroupBy(l => l.Id).ToDictionary(g => g.Key, g => g.First());

    private readonly Dictionary<Guid, QuestionDefinition> _questions = taxonomy.Questions
        .GroupBy(q => q.Id).ToDictionary(g => g.Key, g => g.First());

    private readonly IReadOnlyList<AttributeDefinition> _projectAttributes = taxonomy.ProjectAttributes;

    private readonly int _imageWidth = imageWidth > 0 ? imageWidth : throw new ArgumentOutOfRangeException(nameof(imageWidth));

    private readonly int _imageHeight = imageHeight > 0 ? imageHeight : throw new ArgumentOutOfRangeException(nameof(imageHeight));

    /// <summary>
    /// Checks <paramref name="op"/>. <paramref name="target"/> is the region with the operation's region id on this
    /// annotation set (deleted ones included), or null when there is none; it is ignored for answers.
    /// </summary>
    /// <remarks>
    /// Create: no live region with that id (a deleted one is restored, its label may since have been deprecated);
    /// the label exists, is not deprecated and allows the kind. Update: the region is live, the base revision is
    /// current, a locked region only changes Locked and Hidden, a new label allows the kind (and for keypoints has a
    /// skeleton of the same size). When the label changes without new attributes, the values that do not apply to the
    /// new label are dropped and the returned update sets the remaining ones, so undo restores them. Delete: the region
    /// is live, unlocked, and the base revision is current. Answer: the question exists and the value fits it.
    /// </remarks>
    /// <returns>The operation with canonical JSON.</returns>
    /// <exception cref="DomainException">The operation is refused.</exception>
    public EditOperation Validate(EditOperation op, Region? target)
    {
        ArgumentNullException.ThrowIfNull(op);
        return op switch
        {
            CreateRegionOp create => ValidateCreate(create, Matching(target, create.Region.Id)),
            UpdateRegionOp update => ValidateUpdate(update, Matching(target, update.RegionId)),
            DeleteRegionOp delete => ValidateDelete(delete, Matching(target, delete.RegionId)),
            AnswerOp answer => ValidateAnswer(answer),
            _ => throw new ArgumentOutOfRangeException(nameof(op), op.GetType().Name, "Unknown operation."),
        };
    }

    private static Region? Matching(Region? target, Guid regionId) =>
        target is null || target.Id == regionId
            ? target
            : throw new ArgumentException($"The target is region {target.Id}, not {regionId}.", nameof(target));

    private CreateRegionOp ValidateCreate(CreateRegionOp create, Region? target)
    {
        var region = create.Region;
        target?.EnsureCanRestore(region);
        var label = Label(region.LabelId);
        if (label.Deprecated && target is null)
        {
            throw new DomainException($"Label '{label.Name}' is deprecated; new regions need another label.");
        }
        EnsureAllows(label, region.Kind);
        var geometry = NormalizeGeometry(region.Kind, region.Geometry, label);
        // A new region starts with the taxonomy's defaults for what it does not set; a restored one keeps what it had.
        var given = target is null ? AttributeValues.WithDefaults(region.Attributes, AttributesOf(label)) : region.Attributes;
        var attributes = AttributeValues.Normalize(given, AttributesOf(label), label.Name);
        return create with { Region = region with { Geometry = geometry, Attributes = attributes } };
    }

    private UpdateRegionOp ValidateUpdate(UpdateRegionOp update, Region? target)
    {
        var region = Live(target);
        var set = update.Set;
        EnsureMergeable(region, update.BaseRevision, set);
        region.EnsureCanApply(set);

        var newLabel = set.LabelId is { } labelId ? Label(labelId) : null;
        if (newLabel is not null)
        {
            EnsureAllows(newLabel, region.Kind);
            if (region.Kind == ShapeKind.Keypoints && set.Geometry is null)
            {
                var points = ((KeypointsShape)ShapeGeometry.Parse(ShapeKind.Keypoints, region.Geometry)).PointCount;
                var skeletonPoints = newLabel.Skeleton?.Points.Count ?? 0;
                if (skeletonPoints != points)
                {
                    throw new DomainException(
                        $"Label '{newLabel.Name}' has a skeleton of {skeletonPoints} points; this region has {points}.");
                }
            }
        }

        var needsLabel = set.Attributes is not null || (set.Geometry is not null && region.Kind == ShapeKind.Keypoints);
        var label = newLabel ?? (_labels.TryGetValue(region.LabelId, out var current) ? current : null);
        if (needsLabel && label is null)
        {
            throw new DomainException("This region's label is no longer in the taxonomy; give it another label first.");
        }

        var geometry = set.Geometry is null ? null : NormalizeGeometry(region.Kind, set.Geometry, label);
        var attributes = set.Attributes is not null
            ? AttributeValues.Normalize(set.Attributes, AttributesOf(label!), label!.Name)
            : newLabel is not null
                ? Retained(region.Attributes, newLabel)
                : null;
        return update with { Set = set with { Geometry = geometry, Attributes = attributes } };
    }

    private string? Retained(string attributes, LabelDefinition newLabel)
    {
        var kept = AttributeValues.Retain(attributes, AttributesOf(newLabel));
        return kept == attributes ? null : kept;
    }

    private DeleteRegionOp ValidateDelete(DeleteRegionOp delete, Region? target)
    {
        var region = Live(target);
        EnsureRevision(region, delete.BaseRevision);
        region.EnsureCanDelete();
        return delete;
    }

    private AnswerOp ValidateAnswer(AnswerOp answer)
    {
        if (!_questions.TryGetValue(answer.QuestionId, out var question))
        {
            throw new DomainException("This question is not in the project's taxonomy.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(answer.ValueJson);
        }
        catch (JsonException)
        {
            throw new DomainException("The answer is not valid JSON.");
        }
        using (document)
        {
            var value = document.RootElement;
            if (value.ValueKind == JsonValueKind.Null)
            {
                return answer with { ValueJson = "null" };
            }
            if (!question.Multiple)
            {
                if (value.ValueKind != JsonValueKind.String)
                {
                    throw new DomainException($"'{question.Text}' takes one option or none.");
                }
                EnsureOption(question, value);
            }
            else
            {
                if (value.ValueKind != JsonValueKind.Array)
                {
                    throw new DomainException($"'{question.Text}' takes a list of options or none.");
                }
                var chosen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var item in value.EnumerateArray())
                {
                    if (!chosen.Add(EnsureOption(question, item)))
                    {
                        throw new DomainException($"'{item.GetString()}' is chosen twice for '{question.Text}'.");
                    }
                }
            }
            return answer with { ValueJson = OperationJson.Compacted(value) };
        }
    }

    private static string EnsureOption(QuestionDefinition question, JsonElement value)
    {
        var option = value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText();
        return value.ValueKind == JsonValueKind.String && question.Options.Contains(option)
            ? option
            : throw new DomainException(
                $"'{option}' is not an option of '{question.Text}'; choose among: {string.Join(", ", question.Options)}.");
    }

    private static Region Live(Region? target)
    {
        if (target is null)
        {
            throw new DomainException("This region does not exist.");
        }
        return target.IsDeleted ? throw new DomainException("This region was deleted.", EditConflict.Deleted) : target;
    }

    private static void EnsureRevision(Region region, int baseRevision)
    {
        if (region.Revision != baseRevision)
        {
            throw new DomainException(
                $"This region was changed by someone else (revision {region.Revision}, you edited {baseRevision}).",
                EditConflict.Changed);
        }
    }

    /// <summary>
    /// An update made on an older revision is merged when nobody changed the fields it sets since (a label change and a
    /// move made at the same time both stay); when they did, it is refused: nobody's work is silently overwritten.
    /// </summary>
    private static void EnsureMergeable(Region region, int baseRevision, RegionChanges changes)
    {
        if (baseRevision == region.Revision)
        {
            return;
        }
        if (baseRevision <= 0 || baseRevision > region.Revision)
        {
            throw new DomainException(
                $"This region is at revision {region.Revision}; the update was made on revision {baseRevision}, which it never had.");
        }
        var overlaps = region.ChangedSince(baseRevision, changes);
        if (overlaps.Count > 0)
        {
            throw new DomainException(
                $"Someone else changed this region's {string.Join(" and ", overlaps)} while you were editing it "
                + $"(revision {region.Revision}, you edited {baseRevision}); your change was not applied.",
                EditConflict.Changed);
        }
    }

    private LabelDefinition Label(Guid labelId) =>
        _labels.TryGetValue(labelId, out var label)
            ? label
            : throw new DomainException(UnknownLabel);

    private static void EnsureAllows(LabelDefinition label, ShapeKind kind)
    {
        if (!label.ShapeKinds.Contains(kind))
        {
            throw new DomainException(
                $"Label '{label.Name}' does not allow {ShapeKindNames.ToWords(kind)} shapes; it allows: "
                + $"{string.Join(", ", label.ShapeKinds.Select(ShapeKindNames.ToWords))}.");
        }
    }

    private string NormalizeGeometry(ShapeKind kind, string geometryJson, LabelDefinition? label)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(geometryJson);
        }
        catch (JsonException)
        {
            throw new DomainException("The geometry is not valid JSON.");
        }
        using (document)
        {
            var keypointCount = kind == ShapeKind.Keypoints ? label?.Skeleton?.Points.Count : null;
            return ShapeGeometry.Normalize(kind, document.RootElement, _imageWidth, _imageHeight, keypointCount);
        }
    }

    private IReadOnlyList<AttributeDefinition> AttributesOf(LabelDefinition label) => [.. label.Attributes, .. _projectAttributes];
}
