using System.Text.Json.Serialization;

namespace Annotator.Core.Taxonomy;

/// <summary>
/// A change to existing annotations that publishing a taxonomy version carries out (or, for a split, sets up). Kept
/// with the version, in order, so the history says what happened to whose regions.
/// </summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(MergeLabels), "merge")]
[JsonDerivedType(typeof(SplitLabel), "split")]
[JsonDerivedType(typeof(MapAttributeValues), "mapValues")]
public abstract record TaxonomyMigration;

/// <summary>Every region of <paramref name="From"/> becomes <paramref name="Into"/>; <paramref name="From"/> goes away.</summary>
/// <param name="From">The label merged away.</param>
/// <param name="Into">The label it is merged into.</param>
/// <param name="Attributes">
/// Where each of <paramref name="From"/>'s attribute values goes: to an attribute of <paramref name="Into"/> of the same
/// kind, or dropped. Attributes not listed are dropped; project attributes stay as they are.
/// </param>
public sealed record MergeLabels(Guid From, Guid Into, IReadOnlyList<AttributeMapping> Attributes) : TaxonomyMigration;

/// <summary>Where one attribute's values go in a merge.</summary>
/// <param name="From">An attribute of the merged label.</param>
/// <param name="Into">An attribute of the label merged into, or null to drop the values.</param>
public sealed record AttributeMapping(Guid From, Guid? Into);

/// <summary>
/// <paramref name="From"/> is replaced by <paramref name="Into"/>: it is deprecated and its regions wait in the
/// relabeling queue until each gets one of the new labels.
/// </summary>
/// <param name="From">The label split.</param>
/// <param name="Into">The labels it is split into.</param>
public sealed record SplitLabel(Guid From, IReadOnlyList<Guid> Into) : TaxonomyMigration;

/// <summary>
/// Rewrites values of one attribute (after its kind or options changed). Values are matched by their JSON text
/// (<c>"small"</c> with quotes, <c>3</c>, <c>true</c>); when the attribute was and is a multi select, each chosen
/// option is mapped on its own. Values without a mapping stay and, when they no longer fit, the region is flagged.
/// </summary>
/// <param name="AttributeId">The attribute.</param>
/// <param name="Values">Old value → new value (JSON), or null to drop it.</param>
public sealed record MapAttributeValues(Guid AttributeId, IReadOnlyList<ValueMapping> Values) : TaxonomyMigration;

/// <summary>One value rewrite of <see cref="MapAttributeValues"/>.</summary>
/// <param name="From">The old value as JSON text.</param>
/// <param name="To">The new value as JSON text, or null to drop it.</param>
public sealed record ValueMapping(string From, string? To);
