using System.Text.Json;
using Annotator.Core;
using Annotator.Core.Geometry;

namespace Annotator.Tests.Core.Geometry;

public sealed class ShapeGeometryNormalize
{
    private const int Width = 800;
    private const int Height = 600;

    private static string Normalize(ShapeKind kind, string json, int? keypointCount = null)
    {
        using var document = JsonDocument.Parse(json);
        return ShapeGeometry.Normalize(kind, document.RootElement, Width, Height, keypointCount);
    }

    private static string Refusal(ShapeKind kind, string json, int? keypointCount = null) =>
        Assert.Throws<DomainException>(() => Normalize(kind, json, keypointCount)).Message;

    [Theory]
    [InlineData(ShapeKind.Box, """{"x":10.5,"y":20,"w":100,"h":50}""")]
    [InlineData(ShapeKind.RotatedBox, """{"cx":400,"cy":300,"w":100,"h":50,"angle":30}""")]
    [InlineData(ShapeKind.Polygon, """{"points":[10,10,100,10,50,80.25]}""")]
    [InlineData(ShapeKind.Polyline, """{"points":[0,0,800,600]}""")]
    [InlineData(ShapeKind.Point, """{"x":799.5,"y":0}""")]
    [InlineData(ShapeKind.Ellipse, """{"cx":400,"cy":300,"rx":100,"ry":50,"angle":-45}""")]
    [InlineData(ShapeKind.Keypoints, """{"points":[10,20,2,0,0,0,30,40,1]}""")]
    [InlineData(ShapeKind.Mask, """{"size":[600,800],"counts":[0,5,479995]}""")]
    public void KeepsValidShapesOfEveryKindUnchanged(ShapeKind kind, string json)
    {
        var canonical = Normalize(kind, json);

        Assert.Equal(json, canonical);
        Assert.Equal(kind, ShapeGeometry.Parse(kind, canonical).Kind);
        Assert.Equal(canonical, ShapeGeometry.Write(ShapeGeometry.Parse(kind, canonical)));
    }

    [Fact]
    public void WritesCompactJsonInProtocolOrder()
    {
        var canonical = Normalize(ShapeKind.Box, """{ "h": 50.0, "w": 100, "y": 20, "x": 10.50 }""");
        Assert.Equal("""{"x":10.5,"y":20,"w":100,"h":50}""", canonical);
    }

    [Fact]
    public void ParsesTypedShapes()
    {
        var box = Assert.IsType<BoxShape>(ShapeGeometry.Parse(ShapeKind.Box, """{"x":10,"y":20,"w":100,"h":50}"""));
        Assert.Equal(new BoxShape(10, 20, 100, 50), box);
        Assert.Equal(5000, box.Area);
        Assert.Equal(new Bounds(10, 20, 100, 50), box.Bounds);

        var polygon = Assert.IsType<PolygonShape>(ShapeGeometry.Parse(ShapeKind.Polygon, """{"points":[0,0,10,0,10,10,0,10]}"""));
        Assert.Equal(4, polygon.VertexCount);
        Assert.Equal(100, polygon.Area);

        var mask = Assert.IsType<MaskShape>(ShapeGeometry.Parse(ShapeKind.Mask, """{"size":[2,3],"counts":[2,2,2]}"""));
        Assert.Equal((2, 3, 2.0), (mask.Height, mask.Width, mask.Area));
        Assert.Equal(new Bounds(1, 0, 1, 2), mask.Bounds);

        var keypoints = Assert.IsType<KeypointsShape>(ShapeGeometry.Parse(ShapeKind.Keypoints, """{"points":[10,20,2,0,0,0,30,40,1]}"""));
        Assert.Equal((3, 2), (keypoints.PointCount, keypoints.LabeledCount));
        Assert.Equal(new Bounds(10, 20, 20, 20), keypoints.Bounds);
    }

