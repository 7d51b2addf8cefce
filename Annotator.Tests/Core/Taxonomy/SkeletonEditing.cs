using Annotator.Core;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;

namespace Annotator.Tests.Core.Taxonomy;

/// <summary>The pure skeleton edits the skeleton editor is built on (<see cref="SkeletonEdits"/>).</summary>
public sealed class SkeletonEditing
{
    private static readonly SkeletonDefinition Coco = DemoTaxonomy.CocoPerson;

    /// <summary>a—b—c in a row, a and c paired, sigmas given, laid out left to right.</summary>
    private static readonly SkeletonDefinition Row = new()
    {
        Points = ["a", "b", "c"],
        Edges = [[0, 1], [1, 2]],
        FlipPairs = [[0, 2]],
        Sigmas = [0.01, 0.02, 0.03],
        Layout = [[0.1, 0.5], [0.5, 0.5], [0.9, 0.5]],
    };

    private static int Index(SkeletonDefinition skeleton, string name) => skeleton.Points.ToList().IndexOf(name);

    private static IReadOnlyList<string> Problems(SkeletonDefinition skeleton) =>
        new TaxonomyDefinition
        {
            Labels = [new LabelDefinition { Id = Guid.NewGuid(), Name = "hand", ShapeKinds = [ShapeKind.Keypoints], Skeleton = skeleton }],
        }.Validate();

    private static void AssertValid(SkeletonDefinition skeleton) => Assert.Empty(Problems(skeleton));

    private static string Pairs(IEnumerable<int[]> pairs) => string.Join(" ", pairs.Select(p => $"{p[0]}-{p[1]}"));

    [Fact]
    public void AddsAPointWhereItWasClickedWithTheFallbackSigmaAndNoEdge()
    {
        var added = SkeletonEdits.AddPoint(Row, "d", 0.25, 0.75);

        Assert.Equal(["a", "b", "c", "d"], added.Points);
        Assert.Equal([0.25, 0.75], added.Layout![3]);
        Assert.Equal([0.01, 0.02, 0.03, SkeletonEdits.FallbackSigma], added.Sigmas);
        Assert.Equal("0-1 1-2", Pairs(added.Edges));
        Assert.Equal("0-2", Pairs(added.FlipPairs));
        AssertValid(added);
        Assert.Equal(3, Row.Points.Count);
    }

    [Fact]
    public void AddsACocoNamedPointWithCocosSigma()
    {
        var added = SkeletonEdits.AddPoint(Row, "  Left_Knee ", 0.5, 0.9);

        Assert.Equal("Left_Knee", added.Points[3]);
        Assert.Equal(0.087, added.Sigmas[3]);
    }

    [Fact]
    public void AddingToASkeletonWithoutLayoutPinsTheOthersWhereTheCircleHadThem()
    {
        var circle = new SkeletonDefinition { Points = ["top", "right", "bottom", "left"] };

        var added = SkeletonEdits.AddPoint(circle, "centre", 0.5, 0.5);

        Assert.Equal([[0.5, 0.0], [1.0, 0.5], [0.5, 1.0], [0.0, 0.5], [0.5, 0.5]], added.Layout!);
        Assert.Equal([0.05, 0.05, 0.05, 0.05, 0.05], added.Sigmas);
        AssertValid(added);
    }

    [Fact]
    public void ANewPointGetsTheNextFreeName()
    {
        Assert.Equal("point 18", SkeletonEdits.NextPointName(Coco));
        var taken = SkeletonEdits.AddPoint(Row, "point 4", 0, 0);
        Assert.Equal("point 5", SkeletonEdits.NextPointName(taken));
        Assert.Equal("point 1", SkeletonEdits.NextPointName(new SkeletonDefinition { Points = [] }));
    }

    [Theory]
    [InlineData("b", "Another point is already called 'b'.")]
    [InlineData(" B ", "Another point is already called 'b'.")]
    [InlineData("  ", "Every point needs a name.")]
    public void RefusesEmptyAndDuplicateNames(string name, string problem)
    {
        Assert.Equal(problem, Assert.Throws<DomainException>(() => SkeletonEdits.AddPoint(Row, name, 0, 0)).Message);
        Assert.Equal(problem, Assert.Throws<DomainException>(() => SkeletonEdits.RenamePoint(Row, 0, name)).Message);
        Assert.Equal(problem, SkeletonEdits.NameProblem(Row, name, 0));
    }

