namespace Annotator.Core.Geometry;

/// <summary>
/// A parsed region geometry in image pixels (see docs/workspace-protocol.md). Shapes come from
/// <see cref="ShapeGeometry.Parse"/>; the JSON stays the stored form.
/// </summary>
public abstract record Shape
{
    private protected Shape() { }

    /// <summary>The kind of shape.</summary>
    public abstract ShapeKind Kind { get; }

    /// <summary>Area in square pixels; 0 for shapes without an inside (point, polyline, keypoints).</summary>
    public abstract double Area { get; }

    /// <summary>The axis-aligned rectangle around the shape (around the labeled points, for keypoints).</summary>
    public abstract Bounds Bounds { get; }

    private protected static IEnumerable<(double X, double Y)> Pairs(IReadOnlyList<double> points)
    {
        for (var i = 0; i + 1 < points.Count; i += 2)
        {
            yield return (points[i], points[i + 1]);
        }
    }
}

/// <summary>An axis-aligned box.</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="W">Width, greater than 0.</param>
/// <param name="H">Height, greater than 0.</param>
public sealed record BoxShape(double X, double Y, double W, double H) : Shape
{
    /// <inheritdoc />
    public override ShapeKind Kind => ShapeKind.Box;

    /// <inheritdoc />
    public override double Area => W * H;

    /// <inheritdoc />
    public override Bounds Bounds => new(X, Y, W, H);
}

/// <summary>A box rotated about its centre.</summary>
/// <param name="Cx">Centre x.</param>
/// <param name="Cy">Centre y.</param>
/// <param name="W">Width before rotation, greater than 0.</param>
/// <param name="H">Height before rotation, greater than 0.</param>
/// <param name="Angle">Degrees, clockwise on screen (y grows down), in (-180, 180].</param>
public sealed record RotatedBoxShape(double Cx, double Cy, double W, double H, double Angle) : Shape
{
    /// <inheritdoc />
    public override ShapeKind Kind => ShapeKind.RotatedBox;

    /// <inheritdoc />
    public override double Area => W * H;

    /// <inheritdoc />
    public override Bounds Bounds => Bounds.Around(Corners());

    /// <summary>
    /// The four corners: the unrotated top-left, top-right, bottom-right and bottom-left, each turned by
    /// <see cref="Angle"/> about the centre.
    /// </summary>
    public (double X, double Y)[] Corners()
    {
        var radians = Angle * Math.PI / 180;
        double cos = Math.Cos(radians), sin = Math.Sin(radians);
        double hw = W / 2, hh = H / 2;
        (double X, double Y) Turn(double dx, double dy) => (Cx + dx * cos - dy * sin, Cy + dx * sin + dy * cos);
        return [Turn(-hw, -hh), Turn(hw, -hh), Turn(hw, hh), Turn(-hw, hh)];
    }
}

/// <summary>A closed polygon; the last vertex joins the first.</summary>
/// <param name="Points">x0, y0, x1, y1, … (3 to <see cref="ShapeGeometry.MaxVertices"/> vertices).</param>
public sealed record PolygonShape(IReadOnlyList<double> Points) : Shape
{
    /// <inheritdoc />
    public override ShapeKind Kind => ShapeKind.Polygon;

    /// <summary>The number of vertices.</summary>
    public int VertexCount => Points.Count / 2;

    /// <summary>Area by the shoelace formula (self-intersecting polygons count signed parts against each other).</summary>
    public override double Area
    {
        get
        {
            var twice = 0.0;
            var n = VertexCount;
            for (var i = 0; i < n; i++)
            {
                var j = (i + 1) % n;
                twice += Points[2 * i] * Points[2 * j + 1] - Points[2 * j] * Points[2 * i + 1];
            }
            return Math.Abs(twice) / 2;
        }
    }

    /// <inheritdoc />
    public override Bounds Bounds => Bounds.Around(Pairs(Points));
}

/// <summary>An open polyline.</summary>
/// <param name="Points">x0, y0, x1, y1, … (2 to <see cref="ShapeGeometry.MaxVertices"/> vertices).</param>
public sealed record PolylineShape(IReadOnlyList<double> Points) : Shape
{
    /// <inheritdoc />
    public override ShapeKind Kind => ShapeKind.Polyline;

