using Annotator.Core;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;

namespace Annotator.Tests.Core.Taxonomy;

public sealed class TaxonomyValidation
{
    private static LabelDefinition Label(string name, Guid? parent = null, string? hotkey = null, Guid? id = null) =>
        new() { Id = id ?? Guid.NewGuid(), Name = name, ParentId = parent, Hotkey = hotkey };

    [Fact]
    public void DemoTaxonomyIsValidAndHasTheCocoSkeleton()
    {
        var demo = DemoTaxonomy.Create();
        Assert.Empty(demo.Validate());
        Assert.Equal(["person", "animal", "vehicle"], demo.Labels.Select(l => l.Name));
        var skeleton = demo.Labels[0].Skeleton!;
        Assert.Equal(17, skeleton.Points.Count);
        Assert.Equal(17, skeleton.Sigmas.Count);
        Assert.Contains(ShapeKind.Keypoints, demo.Labels[0].ShapeKinds);
    }

    [Fact]
    public void DemoPersonLayoutStandsUpright()
    {
        var skeleton = DemoTaxonomy.CocoPerson;
        var layout = skeleton.Layout!;
        Assert.Equal(skeleton.Points.Count, layout.Count);
        double Y(string point) => layout[skeleton.Points.ToList().IndexOf(point)][1];
        Assert.Equal(0.5, layout[0][0]);
        Assert.True(Y("nose") < Y("left_shoulder") && Y("left_shoulder") < Y("left_hip") && Y("left_hip") < Y("left_knee"));
        Assert.Equal(layout.Max(p => p[1]), Y("left_ankle"));
        Assert.True(layout[5][0] > layout[6][0], "The person faces the viewer: left shoulder on the image's right.");
    }

    [Fact]
    public void DemoTaxonomyHasAttributesAndQuestions()
    {
        var demo = DemoTaxonomy.Create();
        Assert.Equal(AttributeKind.Checkbox, Assert.Single(demo.ProjectAttributes).Kind);
        Assert.Equal(["standing", "sitting", "lying", "other"], Assert.Single(demo.Labels[0].Attributes).Options);
        var count = demo.Labels[2].Attributes.Single(a => a.Name == "count");
        Assert.Equal((1.0, 100.0), (count.Min, count.Max));
        Assert.Equal(["Time of day", "Weather"], demo.Questions.Select(q => q.Text));
        Assert.True(demo.Questions[1].Multiple);
    }

    [Theory]
    [InlineData(new[] { 0.5, 0.5 }, new[] { 0.5 }, "each point an [x, y] between 0 and 1")]
    [InlineData(new[] { 0.5, 1.5 }, new[] { 0.2, 0.2 }, "each point an [x, y] between 0 and 1")]
    public void RefusesSkeletonLayoutsOutsideTheUnitSquare(double[] first, double[] second, string problem)
    {
        var label = new LabelDefinition
        {
            Id = Guid.NewGuid(), Name = "hand", ShapeKinds = [ShapeKind.Keypoints],
            Skeleton = new SkeletonDefinition { Points = ["a", "b"], Layout = [first, second] },
        };
        Assert.Contains(new TaxonomyDefinition { Labels = [label] }.Validate(), p => p.Contains(problem));
    }

    [Fact]
    public void RefusesASkeletonLayoutOfTheWrongSize()
    {
        var label = new LabelDefinition
        {
            Id = Guid.NewGuid(), Name = "hand", ShapeKinds = [ShapeKind.Keypoints],
            Skeleton = new SkeletonDefinition { Points = ["a", "b"], Layout = [[0.5, 0.5]] },
        };
        Assert.Contains(new TaxonomyDefinition { Labels = [label] }.Validate(),
            p => p == "The skeleton layout of 'hand' places 1 points; the skeleton has 2.");
    }