    [Theory]
    [InlineData(190, -170)]
    [InlineData(180, 180)]
    [InlineData(-180, 180)]
    [InlineData(540, 180)]
    [InlineData(-190, 170)]
    [InlineData(720, 0)]
    [InlineData(-0.0, 0)]
    [InlineData(45.5, 45.5)]
    public void NormalisesAnglesToMinus180Exclusive180Inclusive(double sent, double stored)
    {
        var canonical = Normalize(ShapeKind.RotatedBox, $$"""{"cx":400,"cy":300,"w":10,"h":10,"angle":{{sent.ToString(System.Globalization.CultureInfo.InvariantCulture)}}}""");
        var shape = Assert.IsType<RotatedBoxShape>(ShapeGeometry.Parse(ShapeKind.RotatedBox, canonical));
        Assert.Equal(stored, shape.Angle, 9);
        Assert.DoesNotContain("-0", canonical);
    }

    [Fact]
    public void NormalisesEllipseAnglesToo()
    {
        var canonical = Normalize(ShapeKind.Ellipse, """{"cx":400,"cy":300,"rx":10,"ry":5,"angle":270}""");
        Assert.Equal("""{"cx":400,"cy":300,"rx":10,"ry":5,"angle":-90}""", canonical);
    }

    [Fact]
    public void DropsARepeatedClosingVertexOfAPolygon()
    {
        var canonical = Normalize(ShapeKind.Polygon, """{"points":[10,10,100,10,50,80,10,10]}""");
        Assert.Equal("""{"points":[10,10,100,10,50,80]}""", canonical);
    }

    [Fact]
    public void MergesEmptyMaskRunsIntoTheShortestForm()
    {
        // Runs: 0 zeros, 1 one, 0 zeros, 2 ones, 479997 zeros, 0 ones  →  0 zeros, 3 ones, 479997 zeros.
        var canonical = Normalize(ShapeKind.Mask, """{"size":[600,800],"counts":[0,1,0,2,479997,0]}""");
        Assert.Equal("""{"size":[600,800],"counts":[0,3,479997]}""", canonical);
    }

    [Fact]
    public void AcceptsPointsWithinTheToleranceOutsideTheImage()
    {
        Normalize(ShapeKind.Box, """{"x":-0.009,"y":0,"w":800.018,"h":600.009}""");
        Normalize(ShapeKind.Point, """{"x":800.01,"y":600.01}""");
    }

    [Theory]
    [InlineData(ShapeKind.Box, """{"x":712.5,"y":0,"w":100,"h":10}""", "The box reaches x = 812.5, outside the image (0–800).")]
    [InlineData(ShapeKind.Box, """{"x":-0.02,"y":0,"w":100,"h":10}""", "The box reaches x = -0.02, outside the image (0–800).")]
    [InlineData(ShapeKind.Box, """{"x":0,"y":590,"w":10,"h":10.02}""", "The box reaches y = 600.02, outside the image (0–600).")]
    [InlineData(ShapeKind.Point, """{"x":10,"y":-1}""", "The point reaches y = -1, outside the image (0–600).")]
    [InlineData(ShapeKind.Polygon, """{"points":[10,10,801,10,50,80]}""", "The polygon reaches x = 801, outside the image (0–800).")]
    [InlineData(ShapeKind.Polyline, """{"points":[10,10,50,-3]}""", "The polyline reaches y = -3, outside the image (0–600).")]
    [InlineData(ShapeKind.Keypoints, """{"points":[10,10,2,900,10,1]}""", "A keypoint reaches x = 900, outside the image (0–800).")]
    public void RefusesShapesOutsideTheImage(ShapeKind kind, string json, string message)
    {
        Assert.Equal(message, Refusal(kind, json));
    }

    [Fact]
    public void ChecksTheCornersOfARotatedBox()
    {
        // A 100×100 box 70 px from the left edge fits upright; turned 45° its corners reach 70.71 px from the centre.
        Normalize(ShapeKind.RotatedBox, """{"cx":70,"cy":300,"w":100,"h":100,"angle":0}""");
        Normalize(ShapeKind.RotatedBox, """{"cx":71,"cy":300,"w":100,"h":100,"angle":45}""");
        var message = Refusal(ShapeKind.RotatedBox, """{"cx":70,"cy":300,"w":100,"h":100,"angle":45}""");
        Assert.Equal("The rotated box reaches x = -0.711, outside the image (0–800).", message);
    }

