namespace Annotator.Core.Annotations;

/// <summary>Builds the operation that undoes an applied one; <see cref="EditHistory"/> keeps the pairs.</summary>
public static class InverseOperation
{
    /// <summary>
    /// The inverse of <paramref name="applied"/> (the validated operation as it was applied). It gets a fresh op id and
    /// the same <see cref="EditOperation.Group"/>; its base revision is <paramref name="revisionAfter"/>, the region's
    /// revision right after <paramref name="applied"/>.
    /// </summary>
    /// <param name="applied">The operation that was applied.</param>
    /// <param name="before">The region's state before it (needed for update and delete; null for create).</param>
    /// <param name="revisionAfter">The region's revision after it (unused for answers).</param>
    /// <param name="previousAnswerJson">The answer before it (answers only; null when there was none).</param>
    /// <returns>
    /// create → delete the region (also when the create restored a deleted one: undo deletes it again);
    /// update → update the fields that were set back to their values in <paramref name="before"/>;
    /// delete → create <paramref name="before"/> (a restore); answer → answer with the previous value.
    /// </returns>
    public static EditOperation For(EditOperation applied, RegionData? before, int revisionAfter, string? previousAnswerJson)
    {
        ArgumentNullException.ThrowIfNull(applied);
        EditOperation inverse = applied switch
        {
            CreateRegionOp create => new DeleteRegionOp(Guid.NewGuid(), create.Region.Id, revisionAfter),
            UpdateRegionOp update => new UpdateRegionOp(Guid.NewGuid(), update.RegionId, revisionAfter,
                Reverted(update.Set, Before(before, update.RegionId))),
            DeleteRegionOp delete => new CreateRegionOp(Guid.NewGuid(), Before(before, delete.RegionId)),
            AnswerOp answer => new AnswerOp(Guid.NewGuid(), answer.QuestionId, previousAnswerJson ?? "null"),
            _ => throw new ArgumentOutOfRangeException(nameof(applied), applied.GetType().Name, "Unknown operation."),
        };
        return inverse with { Group = applied.Group };
    }

    private static RegionData Before(RegionData? before, Guid regionId)
    {
        if (before is null)
        {
            throw new ArgumentNullException(nameof(before), "Undoing an update or delete needs the region's state before it.");
        }
        return before.Id == regionId
            ? before
            : throw new ArgumentException($"The state is of region {before.Id}, not {regionId}.", nameof(before));
    }

    private static RegionChanges Reverted(RegionChanges set, RegionData before) => new(
        set.Geometry is null ? null : before.Geometry,
        set.LabelId is null ? null : before.LabelId,
        set.Attributes is null ? null : before.Attributes,
        set.ZOrder is null ? null : before.ZOrder,
        set.Hidden is null ? null : before.Hidden,
        set.Locked is null ? null : before.Locked);
}
