namespace Annotator.Core;

/// <summary>A rule of the domain was broken. The message is written for the user who caused it.</summary>
/// <param name="message">What went wrong, for the user.</param>
/// <param name="conflict">Whether the refusal is an edit conflict with someone else's change (and which kind).</param>
public sealed class DomainException(string message, EditConflict conflict = EditConflict.None) : Exception(message)
{
    /// <summary>Not <see cref="EditConflict.None"/> when someone else's change is why the edit was refused.</summary>
    public EditConflict Conflict { get; } = conflict;
}

/// <summary>Why an edit collided with someone else's.</summary>
public enum EditConflict
{
    /// <summary>Not a conflict.</summary>
    None,

    /// <summary>Someone else changed the same fields of the region since the revision the edit was made on.</summary>
    Changed,

    /// <summary>Someone else deleted the region.</summary>
    Deleted,
}