    [Fact]
    public void ChecksTheRotatedExtentOfAnEllipse()
    {
        // rx 100 along x fits at cx 100; turned 90° the long axis is vertical, so only ry 10 counts across x.
        Normalize(ShapeKind.Ellipse, """{"cx":11,"cy":300,"rx":100,"ry":10,"angle":90}""");
        Assert.Contains("x = -89", Refusal(ShapeKind.Ellipse, """{"cx":11,"cy":300,"rx":100,"ry":10,"angle":0}"""));
        // At 45° the extent is sqrt((100² + 10²) / 2) ≈ 71.06, less than the bounding box of the rotated box (77.8).
        Normalize(ShapeKind.Ellipse, """{"cx":71.07,"cy":300,"rx":100,"ry":10,"angle":45}""");
        Assert.Contains("The ellipse reaches x = -0.", Refusal(ShapeKind.Ellipse, """{"cx":71,"cy":300,"rx":100,"ry":10,"angle":45}"""));
    }

    [Fact]
    public void IgnoresUnlabeledKeypointsForTheBoundsRule()
    {
        Normalize(ShapeKind.Keypoints, """{"points":[0,0,0,800,600,2]}""");
    }

    [Theory]
    [InlineData(ShapeKind.Box, """{"x":"1","y":20,"w":100,"h":50}""", "Coordinate 'x' is not a finite number.")]
    [InlineData(ShapeKind.Box, """{"x":1,"y":1e400,"w":100,"h":50}""", "Coordinate 'y' is not a finite number.")]
    [InlineData(ShapeKind.Point, """{"x":1,"y":null}""", "Coordinate 'y' is not a finite number.")]
    [InlineData(ShapeKind.Polygon, """{"points":[1,2,3,"4",5,6]}""", "Value 4 of 'points' is not a finite number.")]
    [InlineData(ShapeKind.Box, """{"x":1,"y":2,"w":100}""", "The box geometry needs 'h'.")]
    [InlineData(ShapeKind.Box, """{"x":1,"y":2,"w":100,"h":5,"z":0}""", "The box geometry has an unknown property 'z'.")]
    [InlineData(ShapeKind.Box, """{"x":1,"x":2,"y":2,"w":100,"h":5}""", "The box geometry has 'x' twice.")]
    [InlineData(ShapeKind.Box, """[1,2,3,4]""", "The box geometry must be a JSON object.")]
    [InlineData(ShapeKind.RotatedBox, """{"cx":1,"cy":2,"w":10,"h":5}""", "The rotated box geometry needs 'angle'.")]
    [InlineData(ShapeKind.Box, """{"x":1,"y":2,"w":0,"h":5}""", "The box's 'w' must be greater than 0; it is 0.")]
    [InlineData(ShapeKind.Box, """{"x":1,"y":2,"w":10,"h":-5}""", "The box's 'h' must be greater than 0; it is -5.")]
    [InlineData(ShapeKind.RotatedBox, """{"cx":100,"cy":100,"w":0,"h":5,"angle":0}""", "The rotated box's 'w' must be greater than 0; it is 0.")]
    [InlineData(ShapeKind.Ellipse, """{"cx":100,"cy":100,"rx":5,"ry":0,"angle":0}""", "The ellipse's 'ry' must be greater than 0; it is 0.")]
    [InlineData(ShapeKind.Polygon, """{"points":[1,2,3,4]}""", "A polygon needs at least 3 vertices; this one has 2.")]
    [InlineData(ShapeKind.Polygon, """{"points":[1,2,3,4,1,2]}""", "A polygon needs at least 3 vertices; this one has 2.")]
    [InlineData(ShapeKind.Polygon, """{"points":[1,2,3,4,5]}""", "A polygon's points come in x, y pairs, so their count must be even; this one has 5 numbers.")]
    [InlineData(ShapeKind.Polygon, """{"points":"1,2"}""", "'points' must be an array.")]
    [InlineData(ShapeKind.Polyline, """{"points":[1,2]}""", "A polyline needs at least 2 vertices; this one has 1.")]
    [InlineData(ShapeKind.Keypoints, """{"points":[1,2,2,3]}""", "Keypoints come in x, y, v triplets; these have 4 numbers.")]
    [InlineData(ShapeKind.Keypoints, """{"points":[1,2,3]}""", "Keypoint 1 has visibility 3; it must be 0, 1 or 2.")]
    [InlineData(ShapeKind.Keypoints, """{"points":[1,2,2,5,5,0]}""", "Keypoint 2 is not labeled (v = 0), so it must be at (0, 0).")]
    [InlineData(ShapeKind.Keypoints, """{"points":[0,0,0,0,0,0]}""", "At least one keypoint must be labeled (v = 1 or 2).")]
    [InlineData(ShapeKind.Mask, """{"size":[600,800],"counts":[480000]}""", "The mask is empty; paint at least one pixel.")]
    [InlineData(ShapeKind.Mask, """{"size":[600,800],"counts":[0,10]}""", "The mask's runs cover 10 pixels, but a 800×600 mask has 480000.")]
    [InlineData(ShapeKind.Mask, """{"size":[600,800],"counts":[0,-1,480001]}""", "Run 2 of the mask's 'counts' is not a whole number of 0 or more.")]
    [InlineData(ShapeKind.Mask, """{"size":[600,800],"counts":[0,1.5,479998.5]}""", "Run 2 of the mask's 'counts' is not a whole number of 0 or more.")]
    [InlineData(ShapeKind.Mask, """{"size":[800,600],"counts":[0,1,479999]}""", "The mask is 600×800 pixels but the image is 800×600.")]
    [InlineData(ShapeKind.Mask, """{"size":[600],"counts":[0,1,479999]}""", "The mask's 'size' must be [height, width], two whole numbers above 0.")]
    public void RefusesBrokenGeometryNamingTheProblem(ShapeKind kind, string json, string message)
    {
        Assert.Equal(message, Refusal(kind, json));
    }

