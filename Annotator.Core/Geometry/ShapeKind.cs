namespace Annotator.Core.Geometry;

/// <summary>The kinds of region a label can allow.</summary>
public enum ShapeKind
{
    /// <summary>Axis-aligned box.</summary>
    Box = 1,

    /// <summary>Box rotated about its centre.</summary>
    RotatedBox = 2,

    /// <summary>Closed polygon.</summary>
    Polygon = 3,

    /// <summary>Open polyline.</summary>
    Polyline = 4,

    /// <summary>Single point.</summary>
    Point = 5,

    /// <summary>Ellipse (rotatable).</summary>
    Ellipse = 6,

    /// <summary>Keypoints from the label's skeleton, each with COCO visibility 0/1/2.</summary>
    Keypoints = 7,

    /// <summary>A brushed mask stored as COCO RLE in image pixels.</summary>
    Mask = 8,
}
