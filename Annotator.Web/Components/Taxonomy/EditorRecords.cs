using Annotator.Core.Taxonomy;

namespace Annotator.Web.Components.Taxonomy;

/// <summary>A new mapping of one attribute's existing values (see <see cref="TaxonomyDraft.MapValues"/>).</summary>
/// <param name="AttributeId">The attribute.</param>
/// <param name="Values">Its whole mapping.</param>
public sealed record ValueMappingChange(Guid AttributeId, IReadOnlyList<ValueMapping> Values);

/// <summary>What the merge dialog decided.</summary>
/// <param name="Into">The label merged into.</param>
/// <param name="Attributes">Where each attribute of the merged label goes.</param>
public sealed record MergeChoice(Guid Into, IReadOnlyList<AttributeMapping> Attributes);

/// <summary>What to do instead of deleting a label that regions use.</summary>
public enum DeleteAlternative
{
    /// <summary>Merge it into another label.</summary>
    Merge,

    /// <summary>Deprecate it.</summary>
    Deprecate,
}