    [Fact]
    public void RefusesTooManyVertices()
    {
        var points = string.Join(",", Enumerable.Repeat("1,1", ShapeGeometry.MaxVertices + 1));
        Assert.Equal("A polygon may have at most 10,000 vertices; this one has 10,001.",
            Refusal(ShapeKind.Polygon, $$"""{"points":[{{points}}]}"""));
        Assert.Equal("A polyline may have at most 10,000 vertices; this one has 10,001.",
            Refusal(ShapeKind.Polyline, $$"""{"points":[{{points}}]}"""));
        var most = string.Join(",", Enumerable.Repeat("1,1", ShapeGeometry.MaxVertices));
        Normalize(ShapeKind.Polyline, $$"""{"points":[{{most}}]}""");
    }

    [Fact]
    public void NeedsExactlyOneTripletPerSkeletonPoint()
    {
        Assert.Equal("The keypoints need 9 numbers (3 points × x, y, v); these have 6.",
            Refusal(ShapeKind.Keypoints, """{"points":[1,2,2,3,4,2]}""", keypointCount: 3));
        Normalize(ShapeKind.Keypoints, """{"points":[1,2,2,3,4,2,0,0,0]}""", keypointCount: 3);
    }

    [Fact]
    public void ParseRefusesInvalidJson()
    {
        var error = Assert.Throws<DomainException>(() => ShapeGeometry.Parse(ShapeKind.Ellipse, "{not json"));
        Assert.Equal("The ellipse geometry is not valid JSON.", error.Message);
    }

    [Fact]
    public void RotatedBoxCornersTurnClockwiseOnScreen()
    {
        var corners = new RotatedBoxShape(0, 0, 4, 2, 90).Corners();
        // Unrotated top-left (-2,-1) turned 90° clockwise with y down lands at (1,-2).
        Assert.Equal(1, corners[0].X, 9);
        Assert.Equal(-2, corners[0].Y, 9);
        Assert.Equal(new Bounds(-1, -2, 2, 4), Round(new RotatedBoxShape(0, 0, 4, 2, 90).Bounds));
    }

    private static Bounds Round(Bounds b) =>
        new(Math.Round(b.X, 9), Math.Round(b.Y, 9), Math.Round(b.Width, 9), Math.Round(b.Height, 9));
}
