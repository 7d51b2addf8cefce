namespace Annotator.Core.Annotations;

/// <summary>
/// One edit of an image's annotations, as the workspace sends it (docs/workspace-protocol.md, "Operations").
/// <see cref="OperationJson"/> reads and writes the JSON; <see cref="OperationValidator"/> checks it against the
/// taxonomy, the image and the region it targets.
/// </summary>
/// <param name="OpId">Chosen by the client; an operation already committed under this id is not applied again.</param>
public abstract record EditOperation(Guid OpId)
{
    /// <summary>Consecutive operations with the same group are undone and redone together.</summary>
    public Guid? Group { get; init; }

    /// <summary>The protocol's "type": create, update, delete or answer.</summary>
    public abstract string Type { get; }
}

/// <summary>Draws a region, or restores a deleted region with the same id.</summary>
/// <param name="OpId">Client operation id.</param>
/// <param name="Region">The new region.</param>
public sealed record CreateRegionOp(Guid OpId, RegionData Region) : EditOperation(OpId)
{
    /// <inheritdoc />
    public override string Type => "create";
}

/// <summary>Changes some fields of a region.</summary>
/// <param name="OpId">Client operation id.</param>
/// <param name="RegionId">The region.</param>
/// <param name="BaseRevision">The region revision the change was made against.</param>
/// <param name="Set">The fields to change.</param>
public sealed record UpdateRegionOp(Guid OpId, Guid RegionId, int BaseRevision, RegionChanges Set) : EditOperation(OpId)
{
    /// <inheritdoc />
    public override string Type => "update";
}

/// <summary>Deletes a region (softly: a create with its id restores it).</summary>
/// <param name="OpId">Client operation id.</param>
/// <param name="RegionId">The region.</param>
/// <param name="BaseRevision">The region revision the deletion was decided against.</param>
public sealed record DeleteRegionOp(Guid OpId, Guid RegionId, int BaseRevision) : EditOperation(OpId)
{
    /// <inheritdoc />
    public override string Type => "delete";
}

/// <summary>Answers (or clears the answer to) an image-level question.</summary>
/// <param name="OpId">Client operation id.</param>
/// <param name="QuestionId">The question.</param>
/// <param name="ValueJson">Compact JSON: <c>null</c>, <c>"day"</c> or <c>["rain","fog"]</c>.</param>
public sealed record AnswerOp(Guid OpId, Guid QuestionId, string ValueJson) : EditOperation(OpId)
{
    /// <inheritdoc />
    public override string Type => "answer";
}
