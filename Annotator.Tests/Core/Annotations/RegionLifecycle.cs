using Annotator.Core;
using Annotator.Core.Annotations;
using Annotator.Core.Geometry;

namespace Annotator.Tests.Core.Annotations;

public sealed class RegionLifecycle
{
    private static readonly DateTime Start = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);

    private static Region NewRegion(bool locked = false) => new(
        new RegionData(Guid.NewGuid(), Guid.NewGuid(), ShapeKind.Point, """{"x":1,"y":2}""", "{}", 3, false, locked),
        annotationSetId: 1, taxonomyVersionId: 1, createdById: "u", Start);

    [Fact]
    public void CreatesFromDataAtRevisionOne()
    {
        var region = NewRegion();
        Assert.Equal((1, 3, false), (region.Revision, region.ZOrder, region.IsDeleted));
        Assert.Equal(region.Id, region.ToData().Id);
    }

    [Fact]
    public void ApplyBumpsTheRevisionAndRecordsTheTaxonomyVersionOnlyForContentChanges()
    {
        var region = NewRegion();
        region.Apply(new RegionChanges(Hidden: true), 7, Start.AddMinutes(1));
        Assert.Equal((2, 1, true), (region.Revision, region.TaxonomyVersionId, region.Hidden));

        var label = Guid.NewGuid();
        region.Apply(new RegionChanges(LabelId: label, Geometry: """{"x":3,"y":4}"""), 7, Start.AddMinutes(2));
        Assert.Equal((3, 7, label, """{"x":3,"y":4}"""), (region.Revision, region.TaxonomyVersionId, region.LabelId, region.Geometry));
        Assert.Equal(Start.AddMinutes(2), region.UpdatedAt);
    }

    [Fact]
    public void ALockedRegionOnlyChangesLockAndVisibility()
    {
        var region = NewRegion(locked: true);
        var error = Assert.Throws<DomainException>(() => region.Apply(new RegionChanges(ZOrder: 9), 1, Start));
        Assert.Equal("This region is locked; unlock it before changing it.", error.Message);
        Assert.Equal("This region is locked; unlock it before deleting it.",
            Assert.Throws<DomainException>(() => region.Delete(Start)).Message);

        region.Apply(new RegionChanges(Locked: false, Hidden: true), 1, Start);
        Assert.False(region.Locked);
    }

    [Fact]
    public void DeleteIsSoftAndRestoreBringsTheRegionBack()
    {
        var region = NewRegion();
        var before = region.ToData();
        region.Delete(Start);
        Assert.Equal((true, 2), (region.IsDeleted, region.Revision));
        Assert.Equal("This region was deleted.",
            Assert.Throws<DomainException>(() => region.Apply(new RegionChanges(Hidden: true), 1, Start)).Message);
        Assert.Equal("This region was already deleted.", Assert.Throws<DomainException>(() => region.Delete(Start)).Message);

        region.Restore(before with { ZOrder = 8 }, 4, Start);
        Assert.Equal((false, 3, 8, 4), (region.IsDeleted, region.Revision, region.ZOrder, region.TaxonomyVersionId));
        Assert.Equal("A region with this id already exists.",
            Assert.Throws<DomainException>(() => region.Restore(before, 4, Start)).Message);
    }

    [Fact]
    public void AnswersChangeWithARevision()
    {
        var answer = new ImageAnswer(1, Guid.NewGuid(), "\"day\"", 1);
        answer.Change("null");
        Assert.Equal(("null", 2), (answer.Value, answer.Revision));
    }
}
