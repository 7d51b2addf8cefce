using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Annotator.Core.Geometry;

/// <summary>
/// Reads, checks and writes region geometry JSON as docs/workspace-protocol.md defines it. <see cref="Normalize"/> is
/// the single gate every geometry passes before it is stored; <see cref="Parse"/> reads stored (canonical) JSON back
/// into a <see cref="Shape"/>.
/// </summary>
public static class ShapeGeometry
{
    /// <summary>The most vertices a polygon or polyline may have.</summary>
    public const int MaxVertices = 10_000;

    /// <summary>How far (in pixels) a point may lie outside the image before it is refused; absorbs float rounding.</summary>
    public const double Tolerance = 0.01;

    /// <summary>
    /// Checks <paramref name="geometry"/> as a shape of <paramref name="kind"/> on a
    /// <paramref name="imageWidth"/> × <paramref name="imageHeight"/> image and returns it as canonical compact JSON:
    /// properties in protocol order, angles normalised to (-180, 180], a polygon's repeated closing vertex dropped,
    /// mask runs merged to the shortest equivalent form. Coordinates within <see cref="Tolerance"/> outside the image
    /// are kept as sent, not clamped.
    /// </summary>
    /// <param name="kind">The region's shape kind.</param>
    /// <param name="geometry">The geometry object.</param>
    /// <param name="imageWidth">Width of the displayed image.</param>
    /// <param name="imageHeight">Height of the displayed image.</param>
    /// <param name="keypointCount">For keypoints, the skeleton's point count; null accepts any whole number of points.</param>
    /// <exception cref="DomainException">The geometry breaks a rule; the message names it.</exception>
    public static string Normalize(ShapeKind kind, JsonElement geometry, int imageWidth, int imageHeight, int? keypointCount = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageWidth);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(imageHeight);
        var shape = Read(kind, geometry, keypointCount);
        if (shape is MaskShape mask)
        {
            if (mask.Height != imageHeight || mask.Width != imageWidth)
            {
                throw new DomainException(
                    $"The mask is {mask.Width}×{mask.Height} pixels but the image is {imageWidth}×{imageHeight}.");
            }
        }
        else
        {
            CheckBounds(shape, imageWidth, imageHeight);
        }
        return Write(shape);
    }

    /// <summary>Reads geometry JSON (normally the canonical form <see cref="Normalize"/> wrote) into a typed shape.</summary>
    /// <exception cref="DomainException">The JSON is not a valid shape of that kind.</exception>
    public static Shape Parse(ShapeKind kind, string canonicalJson)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(canonicalJson);
        }
        catch (JsonException)
        {
            throw new DomainException($"The {ShapeKindNames.ToWords(kind)} geometry is not valid JSON.");
        }
        using (document)
        {
            return Read(kind, document.RootElement, null);
        }
    }

    /// <summary>Writes a shape as canonical compact JSON (no checks beyond what the shape's type holds).</summary>
    public static string Write(Shape shape)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            switch (shape)
            {
                case BoxShape box:
                    WriteNumbers(writer, ("x", box.X), ("y", box.Y), ("w", box.W), ("h", box.H));
                    break;
                case RotatedBoxShape rotated:
                    WriteNumbers(writer, ("cx", rotated.Cx), ("cy", rotated.Cy), ("w", rotated.W), ("h", rotated.H),
                        ("angle", rotated.Angle));
                    break;
                case PolygonShape polygon:
                    WriteArray(writer, "points", polygon.Points);
                    break;
                case PolylineShape polyline:
                    WriteArray(writer, "points", polyline.Points);
                    break;
                case PointShape point:
                    WriteNumbers(writer, ("x", point.X), ("y", point.Y));
                    break;
                case EllipseShape ellipse:
                    WriteNumbers(writer, ("cx", ellipse.Cx), ("cy", ellipse.Cy), ("rx", ellipse.Rx), ("ry", ellipse.Ry),
                        ("angle", ellipse.Angle));
                    break;
                case KeypointsShape keypoints:
                    WriteArray(writer, "points", keypoints.Points);
                    break;
                case MaskShape mask:
                    writer.WriteStartArray("size");
                    writer.WriteNumberValue(mask.Height);
                    writer.WriteNumberValue(mask.Width);
                    writer.WriteEndArray();
                    writer.WriteStartArray("counts");
                    foreach (var count in mask.Counts)
                    {
                        writer.WriteNumberValue(count);
                    }
                    writer.WriteEndArray();
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(shape), shape.GetType().Name, "Unknown shape.");
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    /// <summary>Normalises an angle in degrees to (-180, 180].</summary>
    public static double NormalizeAngle(double degrees)
    {
        var angle = degrees % 360;
        if (angle <= -180)
        {
            angle += 360;
        }
        else if (angle > 180)
        {
            angle -= 360;
        }
        return angle + 0.0; // turns -0 into 0
    }

    private static Shape Read(ShapeKind kind, JsonElement geometry, int? keypointCount)
    {
        var subject = $"The {ShapeKindNames.ToWords(kind)} geometry";
        switch (kind)
        {
            case ShapeKind.Box:
            {
                var fields = new JsonFields(geometry, subject, "x", "y", "w", "h");
                return new BoxShape(fields.Number("x"), fields.Number("y"), Positive(fields, "box", "w"), Positive(fields, "box", "h"));
            }
            case ShapeKind.RotatedBox:
            {
                var fields = new JsonFields(geometry, subject, "cx", "cy", "w", "h", "angle");
                return new RotatedBoxShape(fields.Number("cx"), fields.Number("cy"), Positive(fields, "rotated box", "w"),
                    Positive(fields, "rotated box", "h"), NormalizeAngle(fields.Number("angle")));
            }
            case ShapeKind.Polygon:
            {
                var points = new List<double>(VertexPoints(new JsonFields(geometry, subject, "points"), "polygon"));
                if (points.Count >= 4 && points[0] == points[^2] && points[1] == points[^1])
                {
                    points.RemoveRange(points.Count - 2, 2); // closed explicitly: the protocol closes implicitly
                }
                CheckVertexCount("polygon", points.Count / 2, 3);
                return new PolygonShape(points);
            }
            case ShapeKind.Polyline:
            {
                var points = VertexPoints(new JsonFields(geometry, subject, "points"), "polyline");
                CheckVertexCount("polyline", points.Length / 2, 2);
                return new PolylineShape(points);
            }
            case ShapeKind.Point:
            {
                var fields = new JsonFields(geometry, subject, "x", "y");
                return new PointShape(fields.Number("x"), fields.Number("y"));
            }
            case ShapeKind.Ellipse:
            {
                var fields = new JsonFields(geometry, subject, "cx", "cy", "rx", "ry", "angle");
                return new EllipseShape(fields.Number("cx"), fields.Number("cy"), Positive(fields, "ellipse", "rx"),
                    Positive(fields, "ellipse", "ry"), NormalizeAngle(fields.Number("angle")));
            }
            case ShapeKind.Keypoints:
                return ReadKeypoints(new JsonFields(geometry, subject, "points"), keypointCount);
            case ShapeKind.Mask:
                return ReadMask(new JsonFields(geometry, subject, "size", "counts"));
            default:
                throw new DomainException($"Unknown shape kind {(int)kind}.");
        }
    }

    private static double Positive(JsonFields fields, string noun, string name)
    {
        var value = fields.Number(name);
        return value > 0
            ? value
            : throw new DomainException($"The {noun}'s '{name}' must be greater than 0; it is {JsonFields.Show(value)}.");
    }

    private static double[] Numbers(JsonElement array, string name)
    {
        var numbers = new double[array.GetArrayLength()];
        var i = 0;
        foreach (var item in array.EnumerateArray())
        {
            numbers[i] = JsonFields.FiniteNumber(item, $"Value {i + 1} of '{name}'");
            i++;
        }
        return numbers;
    }

    private static double[] VertexPoints(JsonFields fields, string noun)
    {
        var array = fields.Array("points");
        var length = array.GetArrayLength();
        if (length % 2 != 0)
        {
            throw new DomainException(
                $"A {noun}'s points come in x, y pairs, so their count must be even; this one has {length} numbers.");
        }
        // Checked before reading so an enormous array is refused without parsing every number.
        if (length / 2 > MaxVertices)
        {
            throw new DomainException(
                $"A {noun} may have at most {Count(MaxVertices)} vertices; this one has {Count(length / 2)}.");
        }
        return Numbers(array, "points");
    }

    private static string Count(int value) => value.ToString("N0", CultureInfo.InvariantCulture);

    private static void CheckVertexCount(string noun, int vertices, int minimum)
    {
        if (vertices < minimum)
        {
            throw new DomainException($"A {noun} needs at least {minimum} vertices; this one has {vertices}.");
        }
    }

    private static KeypointsShape ReadKeypoints(JsonFields fields, int? keypointCount)
    {
        var array = fields.Array("points");
        var length = array.GetArrayLength();
        if (keypointCount is { } expected && length != 3 * expected)
        {
            throw new DomainException(
                $"The keypoints need {3 * expected} numbers ({expected} points × x, y, v); these have {length}.");
        }
        if (length == 0 || length % 3 != 0)
        {
            throw new DomainException($"Keypoints come in x, y, v triplets; these have {length} numbers.");
        }
        var points = Numbers(array, "points");
        var labeled = 0;
        for (var i = 0; i < points.Length / 3; i++)
        {
            double x = points[3 * i], y = points[3 * i + 1], v = points[3 * i + 2];
            if (v is not (0 or 1 or 2))
            {
                throw new DomainException($"Keypoint {i + 1} has visibility {JsonFields.Show(v)}; it must be 0, 1 or 2.");
            }
            if (v == 0 && (x != 0 || y != 0))
            {
                throw new DomainException($"Keypoint {i + 1} is not labeled (v = 0), so it must be at (0, 0).");
            }
            if (v > 0)
            {
                labeled++;
            }
        }
        return labeled > 0
            ? new KeypointsShape(points)
            : throw new DomainException("At least one keypoint must be labeled (v = 1 or 2).");
    }

    private static MaskShape ReadMask(JsonFields fields)
    {
        var size = fields.Array("size");
        var dimensions = size.EnumerateArray()
            .Select(d => d.ValueKind == JsonValueKind.Number && d.TryGetInt32(out var n) && n > 0 ? n : -1)
            .ToArray();
        if (dimensions.Length != 2 || dimensions.Any(d => d < 0))
        {
            throw new DomainException("The mask's 'size' must be [height, width], two whole numbers above 0.");
        }
        int height = dimensions[0], width = dimensions[1];

        var runs = new List<int>();
        long total = 0, set = 0;
        var index = 0;
        foreach (var item in fields.Array("counts").EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number || !item.TryGetInt32(out var run) || run < 0)
            {
                throw new DomainException($"Run {index + 1} of the mask's 'counts' is not a whole number of 0 or more.");
            }
            total += run;
            if (index % 2 == 1)
            {
                set += run;
            }
            AppendRun(runs, index % 2 == 1, run);
            index++;
        }
        if (total != (long)height * width)
        {
            throw new DomainException(
                $"The mask's runs cover {total} pixels, but a {width}×{height} mask has {(long)height * width}.");
        }
        return set > 0
            ? new MaskShape(height, width, runs)
            : throw new DomainException("The mask is empty; paint at least one pixel.");
    }

    /// <summary>Appends a run to the shortest form: no empty runs except a leading run of zeros.</summary>
    private static void AppendRun(List<int> runs, bool ones, int length)
    {
        if (length == 0)
        {
            return;
        }
        if (runs.Count == 0)
        {
            if (ones)
            {
                runs.Add(0);
            }
            runs.Add(length);
            return;
        }
        var lastIsOnes = runs.Count % 2 == 0;
        if (lastIsOnes == ones)
        {
            runs[^1] += length;
        }
        else
        {
            runs.Add(length);
        }
    }

    private static void CheckBounds(Shape shape, int width, int height)
    {
        var bounds = shape.Bounds;
        var subject = shape.Kind == ShapeKind.Keypoints ? "A keypoint reaches" : $"The {ShapeKindNames.ToWords(shape.Kind)} reaches";
        if (bounds.X < -Tolerance)
        {
            throw OutOfImage(subject, "x", bounds.X, width);
        }
        if (bounds.Right > width + Tolerance)
        {
            throw OutOfImage(subject, "x", bounds.Right, width);
        }
        if (bounds.Y < -Tolerance)
        {
            throw OutOfImage(subject, "y", bounds.Y, height);
        }
        if (bounds.Bottom > height + Tolerance)
        {
            throw OutOfImage(subject, "y", bounds.Bottom, height);
        }
    }

    private static DomainException OutOfImage(string subject, string axis, double value, int limit) =>
        new($"{subject} {axis} = {JsonFields.Show(value)}, outside the image (0–{limit.ToString(CultureInfo.InvariantCulture)}).");

    private static void WriteNumbers(Utf8JsonWriter writer, params (string Name, double Value)[] values)
    {
        foreach (var (name, value) in values)
        {
            writer.WriteNumber(name, value);
        }
    }

    private static void WriteArray(Utf8JsonWriter writer, string name, IReadOnlyList<double> values)
    {
        writer.WriteStartArray(name);
        foreach (var value in values)
        {
            writer.WriteNumberValue(value);
        }
        writer.WriteEndArray();
    }
}
