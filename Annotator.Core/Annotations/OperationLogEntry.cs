namespace Annotator.Core.Annotations;

/// <summary>
/// A committed edit operation on an image. <see cref="Sequence"/> orders them per image; a client that reconnects asks
/// for everything after the last number it saw. <see cref="ClientOpId"/> makes a retried operation apply once.
/// </summary>
public sealed class OperationLogEntry
{
    private OperationLogEntry()
    {
        AuthorId = "";
        Kind = "";
        Payload = "{}";
    }

    /// <summary>Records an operation.</summary>
    public OperationLogEntry(int imageId, long sequence, string authorId, Guid clientOpId, string kind, string payload,
        DateTime nowUtc, int? annotationSetId = null)
    {
        ImageId = imageId;
        AnnotationSetId = annotationSetId;
        Sequence = sequence;
        AuthorId = authorId;
        ClientOpId = clientOpId;
        Kind = kind;
        Payload = payload;
        CreatedAt = nowUtc;
    }

    /// <summary>Database id.</summary>
    public long Id { get; private set; }

    /// <summary>The image.</summary>
    public int ImageId { get; private set; }

    /// <summary>Per-image sequence number.</summary>
    public long Sequence { get; private set; }

    /// <summary>The annotation set the operation changed (null for entries written before sets were recorded).</summary>
    public int? AnnotationSetId { get; private set; }

    /// <summary>Who made it.</summary>
    public string AuthorId { get; private set; }

    /// <summary>Id chosen by the client.</summary>
    public Guid ClientOpId { get; private set; }

    /// <summary>Operation kind (create, geometry, label, attributes, delete, z-order, answer…).</summary>
    public string Kind { get; private set; }

    /// <summary>The operation as JSON.</summary>
    public string Payload { get; private set; }

    /// <summary>When it was committed (UTC).</summary>
    public DateTime CreatedAt { get; private set; }
}
