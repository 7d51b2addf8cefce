using System.Text.Json.Nodes;
using Annotator.Core.Annotations;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;

namespace Annotator.Web.Workspace;

/// <summary>A region as the side panel shows it.</summary>
/// <param name="Id">Stable id.</param>
/// <param name="LabelId">Its label.</param>
/// <param name="Kind">Its shape kind.</param>
/// <param name="Attributes">Attribute values (JSON object keyed by attribute id).</param>
/// <param name="ZOrder">Drawing order.</param>
/// <param name="Hidden">Hidden from the canvas.</param>
/// <param name="Locked">Locked against edits.</param>
/// <param name="Revision">Current revision.</param>
/// <param name="Incomplete">A required attribute has no value.</param>
/// <param name="Flags">Why it needs attention under the current taxonomy (deprecated or split label, values that no longer fit).</param>
/// <param name="Keypoints">For a keypoints region, the COCO visibility of each point in skeleton order (2 visible,
/// 1 occluded, 0 not labelled); null for other kinds.</param>
public sealed record RegionItem(Guid Id, Guid LabelId, ShapeKind Kind, string Attributes, int ZOrder, bool Hidden, bool Locked,
    int Revision, bool Incomplete, IReadOnlyList<string> Flags, IReadOnlyList<int>? Keypoints = null)
{
    /// <summary>Builds the panel's view of a region.</summary>
    public static RegionItem From(RegionData data, int revision, TaxonomyDefinition? taxonomy) =>
        new(data.Id, data.LabelId, data.Kind, data.Attributes, data.ZOrder, data.Hidden, data.Locked, revision,
            taxonomy is not null && RequiredAttributes.AreMissing(taxonomy, data.LabelId, data.Attributes),
            taxonomy is null ? [] : RegionFlags.Of(taxonomy, data.LabelId, data.Attributes),
            data.Kind == ShapeKind.Keypoints ? VisibilityOf(data.Geometry) : null);

    /// <summary>The visibility flags of a keypoints geometry (<c>{"points": [x, y, v, …]}</c>).</summary>
    private static int[] VisibilityOf(string geometry)
    {
        if (JsonNode.Parse(geometry)?["points"] is not JsonArray points)
        {
            return [];
        }
        var flags = new int[points.Count / 3];
        for (var i = 0; i < flags.Length; i++)
        {
            flags[i] = points[3 * i + 2] is JsonValue v && v.TryGetValue<double>(out var f) ? (int)f : 0;
        }
        return flags;
    }

    /// <summary>Whether its label was split, so it waits to be relabeled.</summary>
    public bool NeedsRelabel(TaxonomyDefinition? taxonomy) => taxonomy is not null && RegionFlags.NeedsRelabel(taxonomy, LabelId);

    /// <summary>The attribute values by attribute id.</summary>
    public JsonObject AttributeValues() => JsonNode.Parse(Attributes) as JsonObject ?? [];
}
