using System.Globalization;
using System.Text.Json;
using Annotator.Core.Taxonomy;

namespace Annotator.Core.Annotations;

/// <summary>
/// Checks attribute objects: JSON objects keyed by attribute id whose values fit the attribute's
/// <see cref="AttributeKind"/>. Missing attributes, required or not, are allowed (the region is flagged incomplete,
/// see <see cref="MissingRequired"/>); a null value counts as missing and is dropped.
/// </summary>
public static class AttributeValues
{
    /// <summary>The longest text value when the attribute sets no <see cref="AttributeDefinition.MaxLength"/>.</summary>
    public const int DefaultMaxTextLength = 10_000;

    /// <summary>Checks an attribute object and returns it as canonical compact JSON (lower-case ids, nulls dropped).</summary>
    /// <param name="attributesJson">The attribute object.</param>
    /// <param name="definitions">The attributes that may appear (the label's and the project's).</param>
    /// <param name="labelName">The label's name, for messages.</param>
    /// <exception cref="DomainException">An id is unknown or a value does not fit; the message names the attribute.</exception>
    public static string Normalize(string attributesJson, IReadOnlyList<AttributeDefinition> definitions, string labelName) =>
        Rewrite(attributesJson, definitions, labelName, strict: true);

    /// <summary>
    /// Keeps only the values that are valid under <paramref name="definitions"/> (used when a region changes label and
    /// its old label's attributes no longer apply). Returns canonical compact JSON.
    /// </summary>
    public static string Retain(string attributesJson, IReadOnlyList<AttributeDefinition> definitions) =>
        Rewrite(attributesJson, definitions, "", strict: false);

