using System.Text.Json;

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
        var required = (label?.Attributes ?? []).Concat(taxonomy.ProjectAttributes).Where(a => a.Required).ToList();
        if (required.Count == 0)
        {
            return false;
        }
        using var document = JsonDocument.Parse(attributesJson);
        return required.Any(a => !document.RootElement.TryGetProperty(a.Id.ToString(), out var value)
            || value.ValueKind == JsonValueKind.Null);
    }
}