    [Fact]
    public void RemovingAPointReindexesEdgesFlipPairsSigmasAndLayout()
    {
        var knee = Index(Coco, "left_knee");

        var removed = SkeletonEdits.RemovePoint(Coco, knee);

        Assert.Equal(16, removed.Points.Count);
        Assert.DoesNotContain("left_knee", removed.Points);
        var ankle = Index(removed, "left_ankle");
        var hip = Index(removed, "left_hip");
        Assert.Equal(Index(Coco, "left_ankle") - 1, ankle);
        Assert.Equal(0.089, removed.Sigmas[ankle]);
        Assert.Equal(Coco.Layout![ankle + 1], removed.Layout![ankle]);
        // The knee's two edges went; every other edge still joins the same two points, by name.
        Assert.Equal(Coco.Edges.Count - 2, removed.Edges.Count);
        var namedBefore = Coco.Edges.Where(e => !e.Contains(knee)).Select(e => $"{Coco.Points[e[0]]}-{Coco.Points[e[1]]}");
        var namedAfter = removed.Edges.Select(e => $"{removed.Points[e[0]]}-{removed.Points[e[1]]}");
        Assert.Equal(namedBefore, namedAfter);
        Assert.DoesNotContain(removed.Edges, e => e.Contains(ankle) && e.Contains(hip));
        // right_knee lost its partner; the ankles are still a pair.
        Assert.Null(SkeletonEdits.FlipPartner(removed, Index(removed, "right_knee")));
        Assert.Equal(Index(removed, "right_ankle"), SkeletonEdits.FlipPartner(removed, ankle));
        Assert.Equal(Coco.FlipPairs.Count - 1, removed.FlipPairs.Count);
        AssertValid(removed);
    }

    [Fact]
    public void RemovingFromACircleKeepsItACircle()
    {
        var circle = new SkeletonDefinition { Points = ["a", "b", "c"], Edges = [[0, 2]] };

        var removed = SkeletonEdits.RemovePoint(circle, 1);

        Assert.Null(removed.Layout);
        Assert.Equal(["a", "c"], removed.Points);
        Assert.Equal("0-1", Pairs(removed.Edges));
        Assert.Equal([0.05, 0.05], removed.Sigmas);
        AssertValid(removed);
    }

    [Fact]
    public void RemovingTheLastPointLeavesAnEmptySkeleton()
    {
        var one = new SkeletonDefinition { Points = ["a"], Sigmas = [0.1], Layout = [[0.5, 0.5]] };

        var none = SkeletonEdits.RemovePoint(one, 0);

        Assert.Empty(none.Points);
        Assert.Empty(none.Sigmas);
        Assert.Empty(none.Layout!);
        Assert.Contains("The skeleton of 'hand' has no points.", Problems(none));
    }

    [Fact]
    public void RenamingKeepsEverythingElse()
    {
        var renamed = SkeletonEdits.RenamePoint(Row, 1, " middle ");

        Assert.Equal(["a", "middle", "c"], renamed.Points);
        Assert.Equal(Row.Sigmas, renamed.Sigmas);
        Assert.Equal(Row.Layout, renamed.Layout);
        Assert.Equal(Pairs(Row.Edges), Pairs(renamed.Edges));
        Assert.Equal(Pairs(Row.FlipPairs), Pairs(renamed.FlipPairs));
        // Changing only the case of its own name is allowed.
        Assert.Equal("A", SkeletonEdits.RenamePoint(Row, 0, "A").Points[0]);
    }

    [Fact]
    public void RenamingToACocoNameTakesCocosSigmaOnlyWhileTheSigmaIsTheDefault()
    {
        var added = SkeletonEdits.AddPoint(Row, "point 4", 0.5, 0.9);

        var knee = SkeletonEdits.RenamePoint(added, 3, "left_knee");
        Assert.Equal(0.087, knee.Sigmas[3]);
        // And back again: the sigma was still left_knee's default, so it follows the name.
        Assert.Equal(SkeletonEdits.FallbackSigma, SkeletonEdits.RenamePoint(knee, 3, "tail").Sigmas[3]);
        // A sigma set by hand stays.
        var set = SkeletonEdits.SetSigma(added, 3, 0.2);
        Assert.Equal(0.2, SkeletonEdits.RenamePoint(set, 3, "left_knee").Sigmas[3]);
        // a's 0.01 is not a default: renaming it to a COCO name keeps it.
        Assert.Equal(0.01, SkeletonEdits.RenamePoint(Row, 0, "nose").Sigmas[0]);
    }

