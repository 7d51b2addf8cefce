using Annotator.Core.Geometry;

namespace Annotator.Core.Annotations;

/// <summary>
/// One labeled shape. It references its label by id, never by name, and records the taxonomy version it was made
/// under. Every change bumps <see cref="Revision"/>, which concurrent edits are checked against.
/// </summary>
public sealed class Region
{
    private Region()
    {
        Geometry = "{}";
        Attributes = "{}";
        CreatedById = "";
    }

    /// <summary>Creates a region (its id is chosen by the client, so a retried create is recognised).</summary>
    public Region(Guid id, int annotationSetId, Guid labelId, int taxonomyVersionId, ShapeKind kind, string geometry,
        string attributes, string createdById, DateTime nowUtc)
    {
        Id = id;
        AnnotationSetId = annotationSetId;
        LabelId = labelId;
        TaxonomyVersionId = taxonomyVersionId;
        Kind = kind;
        Geometry = geometry;
        Attributes = attributes;
        CreatedById = createdById;
        CreatedAt = nowUtc;
        UpdatedAt = nowUtc;
        Revision = 1;
    }

    /// <summary>Stable id.</summary>
    public Guid Id { get; private set; }

    /// <summary>The set it belongs to.</summary>
    public int AnnotationSetId { get; private set; }

    /// <summary>The label (stable taxonomy id).</summary>
    public Guid LabelId { get; private set; }

    /// <summary>The taxonomy version it was last validated against.</summary>
    public int TaxonomyVersionId { get; private set; }

    /// <summary>The kind of shape in <see cref="Geometry"/>.</summary>
    public ShapeKind Kind { get; private set; }

    /// <summary>The shape as JSON, in image pixels of the displayed image.</summary>
    public string Geometry { get; private set; }

    /// <summary>Attribute values as a JSON object keyed by attribute id.</summary>
    public string Attributes { get; private set; }

    /// <summary>Drawing order; higher is on top.</summary>
    public int ZOrder { get; private set; }

    /// <summary>Hidden from the canvas.</summary>
    public bool Hidden { get; private set; }

    /// <summary>Locked against edits.</summary>
    public bool Locked { get; private set; }

    /// <summary>Bumped by every change.</summary>
    public int Revision { get; private set; }

    /// <summary>Who drew it.</summary>
    public string CreatedById { get; private set; }

    /// <summary>When it was drawn (UTC).</summary>
    public DateTime CreatedAt { get; private set; }

    /// <summary>When it last changed (UTC).</summary>
    public DateTime UpdatedAt { get; private set; }
}
