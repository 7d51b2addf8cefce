using Annotator.Core;
using Annotator.Core.Annotations;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;

namespace Annotator.Tests.Core.Annotations;

public sealed class EditHistoryUndoRedo
{
    private static readonly DateTime Now = new(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly LabelDefinition _label = new() { Id = Guid.NewGuid(), Name = "thing", ShapeKinds = [ShapeKind.Point] };
    private readonly OperationValidator _validator;
    private readonly Dictionary<Guid, Region> _regions = [];
    private readonly HashSet<Guid> _opIds = [];
    private readonly EditHistory _history = new(capacity: 3);

    public EditHistoryUndoRedo() => _validator = new OperationValidator(new TaxonomyDefinition { Labels = [_label] }, 100, 100);

    /// <summary>What the web layer does with one operation: validate, apply, return the revision after.</summary>
    private (EditOperation Applied, RegionData? Before, int RevisionAfter) Apply(EditOperation op)
    {
        Assert.True(_opIds.Add(op.OpId), "Every applied operation has a fresh op id.");
        var id = op switch
        {
            CreateRegionOp c => c.Region.Id,
            UpdateRegionOp u => u.RegionId,
            DeleteRegionOp d => d.RegionId,
            _ => Guid.Empty,
        };
        var target = _regions.GetValueOrDefault(id);
        var before = target?.ToData();
        var applied = _validator.Validate(op, target);
        switch (applied)
        {
            case CreateRegionOp create when target is not null:
                target.Restore(create.Region, 1, Now);
                break;
            case CreateRegionOp create:
                _regions[id] = new Region(create.Region, 1, 1, "u", Now);
                break;
            case UpdateRegionOp update:
                target!.Apply(update.Set, 1, Now);
                break;
            case DeleteRegionOp:
                target!.Delete(Now);
                break;
        }
        return (applied, before, _regions.GetValueOrDefault(id)?.Revision ?? 0);
    }

    private void Do(EditOperation op)
    {
        var (applied, before, revisionAfter) = Apply(op);
        _history.Record(applied, InverseOperation.For(applied, before, revisionAfter, null));
    }

    private IReadOnlyCollection<Guid> Undo() =>
        _history.Undone([.. _history.PeekUndo()!.Select(op => (op, Apply(op).RevisionAfter))]);

    private IReadOnlyCollection<Guid> Redo() =>
        _history.Redone([.. _history.PeekRedo()!.Select(op => (op, Apply(op).RevisionAfter))]);

    private CreateRegionOp CreatePoint(double x, Guid? group = null) =>
        new(Guid.NewGuid(), new RegionData(Guid.NewGuid(), _label.Id, ShapeKind.Point, $$"""{"x":{{x}},"y":1}""", "{}", 0, false, false))
        {
            Group = group,
        };

    private UpdateRegionOp Move(Guid id, double x, Guid? group = null) =>
        new(Guid.NewGuid(), id, _regions[id].Revision, new RegionChanges(Geometry: $$"""{"x":{{x}},"y":1}""")) { Group = group };

    private string GeometryOf(Guid id) => _regions[id].Geometry;

    [Fact]
    public void StartsEmpty()
    {
        Assert.False(_history.CanUndo);
        Assert.False(_history.CanRedo);
        Assert.Null(_history.PeekUndo());
        Assert.Null(_history.PeekRedo());
        Assert.Throws<InvalidOperationException>(() => _history.Undone([]));
    }

    [Fact]
    public void UndoesAndRedoesAChainOfEditsOnOneRegion()
    {
        var create = CreatePoint(1);
        var id = create.Region.Id;
        Do(create);
        Do(Move(id, 2));
        Do(Move(id, 3));

        Assert.Equal([id], Undo());
        Assert.Equal("""{"x":2,"y":1}""", GeometryOf(id));
        Undo();
        Assert.Equal("""{"x":1,"y":1}""", GeometryOf(id));
        Undo();
        Assert.True(_regions[id].IsDeleted);
        Assert.False(_history.CanUndo);

        Redo();
        Assert.False(_regions[id].IsDeleted);
        Redo();
        Redo();
        Assert.Equal("""{"x":3,"y":1}""", GeometryOf(id));
        Assert.False(_history.CanRedo);

        // Back and forth again: every replay is re-based on the revisions the history has seen.
        Undo();
        Redo();
        Assert.Equal("""{"x":3,"y":1}""", GeometryOf(id));
        Assert.Equal(11, _regions[id].Revision); // 3 edits, 3 undos, 3 redos, 1 undo, 1 redo
    }

    [Fact]
    public void RedoOpsAreRebasedOnTheRevisionAfterTheUndo()
    {
        var create = CreatePoint(1);
        Do(create);
        Do(Move(create.Region.Id, 2));

        Undo();

        var redo = Assert.IsType<UpdateRegionOp>(Assert.Single(_history.PeekRedo()!));
        Assert.Equal(3, redo.BaseRevision);
        Assert.Equal(_regions[create.Region.Id].Revision, redo.BaseRevision);
    }

    [Fact]
    public void EveryPeekHandsOutFreshOpIds()
    {
        Do(CreatePoint(1));
        var first = Assert.Single(_history.PeekUndo()!);
        var second = Assert.Single(_history.PeekUndo()!);
        Assert.NotEqual(first.OpId, second.OpId);
    }

    [Fact]
    public void UndoesAGroupAsOneStepInReverseOrder()
    {
        var group = Guid.NewGuid();
        var a = CreatePoint(1, group);
        var b = CreatePoint(2, group);
        Do(CreatePoint(3));
        Do(a);
        Do(b);

        var inverses = _history.PeekUndo()!;
        Assert.Equal([b.Region.Id, a.Region.Id], inverses.Select(op => ((DeleteRegionOp)op).RegionId));
        Assert.All(inverses, op => Assert.Equal(group, op.Group));

        var touched = Undo();
        Assert.Equal([b.Region.Id, a.Region.Id], touched);
        Assert.True(_regions[a.Region.Id].IsDeleted && _regions[b.Region.Id].IsDeleted);
        Assert.Equal(1, _history.UndoCount);

        Assert.Equal([a.Region.Id, b.Region.Id], _history.PeekRedo()!.Select(op => ((CreateRegionOp)op).Region.Id));
        Redo();
        Assert.False(_regions[a.Region.Id].IsDeleted || _regions[b.Region.Id].IsDeleted);
    }

    [Fact]
    public void SameGroupOnlyJoinsConsecutiveRecords()
    {
        var group = Guid.NewGuid();
        Do(CreatePoint(1, group));
        Do(CreatePoint(2));
        Do(CreatePoint(3, group));
        Assert.Equal(3, _history.UndoCount);
    }

    [Fact]
    public void DropsTheOldestStepBeyondCapacity()
    {
        var first = CreatePoint(1);
        Do(first);
        Do(CreatePoint(2));
        Do(CreatePoint(3));
        Do(CreatePoint(4));

        Assert.Equal(3, _history.UndoCount);
        Undo();
        Undo();
        Undo();
        Assert.False(_history.CanUndo);
        Assert.False(_regions[first.Region.Id].IsDeleted);
    }

    [Fact]
    public void ANewRecordClearsRedo()
    {
        Do(CreatePoint(1));
        Undo();
        Assert.True(_history.CanRedo);

        Do(CreatePoint(2));

        Assert.False(_history.CanRedo);
        Assert.Null(_history.PeekRedo());
    }

    [Fact]
    public void AnUndoMergesWithSomeoneElsesChangeOfOtherFields()
    {
        var create = CreatePoint(1);
        var id = create.Region.Id;
        Do(create);
        Do(Move(id, 2));
        _regions[id].Apply(new RegionChanges(ZOrder: 9), 1, Now); // another labeler reorders it

        var undo = _history.PeekUndo()!;
        Apply(undo[0]);

        Assert.Equal("""{"x":1,"y":1}""", GeometryOf(id));
        Assert.Equal(9, _regions[id].ZOrder);
    }

    [Fact]
    public void AReplayOfARegionSomeoneElseChangedIsRefusedAsAConflict()
    {
        var create = CreatePoint(1);
        var id = create.Region.Id;
        Do(create);
        Do(Move(id, 2));
        _regions[id].Apply(new RegionChanges(Geometry: """{"x":7,"y":1}"""), 1, Now); // another labeler moved it too

        var undo = _history.PeekUndo()!;
        var error = Assert.Throws<DomainException>(() => Apply(undo[0]));
        Assert.Equal("Someone else changed this region's shape while you were editing it (revision 3, you edited 2); "
            + "your change was not applied.", error.Message);
        Assert.Equal(EditConflict.Changed, error.Conflict);

        // Nothing was applied: report none, and the step is dropped rather than retried forever.
        Assert.Empty(_history.Undone([]));
        Assert.Equal(1, _history.UndoCount);
        Assert.False(_history.CanRedo);
    }

    [Fact]
    public void APartialUndoMovesOnlyTheAppliedPartToRedo()
    {
        var group = Guid.NewGuid();
        var a = CreatePoint(1, group);
        var b = CreatePoint(2, group);
        Do(a);
        Do(b);

        var undo = _history.PeekUndo()!;
        var applied = (undo[0], Apply(undo[0]).RevisionAfter); // deletes b; suppose deleting a was refused
        Assert.Equal([b.Region.Id], _history.Undone([applied]));

        var redo = Assert.Single(_history.PeekRedo()!);
        Assert.Equal(b.Region.Id, ((CreateRegionOp)redo).Region.Id);
    }

    [Fact]
    public void RefusesReportsOfOperationsItDidNotHandOut()
    {
        Do(CreatePoint(1));
        var stranger = new DeleteRegionOp(Guid.NewGuid(), Guid.NewGuid(), 1);
        Assert.Throws<ArgumentException>(() => _history.Undone([(stranger, 2)]));
        Assert.True(_history.CanUndo);
    }

    [Fact]
    public void UndoesAnswers()
    {
        var question = Guid.NewGuid();
        var answer = new AnswerOp(Guid.NewGuid(), question, "\"day\"");
        _history.Record(answer, InverseOperation.For(answer, null, 0, "\"night\""));

        var inverse = Assert.IsType<AnswerOp>(Assert.Single(_history.PeekUndo()!));
        Assert.Equal("\"night\"", inverse.ValueJson);
        Assert.Empty(_history.Undone([(inverse, 0)]));
        Assert.Equal("\"day\"", Assert.IsType<AnswerOp>(Assert.Single(_history.PeekRedo()!)).ValueJson);
    }

    [Fact]
    public void ClearForgetsBothStacks()
    {
        Do(CreatePoint(1));
        Do(CreatePoint(2));
        Undo();
        _history.Clear();
        Assert.False(_history.CanUndo || _history.CanRedo);
    }

    [Fact]
    public void RefusesANonPositiveCapacity()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new EditHistory(0));
    }
}