    [Theory]
    [InlineData(0.3, 0.7, 0.3, 0.7)]
    [InlineData(-0.2, 1.3, 0, 1)]
    [InlineData(0.123456, 2, 0.1235, 1)]
    [InlineData(double.NaN, double.PositiveInfinity, 0.5, 0.5)]
    public void MovingClampsIntoTheUnitSquare(double x, double y, double expectedX, double expectedY)
    {
        var moved = SkeletonEdits.MovePoint(Row, 1, x, y);

        Assert.Equal([expectedX, expectedY], moved.Layout![1]);
        Assert.Equal(Row.Layout![0], moved.Layout[0]);
        Assert.Equal(Row.Layout[2], moved.Layout[2]);
        AssertValid(moved);
    }

    [Fact]
    public void MovingAPointOfACircleFixesTheOthersOnIt()
    {
        var circle = new SkeletonDefinition { Points = ["a", "b"] };

        var moved = SkeletonEdits.MovePoint(circle, 0, 0.2, 0.2);

        Assert.Equal([[0.2, 0.2], [0.5, 1.0]], moved.Layout!);
        AssertValid(moved);
    }

    [Fact]
    public void TogglingAnEdgeAddsItThenRemovesItEitherWayRound()
    {
        var added = SkeletonEdits.ToggleEdge(Row, 2, 0);
        Assert.Equal("0-1 1-2 2-0", Pairs(added.Edges));
        AssertValid(added);

        var removed = SkeletonEdits.ToggleEdge(added, 0, 2);
        Assert.Equal("0-1 1-2", Pairs(removed.Edges));
        Assert.Equal("0-1", Pairs(SkeletonEdits.ToggleEdge(Row, 2, 1).Edges));
    }

