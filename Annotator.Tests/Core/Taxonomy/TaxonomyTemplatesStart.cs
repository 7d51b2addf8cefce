using Annotator.Core;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;

namespace Annotator.Tests.Core.Taxonomy;

/// <summary>The taxonomies a new project can start from.</summary>
public sealed class TaxonomyTemplatesStart
{
    public static TheoryData<string> Keys => [.. TaxonomyTemplates.All.Select(t => t.Key)];

    [Theory]
    [MemberData(nameof(Keys))]
    public void EachTemplateIsAValidTaxonomyWithFreshIds(string key)
    {
        var template = TaxonomyTemplates.Get(key);
        var first = template.Create();
        var second = template.Create();

        Assert.Empty(TaxonomyDraft.From(first).Validate());
        Assert.Equal(first.Labels.Select(l => l.Name), second.Labels.Select(l => l.Name));
        Assert.Empty(first.Labels.Select(l => l.Id).Intersect(second.Labels.Select(l => l.Id)));
    }

    [Fact]
    public void CocoObjectsHasTheEightyCategoriesEachInItsOwnColour()
    {
        var coco = TaxonomyTemplates.Get("coco-objects").Create();

        Assert.Equal(80, coco.Labels.Count);
        Assert.Equal(["person", "bicycle", "car"], coco.Labels.Take(3).Select(l => l.Name));
        Assert.Equal("toothbrush", coco.Labels[^1].Name);
        Assert.Equal(80, coco.Labels.Select(l => l.Color).Distinct().Count());
        Assert.All(coco.Labels, l => Assert.Matches("^#[0-9a-f]{6}$", l.Color));
        Assert.All(coco.Labels, l => Assert.Equal([ShapeKind.Box, ShapeKind.Polygon, ShapeKind.Mask], l.ShapeKinds));
    }

    [Fact]
    public void CocoKeypointsIsAPersonWithTheCocoSkeleton()
    {
        var person = Assert.Single(TaxonomyTemplates.Get("coco-keypoints").Create().Labels);

        Assert.Equal([ShapeKind.Box, ShapeKind.Keypoints], person.ShapeKinds);
        Assert.Equal(DemoTaxonomy.CocoPersonPoints, person.Skeleton!.Points);
        Assert.Equal(DemoTaxonomy.CocoPersonSigmas, person.Skeleton.Sigmas);
        Assert.Equal(8, person.Skeleton.FlipPairs.Count);
    }

    [Fact]
    public void TheStarterIsTheDefaultAndUnknownKeysAreRefusedByName()
    {
        Assert.Equal(TaxonomyTemplates.DefaultKey, TaxonomyTemplates.Get(null).Key);
        Assert.Equal("coco-objects", TaxonomyTemplates.Get(" COCO-Objects ").Key);
        var error = Assert.Throws<DomainException>(() => TaxonomyTemplates.Get("imagenet"));
        Assert.Equal("There is no taxonomy template 'imagenet'; choose one of: starter, empty, coco-objects, coco-keypoints.", error.Message);
    }
}
