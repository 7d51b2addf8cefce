using Annotator.Core.Annotations;
using Annotator.Core.Geometry;

namespace Annotator.Tests.Core.Annotations;

public sealed class InverseOperationFor
{
    private static readonly RegionData Before = new(Guid.NewGuid(), Guid.NewGuid(), ShapeKind.Point, """{"x":1,"y":2}""",
        "{}", 3, false, false);

    [Fact]
    public void UndoesACreateByDeletingAtTheRevisionAfter()
    {
        var group = Guid.NewGuid();
        var create = new CreateRegionOp(Guid.NewGuid(), Before) { Group = group };

        var inverse = Assert.IsType<DeleteRegionOp>(InverseOperation.For(create, null, 1, null));

        Assert.Equal((Before.Id, 1, group), (inverse.RegionId, inverse.BaseRevision, inverse.Group));
        Assert.NotEqual(create.OpId, inverse.OpId);
    }

    [Fact]
    public void UndoesAnUpdateBySettingBackExactlyTheFieldsItSet()
    {
        var update = new UpdateRegionOp(Guid.NewGuid(), Before.Id, 4,
            new RegionChanges(Geometry: """{"x":5,"y":6}""", Hidden: true));

        var inverse = Assert.IsType<UpdateRegionOp>(InverseOperation.For(update, Before, 5, null));

        Assert.Equal(new RegionChanges(Geometry: """{"x":1,"y":2}""", Hidden: false), inverse.Set);
        Assert.Equal((Before.Id, 5), (inverse.RegionId, inverse.BaseRevision));
        Assert.Null(inverse.Group);
    }

    [Fact]
    public void UndoesADeleteByRestoringTheRegion()
    {
        var inverse = InverseOperation.For(new DeleteRegionOp(Guid.NewGuid(), Before.Id, 2), Before, 3, null);
        Assert.Equal(Before, Assert.IsType<CreateRegionOp>(inverse).Region);
    }

    [Fact]
    public void UndoesAnAnswerWithThePreviousValue()
    {
        var question = Guid.NewGuid();
        var answer = new AnswerOp(Guid.NewGuid(), question, "\"day\"");
        Assert.Equal("\"night\"", Assert.IsType<AnswerOp>(InverseOperation.For(answer, null, 0, "\"night\"")).ValueJson);
        Assert.Equal("null", Assert.IsType<AnswerOp>(InverseOperation.For(answer, null, 0, null)).ValueJson);
    }

    [Fact]
    public void NeedsTheStateBeforeForUpdatesAndDeletes()
    {
        Assert.Throws<ArgumentNullException>(() => InverseOperation.For(new DeleteRegionOp(Guid.NewGuid(), Before.Id, 1), null, 2, null));
        Assert.Throws<ArgumentException>(() => InverseOperation.For(new DeleteRegionOp(Guid.NewGuid(), Guid.NewGuid(), 1), Before, 2, null));
    }
}
