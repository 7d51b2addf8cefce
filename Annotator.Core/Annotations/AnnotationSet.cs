namespace Annotator.Core.Annotations;

/// <summary>A set of regions and answers on one image.</summary>
public sealed class AnnotationSet
{
    private AnnotationSet() { }

    /// <summary>Creates a set. Labeler sets have an owner unless shared (overlap 1); prediction sets name their model version.</summary>
    public AnnotationSet(int imageId, AnnotationSetKind kind, string? ownerId, string? modelVersion, DateTime nowUtc)
    {
        if (kind == AnnotationSetKind.Predictions && string.IsNullOrWhiteSpace(modelVersion))
        {
            throw new DomainException("A prediction set must name its model version.");
        }
        ImageId = imageId;
        Kind = kind;
        OwnerId = ownerId;
        ModelVersion = modelVersion;
        CreatedAt = nowUtc;
    }

    /// <summary>Database id.</summary>
    public int Id { get; private set; }

    /// <summary>The image.</summary>
    public int ImageId { get; private set; }

    /// <summary>Whose regions these are.</summary>
    public AnnotationSetKind Kind { get; private set; }

    /// <summary>The labeler who owns a private set; null for shared and consensus sets.</summary>
    public string? OwnerId { get; private set; }

    /// <summary>The model version of a prediction set.</summary>
    public string? ModelVersion { get; private set; }

    /// <summary>When it was created (UTC).</summary>
    public DateTime CreatedAt { get; private set; }

    /// <summary>When its labeler marked it done (UTC); null while it is being worked on.</summary>
    public DateTime? SubmittedAt { get; private set; }

    /// <summary>Whether its labeler has marked it done.</summary>
    public bool IsSubmitted => SubmittedAt is not null;

    /// <summary>
    /// The image sequence number of the newest operation on this set (0: none yet). A viewer of the set who has applied
    /// everything up to here is up to date; each committed operation also carries the previous value, so a viewer
    /// notices a missed one.
    /// </summary>
    public long LastSequence { get; private set; }

    /// <summary>Records that the operation numbered <paramref name="sequence"/> changed this set; returns the previous number.</summary>
    public long Advance(long sequence)
    {
        if (sequence <= LastSequence)
        {
            throw new ArgumentOutOfRangeException(nameof(sequence), sequence, $"The set is at sequence {LastSequence} already.");
        }
        var previous = LastSequence;
        LastSequence = sequence;
        return previous;
    }

    /// <summary>The labeler marks the set done.</summary>
    public void Submit(DateTime nowUtc) => SubmittedAt ??= nowUtc;

    /// <summary>The set is being worked on again (an edit after it was marked done).</summary>
    public void Reopen() => SubmittedAt = null;
}
