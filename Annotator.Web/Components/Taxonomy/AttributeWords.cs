using System.Globalization;
using System.Text.Json;
using Annotator.Core.Taxonomy;

namespace Annotator.Web.Components.Taxonomy;

/// <summary>Attribute kinds and values in words, for the editor.</summary>
public static class AttributeWords
{
    /// <summary>"single select", "number"…</summary>
    public static string Kind(AttributeKind kind) => AttributeKindNames.ToWords(kind);

    /// <summary>Whether the kind has options.</summary>
    public static bool IsSelect(AttributeKind kind) => kind is AttributeKind.SingleSelect or AttributeKind.MultiSelect;

    /// <summary>A JSON value as people read it: <c>"small"</c> → small, <c>["a","b"]</c> → a, b, <c>true</c> → checked.</summary>
    public static string Value(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return "";
        }
        try
        {
            using var document = JsonDocument.Parse(json);
            return Value(document.RootElement);
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static string Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => value.GetString() ?? "",
        JsonValueKind.True => "checked",
        JsonValueKind.False => "unchecked",
        JsonValueKind.Number => value.GetDouble().ToString(CultureInfo.InvariantCulture),
        JsonValueKind.Array => string.Join(", ", value.EnumerateArray().Select(Value)),
        _ => value.GetRawText(),
    };

    /// <summary>A short summary of an attribute: kind, options or range, default.</summary>
    public static string Summary(AttributeDefinition attribute)
    {
        ArgumentNullException.ThrowIfNull(attribute);
        var parts = new List<string> { Kind(attribute.Kind) };
        if (IsSelect(attribute.Kind))
        {
            parts.Add(attribute.Options.Count <= 6
                ? string.Join(" · ", attribute.Options)
                : string.Join(" · ", attribute.Options.Take(5)) + $" · +{attribute.Options.Count - 5} more");
        }
        else if (attribute.Kind == AttributeKind.Number && (attribute.Min is not null || attribute.Max is not null))
        {
            parts.Add($"{Number(attribute.Min) ?? "…"} to {Number(attribute.Max) ?? "…"}");
        }
        else if (attribute.Kind == AttributeKind.Text && attribute.MaxLength is { } length)
        {
            parts.Add($"up to {length} characters");
        }
        if (!string.IsNullOrEmpty(attribute.Default))
        {
            parts.Add($"default {Value(attribute.Default)}");
        }
        return string.Join(", ", parts);
    }

    /// <summary>A number as typed in the editor (invariant), or null.</summary>
    public static string? Number(double? value) => value?.ToString(CultureInfo.InvariantCulture);

    /// <summary>Reads a number typed in the editor (dot or comma as decimal separator); null when empty.</summary>
    public static bool TryNumber(string? text, out double? value)
    {
        value = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }
        if (double.TryParse(text.Trim().Replace(',', '.'), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number))
        {
            value = number;
            return true;
        }
        return false;
    }

    /// <summary>Lines of a text area, trimmed, without empty ones.</summary>
    public static List<string> Lines(string? text) =>
        [.. (text ?? "").Split('\n').Select(l => l.Trim()).Where(l => l.Length > 0)];
}
