namespace Annotator.Core.Taxonomy.Interchange;

/// <summary>
/// A taxonomy read from another tool's format, and what was dropped or changed on the way (one sentence each, for
/// the admin to read before the taxonomy is saved). The taxonomy passes <see cref="TaxonomyDefinition.Validate"/>.
/// </summary>
/// <param name="Taxonomy">The taxonomy, with fresh ids.</param>
/// <param name="Notes">What did not map one to one; empty when everything did.</param>
public sealed record TaxonomyImport(TaxonomyDefinition Taxonomy, IReadOnlyList<string> Notes);
