using Annotator.Core.Annotations;

namespace Annotator.Core.Taxonomy;

/// <summary>
/// Required attributes may be left empty while drawing (the region is flagged incomplete), but an image is not done
/// while one is missing.
/// </summary>
public static class RequiredAttributes
{
    /// <summary>Whether a region of <paramref name="labelId"/> with these attribute values misses a required one.</summary>
    public static bool AreMissing(TaxonomyDefinition taxonomy, Guid labelId, string attributesJson)
    {
        var label = taxonomy.Labels.FirstOrDefault(l => l.Id == labelId);
        AttributeDefinition[] definitions = [.. label?.Attributes ?? [], .. taxonomy.ProjectAttributes];
        // Checked for every region an image loads; most taxonomies require nothing, and then there is nothing to parse.
        return definitions.Any(d => d.Required) && AttributeValues.MissingRequired(attributesJson, definitions).Count > 0;
    }
}
