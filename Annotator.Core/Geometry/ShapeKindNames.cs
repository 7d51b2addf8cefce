namespace Annotator.Core.Geometry;

/// <summary>The names of <see cref="ShapeKind"/> in JSON (camelCase, as in the workspace protocol) and in messages.</summary>
public static class ShapeKindNames
{
    private static readonly Dictionary<string, ShapeKind> ByJsonName = Enum.GetValues<ShapeKind>()
        .ToDictionary(ToJson, kind => kind, StringComparer.Ordinal);

    /// <summary>The protocol name: "box", "rotatedBox", "polygon", "polyline", "point", "ellipse", "keypoints", "mask".</summary>
    public static string ToJson(ShapeKind kind) => kind switch
    {
        ShapeKind.Box => "box",
        ShapeKind.RotatedBox => "rotatedBox",
        ShapeKind.Polygon => "polygon",
        ShapeKind.Polyline => "polyline",
        ShapeKind.Point => "point",
        ShapeKind.Ellipse => "ellipse",
        ShapeKind.Keypoints => "keypoints",
        ShapeKind.Mask => "mask",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, "Unknown shape kind."),
    };

    /// <summary>Reads a protocol name (exact, case-sensitive).</summary>
    public static bool TryParse(string? name, out ShapeKind kind) =>
        ByJsonName.TryGetValue(name ?? "", out kind);

    /// <summary>The kind in words for messages: "box", "rotated box", "keypoints"….</summary>
    public static string ToWords(ShapeKind kind) => kind switch
    {
        ShapeKind.RotatedBox => "rotated box",
        _ => ToJson(kind),
    };
}
