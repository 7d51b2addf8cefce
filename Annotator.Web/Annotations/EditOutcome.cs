using Annotator.Core;
using Annotator.Core.Annotations;
using Annotator.Core.Images;

namespace Annotator.Web.Annotations;

/// <summary>What became of one operation: committed (with its sequence number and the new state) or refused.</summary>
/// <param name="OpId">The client's operation id.</param>
/// <param name="Error">Why it was refused, in words for the user; null when committed.</param>
/// <param name="Applied">The operation as committed (canonical geometry and attributes); for a conflict, the refused one.</param>
/// <param name="Sequence">The image's sequence number of the committed operation.</param>
/// <param name="AuthorId">Who made it.</param>
/// <param name="Region">The region after the operation (null after a delete or for answers).</param>
/// <param name="Revision">The region's revision after the operation.</param>
/// <param name="Before">The region before the operation (null for a create of a new region).</param>
/// <param name="PreviousAnswer">The answer before an answer operation (JSON).</param>
/// <param name="ImageStatus">The image's status after the operation (an edit puts a done image back in progress).</param>
/// <param name="ImageId">The image.</param>
/// <param name="SetOwnerId">The owner of the annotation set it changed (null: the shared set).</param>
/// <param name="Previous">The sequence number of the set's operation before this one (0: none).</param>
/// <param name="AuthorName">The author's display name.</param>
/// <param name="Conflict">For a refusal caused by someone else's change: which kind. <see cref="Region"/> and
/// <see cref="Revision"/> then hold the region as it is now, and <see cref="AuthorName"/> who changed it last.</param>
/// <param name="StorageFull">For a refusal: the server's storage is full. Nothing was saved; the same operation can be
/// sent again once space is freed (the browser workspace keeps it queued and retries).</param>
public sealed record EditOutcome(
    Guid OpId,
    string? Error,
    EditOperation? Applied = null,
    long Sequence = 0,
    string AuthorId = "",
    RegionData? Region = null,
    int Revision = 0,
    RegionData? Before = null,
    string? PreviousAnswer = null,
    ImageStatus ImageStatus = ImageStatus.New,
    int ImageId = 0,
    string? SetOwnerId = null,
    long Previous = 0,
    string? AuthorName = null,
    EditConflict Conflict = EditConflict.None,
    bool StorageFull = false)
{
    /// <summary>Committed.</summary>
    public bool Ok => Error is null;

    /// <summary>A refusal.</summary>
    public static EditOutcome Refused(Guid opId, string error) => new(opId, error);

    /// <summary>A refusal because the server's storage is full (<see cref="Data.StorageFull"/>).</summary>
    public static EditOutcome RefusedForStorage(Guid opId) => new(opId, Data.StorageFull.Message, StorageFull: true);

    /// <summary>The result JSON of docs/workspace-protocol.md: the committed operation, or the refusal.</summary>
    public string ToJson() => Ok ? ToCommitted().ToJson() : ToRefusal().ToJson();

    /// <summary>The committed operation as every receiver gets it.</summary>
    /// <exception cref="InvalidOperationException">The operation was refused.</exception>
    public CommittedOperation ToCommitted()
    {
        if (!Ok || Applied is null)
        {
            throw new InvalidOperationException("A refused operation has no committed form.");
        }
        return Applied is AnswerOp answer
            ? new CommittedOperation(OpId, ImageId, Sequence, Previous, AuthorId, AuthorName ?? "", ImageStatus, answer.Type,
                QuestionId: answer.QuestionId, Value: answer.ValueJson)
            : new CommittedOperation(OpId, ImageId, Sequence, Previous, AuthorId, AuthorName ?? "", ImageStatus, Applied.Type,
                RegionId: RegionId, Region: Region is null ? null : new RegionState(Region, Revision), Revision: Revision);
    }

    /// <summary>The refusal as its author gets it.</summary>
    /// <exception cref="InvalidOperationException">The operation was committed.</exception>
    public OperationRefusal ToRefusal()
    {
        if (Ok)
        {
            throw new InvalidOperationException("A committed operation is not a refusal.");
        }
        if (Conflict == EditConflict.None || RegionId is not { } conflicted)
        {
            return new OperationRefusal(OpId, Error!, StorageFull);
        }
        return new OperationRefusal(OpId, Error!, StorageFull, Conflict: Conflict == EditConflict.Deleted ? "deleted" : "changed",
            RegionId: conflicted, Region: Region is null ? null : new RegionState(Region, Revision), Revision: Revision, By: AuthorName);
    }

    /// <summary>The region the operation touched, if any.</summary>
    public Guid? RegionId => Applied switch
    {
        CreateRegionOp create => create.Region.Id,
        UpdateRegionOp update => update.RegionId,
        DeleteRegionOp delete => delete.RegionId,
        _ => null,
    };
}
