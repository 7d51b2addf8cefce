using System.Collections.Frozen;

namespace Annotator.Core.Taxonomy;

/// <summary>
/// The single keys the labeling workspace keeps for itself: the tools (select, box, rotated box, polygon, freehand,
/// polyline, point, ellipse, keypoints, brush, eraser), next image and hide. A label hotkey must not be one of them:
/// the workspace would either shadow the tool or never reach the label.
/// </summary>
public static class WorkspaceKeys
{
    /// <summary>The reserved keys, lower case; lookups ignore case.</summary>
    public static IReadOnlySet<string> Reserved { get; } =
        new[] { "v", "b", "r", "p", "f", "l", "t", "e", "k", "m", "x", "n", "h" }.ToFrozenSet(StringComparer.OrdinalIgnoreCase);

    /// <summary>Whether <paramref name="key"/> is a workspace key (case-insensitive).</summary>
    public static bool IsReserved(string key) => Reserved.Contains(key);
}
