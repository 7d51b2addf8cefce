namespace Annotator.Core.Geometry;

/// <summary>An axis-aligned rectangle in image pixels: top-left corner and size.</summary>
/// <param name="X">Left edge.</param>
/// <param name="Y">Top edge.</param>
/// <param name="Width">Width (0 for a point).</param>
/// <param name="Height">Height (0 for a point).</param>
public readonly record struct Bounds(double X, double Y, double Width, double Height)
{
    /// <summary>Right edge.</summary>
    public double Right => X + Width;

    /// <summary>Bottom edge.</summary>
    public double Bottom => Y + Height;

    /// <summary>The smallest rectangle holding every point; empty input gives an empty rectangle at the origin.</summary>
    public static Bounds Around(IEnumerable<(double X, double Y)> points)
    {
        double minX = double.PositiveInfinity, minY = double.PositiveInfinity;
        double maxX = double.NegativeInfinity, maxY = double.NegativeInfinity;
        foreach (var (x, y) in points)
        {
            minX = Math.Min(minX, x);
            minY = Math.Min(minY, y);
            maxX = Math.Max(maxX, x);
            maxY = Math.Max(maxY, y);
        }
        return double.IsPositiveInfinity(minX) ? default : new Bounds(minX, minY, maxX - minX, maxY - minY);
    }
}
