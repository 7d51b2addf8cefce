using Annotator.Core.Geometry;

namespace Annotator.Core.Annotations;

/// <summary>The editable state of a region, as a create operation carries it and <see cref="Region.ToData"/> returns it.</summary>
/// <param name="Id">Stable id, chosen by the client.</param>
/// <param name="LabelId">The label.</param>
/// <param name="Kind">The shape kind; it never changes.</param>
/// <param name="Geometry">The geometry as compact JSON.</param>
/// <param name="Attributes">Attribute values as a compact JSON object keyed by attribute id.</param>
/// <param name="ZOrder">Drawing order; higher is on top.</param>
/// <param name="Hidden">Hidden from the canvas.</param>
/// <param name="Locked">Locked against edits.</param>
public sealed record RegionData(Guid Id, Guid LabelId, ShapeKind Kind, string Geometry, string Attributes, int ZOrder,
    bool Hidden, bool Locked);
