using System.Text.Json;

namespace Annotator.Web.Taxonomy;

/// <summary>Reading one value out of a region's attribute object, for previews.</summary>
internal static class AttributeText
{
    /// <summary>The value of <paramref name="attributeId"/> as JSON text, or null when absent.</summary>
    public static string? Value(string attributesJson, Guid attributeId)
    {
        try
        {
            using var document = JsonDocument.Parse(attributesJson);
            return document.RootElement.ValueKind == JsonValueKind.Object
                   && document.RootElement.TryGetProperty(attributeId.ToString("D"), out var value)
                   && value.ValueKind != JsonValueKind.Null
                ? value.GetRawText()
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