    /// <summary>
    /// <paramref name="attributesJson"/> with the default of every attribute that has one and no value yet (a new
    /// region starts with the taxonomy's defaults). Canonical compact JSON.
    /// </summary>
    public static string WithDefaults(string attributesJson, IReadOnlyList<AttributeDefinition> definitions)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        if (!definitions.Any(d => !string.IsNullOrEmpty(d.Default)))
        {
            return attributesJson;
        }
        using var document = ParseObject(attributesJson);
        var present = document.RootElement.EnumerateObject()
            .Where(p => p.Value.ValueKind != JsonValueKind.Null)
            .Select(p => Guid.TryParse(p.Name, out var id) ? id : Guid.Empty).ToHashSet();
        var missing = definitions.Where(d => !string.IsNullOrEmpty(d.Default) && !present.Contains(d.Id)).ToList();
        if (missing.Count == 0)
        {
            return attributesJson;
        }
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                property.WriteTo(writer);
            }
            foreach (var definition in missing)
            {
                // A default that does not fit is refused when the taxonomy is saved; it never stops a drawing.
                if (AttributeValues.ProblemWith(definition, definition.Default!) is not null || definition.Default == "null")
                {
                    continue;
                }
                using var value = JsonDocument.Parse(definition.Default!);
                writer.WritePropertyName(definition.Id.ToString("D"));
                value.RootElement.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>The required attributes without a value in <paramref name="attributesJson"/>.</summary>
    public static IReadOnlyList<AttributeDefinition> MissingRequired(string attributesJson,
        IReadOnlyList<AttributeDefinition> definitions)
    {
        var present = new HashSet<Guid>();
        using var document = ParseObject(attributesJson);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Null && Guid.TryParse(property.Name, out var id))
            {
                present.Add(id);
            }
        }
        return [.. definitions.Where(d => d.Required && !present.Contains(d.Id))];
    }

    private static string Rewrite(string attributesJson, IReadOnlyList<AttributeDefinition> definitions, string labelName,
        bool strict)
    {
        ArgumentNullException.ThrowIfNull(definitions);
        var byId = new Dictionary<Guid, AttributeDefinition>();
        foreach (var definition in definitions)
        {
            byId.TryAdd(definition.Id, definition);
        }
        using var document = ParseObject(attributesJson);
        var seen = new HashSet<Guid>();
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!Guid.TryParse(property.Name, out var id) || !byId.TryGetValue(id, out var definition))
                {
                    if (strict)
                    {
                        throw new DomainException($"'{property.Name}' is not an attribute of label '{labelName}'.");
                    }
                    continue;
                }
                if (!seen.Add(id))
                {
                    if (strict)
                    {
                        throw new DomainException($"Attribute '{definition.Name}' is given twice.");
                    }
                    continue;
                }
                if (property.Value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }
                if (Problem(definition, property.Value) is { } problem)
                {
                    if (strict)
                    {
                        throw new DomainException(problem);
                    }
                    continue;
                }
                writer.WritePropertyName(id.ToString("D"));
                if (definition.Kind == AttributeKind.Number)
                {
                    writer.WriteNumberValue(property.Value.GetDouble() + 0.0);
                }
                else
                {
                    property.Value.WriteTo(writer);
                }
            }
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static JsonDocument ParseObject(string attributesJson)
    {
        ArgumentNullException.ThrowIfNull(attributesJson);
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(attributesJson);
        }
        catch (JsonException)
        {
            throw new DomainException("The attributes are not valid JSON.");
        }
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            document.Dispose();
            throw new DomainException("The attributes must be a JSON object keyed by attribute id.");
        }
        return document;
    }

    /// <summary>What is wrong with a value given as JSON text, or null when it fits (or is null).</summary>
    public static string? ProblemWith(AttributeDefinition definition, string valueJson)
    {
        ArgumentNullException.ThrowIfNull(definition);
        try
        {
            using var document = JsonDocument.Parse(valueJson);
            return document.RootElement.ValueKind == JsonValueKind.Null ? null : Problem(definition, document.RootElement);
        }
        catch (JsonException)
        {
            return "The value is not valid JSON.";
        }
    }

    /// <summary>What is wrong with a non-null value, or null when it fits.</summary>
    internal static string? Problem(AttributeDefinition definition, JsonElement value)
    {
        var name = definition.Name;
        switch (definition.Kind)
        {
            case AttributeKind.SingleSelect:
                return value.ValueKind == JsonValueKind.String && definition.Options.Contains(value.GetString())
                    ? null
                    : $"Attribute '{name}' must be one of: {string.Join(", ", definition.Options)}.";
            case AttributeKind.MultiSelect:
            {
                if (value.ValueKind != JsonValueKind.Array)
                {
                    return $"Attribute '{name}' must be a list of options among: {string.Join(", ", definition.Options)}.";
                }
                var chosen = new HashSet<string>(StringComparer.Ordinal);
                foreach (var item in value.EnumerateArray())
                {
                    var option = item.ValueKind == JsonValueKind.String ? item.GetString()! : item.GetRawText();
                    if (item.ValueKind != JsonValueKind.String || !definition.Options.Contains(option))
                    {
                        return $"'{option}' is not an option of attribute '{name}'; choose among: {string.Join(", ", definition.Options)}.";
                    }
                    if (!chosen.Add(option))
                    {
                        return $"Attribute '{name}' lists '{option}' twice.";
                    }
                }
                return null;
            }
            case AttributeKind.Checkbox:
                return value.ValueKind is JsonValueKind.True or JsonValueKind.False
                    ? null
                    : $"Attribute '{name}' must be true or false.";
            case AttributeKind.Number:
            {
                if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out var number) || !double.IsFinite(number))
                {
                    return $"Attribute '{name}' must be a finite number.";
                }
                var tooLow = definition.Min is { } min && number < min;
                var tooHigh = definition.Max is { } max && number > max;
                return tooLow || tooHigh
                    ? $"Attribute '{name}' must be {Range(definition)}; it is {Show(number)}."
                    : null;
            }
            case AttributeKind.Text:
            {
                if (value.ValueKind != JsonValueKind.String)
                {
                    return $"Attribute '{name}' must be text.";
                }
                var maxLength = definition.MaxLength ?? DefaultMaxTextLength;
                return value.GetString()!.Length > maxLength
                    ? $"Attribute '{name}' may be at most {maxLength} characters long."
                    : null;
            }
            default:
                return $"Attribute '{name}' has an unknown kind.";
        }
    }

    private static string Range(AttributeDefinition definition) => (definition.Min, definition.Max) switch
    {
        ({ } min, { } max) => $"between {Show(min)} and {Show(max)}",
        ({ } min, null) => $"at least {Show(min)}",
        (null, { } max) => $"at most {Show(max)}",
        _ => "a number",
    };

    private static string Show(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
