using System.Text.Json;
using Annotator.Core.Annotations;

namespace Annotator.Core.Taxonomy;

/// <summary>
/// Why a region needs a labeler's attention under the current taxonomy: its label is deprecated, split (it waits in
/// the relabeling queue) or gone, or one of its attribute values no longer fits the attribute. Derived on load, never
/// stored, so it is always about the newest version.
/// </summary>
public static class RegionFlags
{
    /// <summary>The flags of a region with <paramref name="labelId"/> and <paramref name="attributesJson"/>, each a sentence.</summary>
    public static IReadOnlyList<string> Of(TaxonomyDefinition taxonomy, Guid labelId, string attributesJson)
    {
        ArgumentNullException.ThrowIfNull(taxonomy);
        var label = taxonomy.Labels.FirstOrDefault(l => l.Id == labelId);
        if (label is null)
        {
            return ["Its label is no longer in the taxonomy; give it another label."];
        }
        List<string>? flags = null;
        if (label.SplitInto.Count > 0)
        {
            var parts = label.SplitInto.Select(id => taxonomy.Labels.FirstOrDefault(l => l.Id == id)?.Name).OfType<string>();
            (flags ??= []).Add($"'{label.Name}' was split: relabel it as {string.Join(" or ", parts.Select(p => $"'{p}'"))}.");
        }
        else if (label.Deprecated)
        {
            (flags ??= []).Add($"'{label.Name}' is deprecated.");
        }
        if (attributesJson is not (null or "" or "{}"))
        {
            AttributeDefinition[] definitions = [.. label.Attributes, .. taxonomy.ProjectAttributes];
            try
            {
                using var document = JsonDocument.Parse(attributesJson);
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    var definition = Guid.TryParse(property.Name, out var id) ? definitions.FirstOrDefault(d => d.Id == id) : null;
                    if (definition is not null && property.Value.ValueKind != JsonValueKind.Null
                        && AttributeValues.Problem(definition, property.Value) is { } problem)
                    {
                        (flags ??= []).Add(problem);
                    }
                }
            }
            catch (JsonException)
            {
                (flags ??= []).Add("Its attribute values are unreadable.");
            }
        }
        return flags ?? (IReadOnlyList<string>)[];
    }

    /// <summary>Whether the region waits in the relabeling queue (its label was split).</summary>
    public static bool NeedsRelabel(TaxonomyDefinition taxonomy, Guid labelId) =>
        taxonomy.Labels.FirstOrDefault(l => l.Id == labelId) is { SplitInto.Count: > 0 };
}