    [Fact]
    public void RefusesSameNameUnderTheSameParent()
    {
        var parent = Label("vehicle");
        var definition = new TaxonomyDefinition { Labels = [parent, Label("car", parent.Id), Label("Car", parent.Id), Label("car")] };
        var problem = Assert.Single(definition.Validate());
        Assert.Contains("under 'vehicle' are named 'car'", problem);
    }

    [Fact]
    public void RefusesCycles()
    {
        Guid a = Guid.NewGuid(), b = Guid.NewGuid();
        var definition = new TaxonomyDefinition { Labels = [Label("a", b, id: a), Label("b", a, id: b)] };
        Assert.Contains(definition.Validate(), p => p.Contains("own ancestor"));
    }

    [Fact]
    public void RefusesHotkeyClashes()
    {
        var definition = new TaxonomyDefinition { Labels = [Label("cat", hotkey: "c"), Label("car", hotkey: "C")] };
        var problem = Assert.Single(definition.Validate());
        Assert.Contains("Hotkey 'C'", problem);
    }

    [Fact]
    public void RefusesMissingParentAndKeypointsWithoutSkeleton()
    {
        var definition = new TaxonomyDefinition
        {
            Labels = [Label("orphan", Guid.NewGuid()), new LabelDefinition { Id = Guid.NewGuid(), Name = "pose", ShapeKinds = [ShapeKind.Keypoints] }],
        };
        var problems = definition.Validate();
        Assert.Contains(problems, p => p.Contains("does not exist"));
        Assert.Contains(problems, p => p.Contains("no skeleton"));
    }

    [Fact]
    public void RefusesSkeletonEdgesToMissingPoints()
    {
        var label = new LabelDefinition
        {
            Id = Guid.NewGuid(), Name = "hand", ShapeKinds = [ShapeKind.Keypoints],
            Skeleton = new SkeletonDefinition { Points = ["a", "b"], Edges = [[0, 5]] },
        };
        Assert.Contains(new TaxonomyDefinition { Labels = [label] }.Validate(), p => p.Contains("do not exist"));
    }

    [Fact]
    public void RoundTripsThroughJsonKeepingIds()
    {
        var demo = DemoTaxonomy.Create();
        var back = TaxonomyDefinition.FromJson(demo.ToJson());
        Assert.Equal(demo.Labels.Select(l => (l.Id, l.Name, l.Color)), back.Labels.Select(l => (l.Id, l.Name, l.Color)));
        Assert.Equal(demo.Labels[0].Skeleton!.Edges.Select(e => (e[0], e[1])), back.Labels[0].Skeleton!.Edges.Select(e => (e[0], e[1])));
        Assert.Equal(demo.Labels[0].Skeleton!.Layout!.Select(p => (p[0], p[1])), back.Labels[0].Skeleton!.Layout!.Select(p => (p[0], p[1])));
        Assert.Equal(demo.Questions.Select(q => (q.Id, q.Text)), back.Questions.Select(q => (q.Id, q.Text)));
    }
}

public sealed class TaxonomyVersionLifecycle
{
    [Fact]
    public void PublishedVersionsCannotChange()
    {
        var version = new TaxonomyVersion(1, 1, DemoTaxonomy.Create(), DateTime.UtcNow);
        version.Edit(DemoTaxonomy.Create());
        version.Publish("first", DateTime.UtcNow);

        Assert.True(version.IsPublished);
        Assert.Throws<DomainException>(() => version.Edit(DemoTaxonomy.Create()));
        Assert.Throws<DomainException>(() => version.Publish("again", DateTime.UtcNow));
    }

    [Fact]
    public void RefusesInvalidDefinitions()
    {
        var bad = new TaxonomyDefinition { Labels = [new LabelDefinition { Id = Guid.NewGuid(), Name = "x", ShapeKinds = [] }] };
        Assert.Throws<DomainException>(() => new TaxonomyVersion(1, 1, bad, DateTime.UtcNow));
    }
}
