namespace Annotator.Core.Annotations;

/// <summary>The fields an update sets; null leaves a field unchanged.</summary>
/// <param name="Geometry">New geometry as compact JSON.</param>
/// <param name="LabelId">New label.</param>
/// <param name="Attributes">New attribute object (replaces the whole object) as compact JSON.</param>
/// <param name="ZOrder">New drawing order.</param>
/// <param name="Hidden">New hidden flag.</param>
/// <param name="Locked">New locked flag.</param>
public sealed record RegionChanges(string? Geometry = null, Guid? LabelId = null, string? Attributes = null,
    int? ZOrder = null, bool? Hidden = null, bool? Locked = null)
{
    /// <summary>True when no field is set.</summary>
    public bool IsEmpty => Geometry is null && LabelId is null && Attributes is null && ZOrder is null && Hidden is null
        && Locked is null;

    /// <summary>True when a field other than <see cref="Hidden"/> and <see cref="Locked"/> is set.</summary>
    public bool ChangesContent => Geometry is not null || LabelId is not null || Attributes is not null || ZOrder is not null;
}
