using System.Globalization;
using System.Text.Json;

namespace Annotator.Core;

/// <summary>
/// The properties of one JSON object, checked against the names it may have: an unknown or repeated name is refused
/// at once, and the getters refuse missing or mistyped values. <c>subject</c> starts every message ("The box
/// geometry", "The update operation").
/// </summary>
internal sealed class JsonFields
{
    private readonly Dictionary<string, JsonElement> _values = new(StringComparer.Ordinal);
    private readonly string _subject;

    public JsonFields(JsonElement element, string subject, params string[] allowed)
    {
        _subject = subject;
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new DomainException($"{subject} must be a JSON object.");
        }
        foreach (var property in element.EnumerateObject())
        {
            if (!allowed.Contains(property.Name, StringComparer.Ordinal))
            {
                throw new DomainException($"{subject} has an unknown property '{property.Name}'.");
            }
            if (!_values.TryAdd(property.Name, property.Value))
            {
                throw new DomainException($"{subject} has '{property.Name}' twice.");
            }
        }
    }

    public bool Has(string name) => _values.ContainsKey(name);

    public JsonElement Required(string name) =>
        _values.TryGetValue(name, out var value) ? value : throw new DomainException($"{_subject} needs '{name}'.");

    public double Number(string name) => FiniteNumber(Required(name), $"Coordinate '{name}'");

    public int Integer(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new DomainException($"'{name}' must be a whole number.");
    }

    public bool Boolean(string name) => Required(name).ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        _ => throw new DomainException($"'{name}' must be true or false."),
    };

    public Guid Uuid(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.String && Guid.TryParseExact(value.GetString(), "D", out var id)
            ? id
            : throw new DomainException($"'{name}' must be a uuid.");
    }

    public JsonElement Array(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.Array ? value : throw new DomainException($"'{name}' must be an array.");
    }

    public JsonElement Object(string name)
    {
        var value = Required(name);
        return value.ValueKind == JsonValueKind.Object ? value : throw new DomainException($"'{name}' must be a JSON object.");
    }

    /// <summary>A number that is finite as a double (-0 read as 0); <paramref name="what"/> names it in the message.</summary>
    public static double FiniteNumber(JsonElement value, string what) =>
        value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var number) && double.IsFinite(number)
            ? number + 0.0
            : throw new DomainException($"{what} is not a finite number.");

    /// <summary>Formats a number for a message: invariant culture, at most three decimals.</summary>
    public static string Show(double value) => value.ToString("0.###", CultureInfo.InvariantCulture);
}