    [Fact]
    public void APointCannotBeJoinedToItselfOrToAPointThatDoesNotExist()
    {
        Assert.Throws<DomainException>(() => SkeletonEdits.ToggleEdge(Row, 1, 1));
        Assert.Throws<DomainException>(() => SkeletonEdits.ToggleFlipPair(Row, 1, 1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SkeletonEdits.ToggleEdge(Row, 1, 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => SkeletonEdits.RemovePoint(Row, -1));
        Assert.Throws<ArgumentOutOfRangeException>(() => SkeletonEdits.MovePoint(Row, 3, 0, 0));
    }

    [Fact]
    public void APointIsInAtMostOneFlipPair()
    {
        // b joins a: a leaves c.
        var paired = SkeletonEdits.ToggleFlipPair(Row, 1, 0);
        Assert.Equal("1-0", Pairs(paired.FlipPairs));
        Assert.Null(SkeletonEdits.FlipPartner(paired, 2));
        AssertValid(paired);

        // Toggling an existing pair (either way round) unpairs it.
        Assert.Empty(SkeletonEdits.ToggleFlipPair(paired, 0, 1).FlipPairs);

        // Pairing the knees of COCO with the ankles swapped: each leaves its old pair.
        var knee = Index(Coco, "left_knee");
        var ankle = Index(Coco, "right_ankle");
        var crossed = SkeletonEdits.ToggleFlipPair(Coco, knee, ankle);
        Assert.Equal(Coco.FlipPairs.Count - 1, crossed.FlipPairs.Count);
        Assert.Equal(ankle, SkeletonEdits.FlipPartner(crossed, knee));
        Assert.Null(SkeletonEdits.FlipPartner(crossed, Index(Coco, "right_knee")));
        Assert.Null(SkeletonEdits.FlipPartner(crossed, Index(Coco, "left_ankle")));
        Assert.All(Enumerable.Range(0, crossed.Points.Count), i => Assert.True(crossed.FlipPairs.Count(p => p.Contains(i)) <= 1));
    }

    [Fact]
    public void SettingAFlipPartnerReplacesOrClearsThePair()
    {
        var withB = SkeletonEdits.SetFlipPartner(Row, 0, 1);
        Assert.Equal("0-1", Pairs(withB.FlipPairs));
        Assert.Same(withB, SkeletonEdits.SetFlipPartner(withB, 1, 0));
        Assert.Empty(SkeletonEdits.SetFlipPartner(withB, 1, null).FlipPairs);
        Assert.Equal("0-2", Pairs(SkeletonEdits.SetFlipPartner(Row, 1, null).FlipPairs));
    }

    [Theory]
    [InlineData(0.001)]
    [InlineData(1)]
    public void SetsASigmaAbove0AndAtMost1(double sigma)
    {
        var set = SkeletonEdits.SetSigma(Row, 2, sigma);

        Assert.Equal([0.01, 0.02, sigma], set.Sigmas);
        AssertValid(set);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-0.1)]
    [InlineData(1.01)]
    [InlineData(double.NaN)]
    public void RefusesOtherSigmas(double sigma)
    {
        Assert.Equal("A sigma must be above 0 and at most 1.", Assert.Throws<DomainException>(() => SkeletonEdits.SetSigma(Row, 0, sigma)).Message);
    }

    [Theory]
    [InlineData("nose", 0.026)]
    [InlineData("left_knee", 0.087)]
    [InlineData("RIGHT_ANKLE", 0.089)]
    [InlineData("tail", 0.05)]
    [InlineData("", 0.05)]
    public void DefaultSigmasAreCocosForCocoNames(string name, double sigma)
    {
        Assert.Equal(sigma, SkeletonEdits.DefaultSigma(name));
    }

    [Fact]
    public void ASkeletonWithoutSigmasGetsTheDefaultsOnItsFirstEdit()
    {
        var bare = new SkeletonDefinition { Points = ["nose", "tail"], Layout = [[0.5, 0.1], [0.5, 0.9]] };

        var joined = SkeletonEdits.ToggleEdge(bare, 0, 1);

        Assert.Equal([0.026, 0.05], joined.Sigmas);
        AssertValid(joined);
    }

    [Fact]
    public void PositionsAreTheLayoutOrACircle()
    {
        Assert.Equal(Row.Layout, SkeletonEdits.Positions(Row));
        Assert.Equal([[0.5, 0.5]], SkeletonEdits.Positions(new SkeletonDefinition { Points = ["only"] }));
        var square = SkeletonEdits.Positions(new SkeletonDefinition { Points = ["a", "b", "c", "d"], Layout = [[0.1, 0.1]] });
        Assert.Equal([[0.5, 0.0], [1.0, 0.5], [0.5, 1.0], [0.0, 0.5]], square);
    }

    [Fact]
    public void EditsLeaveTheirArgumentAndItsArraysAlone()
    {
        var before = Coco with { };
        var moved = SkeletonEdits.MovePoint(Coco, 0, 0.9, 0.9);
        moved.Edges[0][0] = 99;
        moved.Layout![1][0] = 99;

        Assert.Equal(0.5, Coco.Layout![0][0]);
        Assert.Equal(15, Coco.Edges[0][0]);
        Assert.Equal(0.54, Coco.Layout[1][0]);
        Assert.Same(before.Points, Coco.Points);
        AssertValid(Coco);
    }

    [Fact]
    public void ACopyHasArraysOfItsOwn()
    {
        var copy = SkeletonEdits.Copy(Coco);
        copy.Edges[0][0] = 99;
        copy.FlipPairs[0][0] = 99;
        copy.Layout![0][0] = 0.99;

        Assert.Equal(15, Coco.Edges[0][0]);
        Assert.Equal(1, Coco.FlipPairs[0][0]);
        Assert.Equal(0.5, Coco.Layout![0][0]);
        Assert.Equal(Coco.Points, copy.Points);
        Assert.Equal(Coco.Sigmas, copy.Sigmas);
    }

    [Fact]
    public void AnySequenceOfEditsStaysValid()
    {
        var skeleton = new SkeletonDefinition { Points = [] };
        skeleton = SkeletonEdits.AddPoint(skeleton, "head", 0.5, 0.1);
        skeleton = SkeletonEdits.AddPoint(skeleton, "left_hand", 0.8, 0.5);
        skeleton = SkeletonEdits.AddPoint(skeleton, "right_hand", 0.2, 0.5);
        skeleton = SkeletonEdits.AddPoint(skeleton, SkeletonEdits.NextPointName(skeleton), 0.5, 0.9);
        skeleton = SkeletonEdits.ToggleEdge(skeleton, 0, 1);
        skeleton = SkeletonEdits.ToggleEdge(skeleton, 0, 2);
        skeleton = SkeletonEdits.ToggleEdge(skeleton, 0, 3);
        skeleton = SkeletonEdits.ToggleFlipPair(skeleton, 1, 2);
        skeleton = SkeletonEdits.RenamePoint(skeleton, 3, "tail");
        skeleton = SkeletonEdits.SetSigma(skeleton, 3, 0.3);
        skeleton = SkeletonEdits.MovePoint(skeleton, 3, 0.5, 1.5);
        skeleton = SkeletonEdits.RemovePoint(skeleton, 0);

        Assert.Equal(["left_hand", "right_hand", "tail"], skeleton.Points);
        Assert.Empty(skeleton.Edges);
        Assert.Equal("0-1", Pairs(skeleton.FlipPairs));
        Assert.Equal([SkeletonEdits.FallbackSigma, SkeletonEdits.FallbackSigma, 0.3], skeleton.Sigmas);
        Assert.Equal([0.5, 1.0], skeleton.Layout![2]);
        AssertValid(skeleton);
    }
}
