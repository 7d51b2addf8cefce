using System.Text.Json.Nodes;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;

namespace Annotator.Web.Workspace;

/// <summary>The labels as the canvas takes them (its options' <c>labels</c>, and <c>setLabels</c>).</summary>
public static class LabelJson
{
    /// <summary>Every label of the taxonomy (deprecated ones too: existing regions still draw with them), as a JSON array.</summary>
    public static string Of(TaxonomyDefinition? taxonomy) =>
        new JsonArray((taxonomy?.Labels ?? []).Select(l => (JsonNode?)Of(l)).ToArray()).ToJsonString();

    /// <summary>One label.</summary>
    public static JsonNode Of(LabelDefinition label)
    {
        ArgumentNullException.ThrowIfNull(label);
        return new JsonObject
        {
            ["id"] = label.Id,
            ["name"] = label.Name,
            ["color"] = label.Color,
            ["hotkey"] = label.Hotkey,
            ["deprecated"] = label.Deprecated,
            ["shapeKinds"] = new JsonArray(label.ShapeKinds.Select(k => (JsonNode?)ShapeKindNames.ToJson(k)).ToArray()),
            ["skeleton"] = label.Skeleton is not { } skeleton ? null : new JsonObject
            {
                ["points"] = new JsonArray(skeleton.Points.Select(p => (JsonNode?)p).ToArray()),
                ["edges"] = new JsonArray(skeleton.Edges.Select(e => (JsonNode?)new JsonArray(e[0], e[1])).ToArray()),
                ["layout"] = skeleton.Layout is null ? null : new JsonArray(skeleton.Layout.Select(p => (JsonNode?)new JsonArray(p[0], p[1])).ToArray()),
            },
        };
    }
}