    /// <summary>The number of vertices.</summary>
    public int VertexCount => Points.Count / 2;

    /// <inheritdoc />
    public override double Area => 0;

    /// <inheritdoc />
    public override Bounds Bounds => Bounds.Around(Pairs(Points));
}

/// <summary>A single point.</summary>
/// <param name="X">x.</param>
/// <param name="Y">y.</param>
public sealed record PointShape(double X, double Y) : Shape
{
    /// <inheritdoc />
    public override ShapeKind Kind => ShapeKind.Point;

    /// <inheritdoc />
    public override double Area => 0;

    /// <inheritdoc />
    public override Bounds Bounds => new(X, Y, 0, 0);
}

/// <summary>An ellipse, rotatable about its centre.</summary>
/// <param name="Cx">Centre x.</param>
/// <param name="Cy">Centre y.</param>
/// <param name="Rx">Radius along its own x axis, greater than 0.</param>
/// <param name="Ry">Radius along its own y axis, greater than 0.</param>
/// <param name="Angle">Degrees, clockwise on screen (y grows down), in (-180, 180].</param>
public sealed record EllipseShape(double Cx, double Cy, double Rx, double Ry, double Angle) : Shape
{
    /// <inheritdoc />
    public override ShapeKind Kind => ShapeKind.Ellipse;

    /// <inheritdoc />
    public override double Area => Math.PI * Rx * Ry;

    /// <summary>The axis-aligned extent of the rotated ellipse (tight, not the box around its rotated bounding box).</summary>
    public override Bounds Bounds
    {
        get
        {
            var radians = Angle * Math.PI / 180;
            double cos = Math.Cos(radians), sin = Math.Sin(radians);
            var halfWidth = Math.Sqrt(Rx * Rx * cos * cos + Ry * Ry * sin * sin);
            var halfHeight = Math.Sqrt(Rx * Rx * sin * sin + Ry * Ry * cos * cos);
            return new Bounds(Cx - halfWidth, Cy - halfHeight, 2 * halfWidth, 2 * halfHeight);
        }
    }
}

/// <summary>Keypoints in skeleton order, COCO style.</summary>
/// <param name="Points">x, y, v triplets; v is 0 (not labeled, at 0,0), 1 (labeled, occluded) or 2 (visible).</param>
public sealed record KeypointsShape(IReadOnlyList<double> Points) : Shape
{
    /// <inheritdoc />
    public override ShapeKind Kind => ShapeKind.Keypoints;

    /// <summary>The number of keypoints (labeled or not).</summary>
    public int PointCount => Points.Count / 3;

    /// <summary>The number of keypoints with v &gt; 0.</summary>
    public int LabeledCount => Enumerable.Range(0, PointCount).Count(i => Points[3 * i + 2] > 0);

    /// <inheritdoc />
    public override double Area => 0;

    /// <summary>The rectangle around the labeled keypoints (v &gt; 0).</summary>
    public override Bounds Bounds => Bounds.Around(Enumerable.Range(0, PointCount)
        .Where(i => Points[3 * i + 2] > 0)
        .Select(i => (Points[3 * i], Points[3 * i + 1])));
}

/// <summary>A mask as COCO uncompressed RLE (column-major runs, starting with zeros), the size of the image.</summary>
/// <param name="Height">Image height.</param>
/// <param name="Width">Image width.</param>
/// <param name="Counts">Run lengths; see <see cref="CocoRle"/>.</param>
public sealed record MaskShape(int Height, int Width, IReadOnlyList<int> Counts) : Shape
{
    /// <inheritdoc />
    public override ShapeKind Kind => ShapeKind.Mask;

    /// <summary>The number of set pixels.</summary>
    public override double Area => CocoRle.Area(Counts);

    /// <summary>The pixel rectangle around the set pixels.</summary>
    public override Bounds Bounds => CocoRle.BoundsOf(Counts, Width, Height) ?? default;
}
