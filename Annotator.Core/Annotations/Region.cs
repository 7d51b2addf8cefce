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
        UpdatedById = "";
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
        UpdatedById = createdById;
        Revision = 1;
        GeometryRevision = LabelRevision = OrderRevision = DisplayRevision = 1;
    }

    /// <summary>Creates a region from the state a create operation carries.</summary>
    public Region(RegionData data, int annotationSetId, int taxonomyVersionId, string createdById, DateTime nowUtc)
        : this(data.Id, annotationSetId, data.LabelId, taxonomyVersionId, data.Kind, data.Geometry, data.Attributes,
            createdById, nowUtc)
    {
        ZOrder = data.ZOrder;
        Hidden = data.Hidden;
        Locked = data.Locked;
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

    /// <summary>Deleted softly: it is kept so that undo (a create with the same id) can restore it.</summary>
    public bool IsDeleted { get; private set; }

    /// <summary>Who made the newest change (create, update, delete or restore).</summary>
    public string UpdatedById { get; private set; }

    /// <summary>The revision that last changed the geometry.</summary>
    public int GeometryRevision { get; private set; }

    /// <summary>The revision that last changed the label or the attributes (they change together: a label brings its attributes).</summary>
    public int LabelRevision { get; private set; }

    /// <summary>The revision that last changed the drawing order.</summary>
    public int OrderRevision { get; private set; }

    /// <summary>The revision that last hid, showed, locked or unlocked the region.</summary>
    public int DisplayRevision { get; private set; }

    /// <summary>
    /// Applies a checked update (see <see cref="OperationValidator"/>). The taxonomy version is recorded when the
    /// label, geometry or attributes change, since those are what it was validated against.
    /// </summary>
    /// <exception cref="DomainException">The region is deleted, or locked and the change is more than lock/hide.</exception>
    public void Apply(RegionChanges changes, int taxonomyVersionId, DateTime nowUtc, string? byUserId = null)
    {
        EnsureCanApply(changes);
        if (changes.LabelId is not null || changes.Geometry is not null || changes.Attributes is not null)
        {
            TaxonomyVersionId = taxonomyVersionId;
        }
        LabelId = changes.LabelId ?? LabelId;
        Geometry = changes.Geometry ?? Geometry;
        Attributes = changes.Attributes ?? Attributes;
        ZOrder = changes.ZOrder ?? ZOrder;
        Hidden = changes.Hidden ?? Hidden;
        Locked = changes.Locked ?? Locked;
        Touch(nowUtc, byUserId);
        if (changes.Geometry is not null)
        {
            GeometryRevision = Revision;
        }
        if (changes.LabelId is not null || changes.Attributes is not null)
        {
            LabelRevision = Revision;
        }
        if (changes.ZOrder is not null)
        {
            OrderRevision = Revision;
        }
        if (changes.Hidden is not null || changes.Locked is not null)
        {
            DisplayRevision = Revision;
        }
    }

    /// <summary>
    /// Carries the region into a newly published taxonomy version (a merge relabels it, a value mapping rewrites its
    /// attributes). The admin's change reaches locked and deleted regions too, so a restore brings back a valid label.
    /// </summary>
    public void Migrate(Guid labelId, string attributes, int taxonomyVersionId, DateTime nowUtc, string? byUserId, string? geometry = null)
    {
        ArgumentNullException.ThrowIfNull(attributes);
        LabelId = labelId;
        Attributes = attributes;
        TaxonomyVersionId = taxonomyVersionId;
        Touch(nowUtc, byUserId);
        LabelRevision = Revision;
        if (geometry is not null)
        {
            Geometry = geometry;
            GeometryRevision = Revision;
        }
    }

    /// <summary>
    /// The parts of this region that an update made on <paramref name="baseRevision"/> would overwrite because someone
    /// changed them after that revision, in words ("geometry", "label and attributes", …); empty when the update can be
    /// merged into the current state.
    /// </summary>
    public IReadOnlyList<string> ChangedSince(int baseRevision, RegionChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var overlaps = new List<string>();
        if (changes.Geometry is not null && GeometryRevision > baseRevision)
        {
            overlaps.Add("shape");
        }
        if ((changes.LabelId is not null || changes.Attributes is not null) && LabelRevision > baseRevision)
        {
            overlaps.Add("label and attributes");
        }
        if (changes.ZOrder is not null && OrderRevision > baseRevision)
        {
            overlaps.Add("drawing order");
        }
        if ((changes.Hidden is not null || changes.Locked is not null) && DisplayRevision > baseRevision)
        {
            overlaps.Add("hidden/locked state");
        }
        return overlaps;
    }

    /// <summary>Deletes the region softly.</summary>
    /// <exception cref="DomainException">It is already deleted, or locked.</exception>
    public void Delete(DateTime nowUtc, string? byUserId = null)
    {
        EnsureCanDelete();
        IsDeleted = true;
        Touch(nowUtc, byUserId);
    }

    /// <summary>Brings a deleted region back with <paramref name="data"/> (how undo of a delete works).</summary>
    /// <exception cref="DomainException">It is not deleted, or the data has another shape kind.</exception>
    public void Restore(RegionData data, int taxonomyVersionId, DateTime nowUtc, string? byUserId = null)
    {
        ArgumentNullException.ThrowIfNull(data);
        if (data.Id != Id)
        {
            throw new ArgumentException($"The data is for region {data.Id}, not {Id}.", nameof(data));
        }
        EnsureCanRestore(data);
        IsDeleted = false;
        LabelId = data.LabelId;
        TaxonomyVersionId = taxonomyVersionId;
        Geometry = data.Geometry;
        Attributes = data.Attributes;
        ZOrder = data.ZOrder;
        Hidden = data.Hidden;
        Locked = data.Locked;
        Touch(nowUtc, byUserId);
        GeometryRevision = LabelRevision = OrderRevision = DisplayRevision = Revision;
    }

    /// <summary>The editable state.</summary>
    public RegionData ToData() => new(Id, LabelId, Kind, Geometry, Attributes, ZOrder, Hidden, Locked);

    internal void EnsureCanApply(RegionChanges changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        if (IsDeleted)
        {
            throw new DomainException("This region was deleted.", EditConflict.Deleted);
        }
        if (changes.IsEmpty)
        {
            throw new DomainException("The update changes nothing.");
        }
        if (Locked && changes.ChangesContent)
        {
            throw new DomainException("This region is locked; unlock it before changing it.");
        }
    }

    internal void EnsureCanDelete()
    {
        if (IsDeleted)
        {
            throw new DomainException("This region was already deleted.");
        }
        if (Locked)
        {
            throw new DomainException("This region is locked; unlock it before deleting it.");
        }
    }

    internal void EnsureCanRestore(RegionData data)
    {
        if (!IsDeleted)
        {
            throw new DomainException("A region with this id already exists.");
        }
        if (data.Kind != Kind)
        {
            throw new DomainException($"A region's shape kind never changes; this one is a {ShapeKindNames.ToWords(Kind)}.");
        }
    }

    private void Touch(DateTime nowUtc, string? byUserId)
    {
        Revision++;
        UpdatedAt = nowUtc;
        UpdatedById = byUserId ?? UpdatedById;
    }
}
