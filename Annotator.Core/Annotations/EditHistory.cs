namespace Annotator.Core.Annotations;

/// <summary>
/// One labeler's undo and redo stacks for one image, after CVAT's annotations history: bounded, and every replay
/// reports the regions it touched so the caller can refresh just those.
/// </summary>
/// <remarks>
/// <para>
/// A <b>step</b> is what one Ctrl+Z undoes: one recorded operation, or a run of consecutive ones sharing a non-null
/// <see cref="EditOperation.Group"/> (a paste, a move of several shapes). Each step keeps its forward operations
/// and their inverses (<see cref="InverseOperation.For"/>). At most <c>capacity</c> steps are kept; the oldest is
/// dropped first. Recording a new operation clears the redo stack.
/// </para>
/// <para>
/// Undo and redo are ordinary operations sent through the same validation as any other, so the history never
/// changes regions itself: <see cref="PeekUndo"/> hands out the operations to apply, the caller applies them and
/// reports back with <see cref="Undone"/>. Two things make replays safe: every peek gives the operations
/// <b>fresh op ids</b> (a replay must not collide with the client op-id uniqueness index, nor with an earlier replay
/// of the same step), and update/delete operations are <b>re-based</b> on the newest revision the history saw for
/// their region, taken from the inverses recorded and the revisions reported after each undo and redo. If someone
/// else changed the region meanwhile, its revision has moved on and the replay is refused as a conflict, as any stale
/// edit is; the history never overwrites another person's work.
/// </para>
/// <para>
/// When a replay is refused part way, report only the operations that were applied: that part moves to the other
/// stack, the rest of the step is dropped (reporting none drops the step). Not thread-safe: one history per labeler
/// and image, used from one place at a time.
/// </para>
/// </remarks>
/// <param name="capacity">The most steps kept for undo.</param>
public sealed class EditHistory(int capacity = 200)
{
    private readonly int _capacity = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));
    private readonly LinkedList<Step> _undo = new();
    private readonly Stack<Step> _redo = new();
    private readonly Dictionary<Guid, int> _revisions = [];

    /// <summary>Whether there is a step to undo.</summary>
    public bool CanUndo => _undo.Count > 0;

    /// <summary>Whether there is a step to redo.</summary>
    public bool CanRedo => _redo.Count > 0;

    /// <summary>The number of steps that can be undone.</summary>
    public int UndoCount => _undo.Count;

    /// <summary>The number of steps that can be redone.</summary>
    public int RedoCount => _redo.Count;

    /// <summary>
    /// Records an applied operation (as validated) and its inverse. It joins the newest step when both share a
    /// non-null group; otherwise it starts a new step. Clears redo.
    /// </summary>
    public void Record(EditOperation forward, EditOperation inverse)
    {
        ArgumentNullException.ThrowIfNull(forward);
        ArgumentNullException.ThrowIfNull(inverse);
        _redo.Clear();
        if (forward.Group is not null && _undo.Last?.Value.Group == forward.Group)
        {
            _undo.Last.Value.Add(forward, inverse);
        }
        else
        {
            var step = new Step(forward.Group);
            step.Add(forward, inverse);
            PushUndo(step);
        }
        // The inverse of an update or create carries the region's revision after the forward operation.
        if (inverse is UpdateRegionOp or DeleteRegionOp && RegionId(inverse) is { } regionId)
        {
            _revisions[regionId] = BaseRevision(inverse);
        }
    }

    /// <summary>
    /// The inverse operations of the newest step, in the order to apply them (the reverse of recording), with fresh
    /// op ids and re-based revisions; null when there is nothing to undo.
    /// </summary>
    public IReadOnlyList<EditOperation>? PeekUndo() =>
        _undo.Last?.Value is { } step ? [.. Enumerable.Reverse(step.Inverse).Select(Replay)] : null;

    /// <summary>
    /// Reports that the first <c>applied.Count</c> operations of <see cref="PeekUndo"/> were applied, each with the
    /// region revision after it. Moves that part of the step to redo (forward operations re-based on those revisions)
    /// and returns the region ids it touched.
    /// </summary>
    /// <exception cref="InvalidOperationException">There is nothing to undo.</exception>
    /// <exception cref="ArgumentException">The operations are not the ones <see cref="PeekUndo"/> handed out.</exception>
    public IReadOnlyCollection<Guid> Undone(IReadOnlyList<(EditOperation Inverse, int RevisionAfter)> applied)
    {
        ArgumentNullException.ThrowIfNull(applied);
        var step = _undo.Last?.Value ?? throw new InvalidOperationException("There is nothing to undo.");
        var count = step.Inverse.Count;
        Check(applied.Select(a => a.Inverse).ToList(), [.. Enumerable.Reverse(step.Inverse)]);
        _undo.RemoveLast();
        Learn(applied);
        if (applied.Count > 0)
        {
            // Undo applied the newest inverses, so the newest forwards are the ones redo can bring back.
            var from = count - applied.Count;
            _redo.Push(new Step(step.Group, step.Forward.Skip(from), step.Inverse.Skip(from)));
        }
        return TouchedRegionIds(applied.Select(a => a.Inverse));
    }

    /// <summary>
    /// The forward operations of the newest undone step, in recording order, with fresh op ids and re-based
    /// revisions; null when there is nothing to redo.
    /// </summary>
    public IReadOnlyList<EditOperation>? PeekRedo() =>
        _redo.TryPeek(out var step) ? [.. step.Forward.Select(Replay)] : null;

    /// <summary>
    /// Reports that the first <c>applied.Count</c> operations of <see cref="PeekRedo"/> were applied, each with the
    /// region revision after it. Moves that part of the step back to undo and returns the region ids it touched.
    /// </summary>
    /// <exception cref="InvalidOperationException">There is nothing to redo.</exception>
    /// <exception cref="ArgumentException">The operations are not the ones <see cref="PeekRedo"/> handed out.</exception>
    public IReadOnlyCollection<Guid> Redone(IReadOnlyList<(EditOperation Forward, int RevisionAfter)> applied)
    {
        ArgumentNullException.ThrowIfNull(applied);
        if (!_redo.TryPeek(out var step))
        {
            throw new InvalidOperationException("There is nothing to redo.");
        }
        Check(applied.Select(a => a.Forward).ToList(), step.Forward);
        _redo.Pop();
        Learn(applied);
        if (applied.Count > 0)
        {
            PushUndo(new Step(step.Group, step.Forward.Take(applied.Count), step.Inverse.Take(applied.Count)));
        }
        return TouchedRegionIds(applied.Select(a => a.Forward));
    }

    /// <summary>Forgets everything (another image, or a reload from the server).</summary>
    public void Clear()
    {
        _undo.Clear();
        _redo.Clear();
        _revisions.Clear();
    }

    /// <summary>The distinct region ids <paramref name="operations"/> act on (answers touch none).</summary>
    public static IReadOnlyCollection<Guid> TouchedRegionIds(IEnumerable<EditOperation> operations)
    {
        ArgumentNullException.ThrowIfNull(operations);
        return [.. operations.Select(RegionId).OfType<Guid>().Distinct()];
    }

    private void PushUndo(Step step)
    {
        _undo.AddLast(step);
        while (_undo.Count > _capacity)
        {
            _undo.RemoveFirst();
        }
    }

    private void Learn<T>(IReadOnlyList<(T Op, int RevisionAfter)> applied) where T : EditOperation
    {
        foreach (var (op, revisionAfter) in applied)
        {
            if (RegionId(op) is { } regionId)
            {
                _revisions[regionId] = revisionAfter;
            }
        }
    }

    private EditOperation Replay(EditOperation op)
    {
        var rebased = op switch
        {
            UpdateRegionOp update when _revisions.TryGetValue(update.RegionId, out var revision) =>
                update with { BaseRevision = revision },
            DeleteRegionOp delete when _revisions.TryGetValue(delete.RegionId, out var revision) =>
                delete with { BaseRevision = revision },
            _ => op,
        };
        return rebased with { OpId = Guid.NewGuid() };
    }

    private static void Check(IReadOnlyList<EditOperation> applied, IReadOnlyList<EditOperation> expected)
    {
        if (applied.Count > expected.Count)
        {
            throw new ArgumentException($"The step has {expected.Count} operations, not {applied.Count}.", nameof(applied));
        }
        for (var i = 0; i < applied.Count; i++)
        {
            if (applied[i].Type != expected[i].Type || Target(applied[i]) != Target(expected[i]))
            {
                throw new ArgumentException($"Operation {i + 1} is not the one this step holds.", nameof(applied));
            }
        }
    }

    private static Guid? Target(EditOperation op) => op is AnswerOp answer ? answer.QuestionId : RegionId(op);

    private static Guid? RegionId(EditOperation op) => op switch
    {
        CreateRegionOp create => create.Region.Id,
        UpdateRegionOp update => update.RegionId,
        DeleteRegionOp delete => delete.RegionId,
        _ => null,
    };

    private static int BaseRevision(EditOperation op) => op switch
    {
        UpdateRegionOp update => update.BaseRevision,
        DeleteRegionOp delete => delete.BaseRevision,
        _ => throw new ArgumentOutOfRangeException(nameof(op)),
    };

    /// <summary>Forward operations and their inverses, index for index.</summary>
    private sealed class Step
    {
        public Step(Guid? group, IEnumerable<EditOperation>? forward = null, IEnumerable<EditOperation>? inverse = null)
        {
            Group = group;
            Forward = [.. forward ?? []];
            Inverse = [.. inverse ?? []];
        }

        public Guid? Group { get; }

        public List<EditOperation> Forward { get; }

        public List<EditOperation> Inverse { get; }

        public void Add(EditOperation forward, EditOperation inverse)
        {
            Forward.Add(forward);
            Inverse.Add(inverse);
        }
    }
}
