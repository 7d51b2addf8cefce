using System.Text;
using System.Text.Json;

namespace Annotator.Core.Taxonomy;

/// <summary>What publishing does to one region: its new label and attribute values.</summary>
/// <param name="LabelId">The label after the migrations.</param>
/// <param name="Attributes">The attribute values after the migrations (canonical JSON object).</param>
/// <param name="Geometry">For keypoints whose skeleton changed: the points in the new skeleton's order (by point name;
/// new points unlabeled, removed ones gone); null when the geometry stays.</param>
public sealed record MigratedRegion(Guid LabelId, string Attributes, string? Geometry = null);

/// <summary>
/// Carries a region from the published taxonomy to the one being published: merges relabel it and move or drop the
/// merged label's attribute values, value mappings rewrite values, and values of attributes its label no longer has
/// are dropped. Values that exist but no longer fit are kept (the region is flagged, see <see cref="RegionFlags"/>).
/// </summary>
public sealed class TaxonomyMigrator
{
    private readonly IReadOnlyList<TaxonomyMigration> _migrations;
    private readonly Dictionary<Guid, LabelDefinition> _before;
    private readonly Dictionary<Guid, LabelDefinition> _after;
    private readonly HashSet<Guid> _projectAttributesAfter;
    private readonly Dictionary<Guid, AttributeDefinition> _attributesBefore = [];
    private readonly Dictionary<Guid, AttributeDefinition> _attributesAfter = [];

    /// <summary>Prepares the migration from <paramref name="before"/> to <paramref name="after"/>.</summary>
    public TaxonomyMigrator(TaxonomyDefinition before, TaxonomyDefinition after, IReadOnlyList<TaxonomyMigration> migrations)
    {
        ArgumentNullException.ThrowIfNull(before);
        ArgumentNullException.ThrowIfNull(after);
        _migrations = migrations ?? [];
        _before = before.Labels.ToDictionary(l => l.Id);
        _after = after.Labels.ToDictionary(l => l.Id);
        _projectAttributesAfter = after.ProjectAttributes.Select(a => a.Id).ToHashSet();
        foreach (var attribute in before.ProjectAttributes.Concat(before.Labels.SelectMany(l => l.Attributes)))
        {
            _attributesBefore.TryAdd(attribute.Id, attribute);
        }
        foreach (var attribute in after.ProjectAttributes.Concat(after.Labels.SelectMany(l => l.Attributes)))
        {
            _attributesAfter.TryAdd(attribute.Id, attribute);
        }
        var projectAttributesBefore = before.ProjectAttributes.Select(a => a.Id).ToHashSet();
        var everyRegion = _migrations.OfType<MapAttributeValues>().Any(m => projectAttributesBefore.Contains(m.AttributeId))
            || !projectAttributesBefore.IsSubsetOf(_projectAttributesAfter);
        var affected = new HashSet<Guid>(_migrations.OfType<MergeLabels>().Select(m => m.From));
        foreach (var label in before.Labels)
        {
            var attributesAfter = _after.TryGetValue(label.Id, out var now) ? now.Attributes.Select(a => a.Id).ToHashSet() : [];
            if (everyRegion
                || label.Attributes.Any(a => !attributesAfter.Contains(a.Id))
                || _migrations.OfType<MapAttributeValues>().Any(m => label.Attributes.Any(a => a.Id == m.AttributeId)))
            {
                affected.Add(label.Id);
            }
        }
        foreach (var label in before.Labels)
        {
            var now = _after.GetValueOrDefault(label.Id);
            var target = _migrations.OfType<MergeLabels>().LastOrDefault(m => m.From == label.Id) is { } merge ? _after.GetValueOrDefault(merge.Into) : now;
            if (label.Skeleton is { } old && target?.Skeleton is { } next && !old.Points.SequenceEqual(next.Points))
            {
                affected.Add(label.Id);
            }
        }
        AffectedLabels = affected;
    }

    /// <summary>
    /// The labels whose regions may change; regions of other labels stay exactly as they are (only these need loading).
    /// </summary>
    public IReadOnlySet<Guid> AffectedLabels { get; }

    /// <summary>Whether publishing changes anything in existing annotations.</summary>
    public bool ChangesAnnotations => AffectedLabels.Count > 0;

    /// <summary>The region's label and attributes after publishing, or null when it stays as it is.</summary>
    public MigratedRegion? Migrate(Guid labelId, string attributesJson) => Migrate(labelId, attributesJson, null);

    /// <summary>
    /// The region's label, attributes and (for keypoints, given <paramref name="keypointsJson"/>) geometry after
    /// publishing, or null when it stays as it is.
    /// </summary>
    public MigratedRegion? Migrate(Guid labelId, string attributesJson, string? keypointsJson)
    {
        if (!AffectedLabels.Contains(labelId))
        {
            return null;
        }
        var values = Parse(attributesJson);
        var label = labelId;
        foreach (var migration in _migrations)
        {
            switch (migration)
            {
                case MergeLabels merge when merge.From == label:
                    var moved = new Dictionary<Guid, JsonElement>();
                    foreach (var (id, given) in values)
                    {
                        var mapping = merge.Attributes.FirstOrDefault(m => m.From == id);
                        if (mapping is not null)
                        {
                            if (mapping.Into is { } into)
                            {
                                moved[into] = given;
                            }
                        }
                        else if (!IsLabelAttribute(merge.From, id))
                        {
                            moved[id] = given; // a project attribute
                        }
                    }
                    values = moved;
                    label = merge.Into;
                    break;
                case MapAttributeValues map when values.TryGetValue(map.AttributeId, out var old):
                    var mapped = MapValue(map, old);
                    if (mapped is { } value)
                    {
                        values[map.AttributeId] = value;
                    }
                    else
                    {
                        values.Remove(map.AttributeId);
                    }
                    break;
            }
        }
        var allowed = _after.TryGetValue(label, out var final) ? final.Attributes.Select(a => a.Id).ToHashSet() : [];
        allowed.UnionWith(_projectAttributesAfter);
        var result = Write(values.Where(v => allowed.Contains(v.Key)));
        var geometry = keypointsJson is not null && _before.GetValueOrDefault(labelId)?.Skeleton is { } from && final?.Skeleton is { } to
            ? Remap(keypointsJson, from, to)
            : null;
        return label == labelId && result == Canonical(attributesJson) && geometry is null
            ? null
            : new MigratedRegion(label, result, geometry);
    }

    /// <summary>Keypoints rearranged from one skeleton's points to another's, by point name; null when nothing moves.</summary>
    private static string? Remap(string keypointsJson, SkeletonDefinition from, SkeletonDefinition to)
    {
        if (from.Points.SequenceEqual(to.Points))
        {
            return null;
        }
        try
        {
            using var document = JsonDocument.Parse(keypointsJson);
            var points = document.RootElement.GetProperty("points").EnumerateArray().Select(p => p.GetDouble()).ToArray();
            if (points.Length != 3 * from.Points.Count)
            {
                return null;
            }
            var index = from.Points.Select((name, i) => (name, i)).ToDictionary(p => p.name.Trim(), p => p.i, StringComparer.OrdinalIgnoreCase);
            var result = new double[3 * to.Points.Count];
            for (var j = 0; j < to.Points.Count; j++)
            {
                if (index.TryGetValue(to.Points[j].Trim(), out var i))
                {
                    result[3 * j] = points[3 * i];
                    result[3 * j + 1] = points[3 * i + 1];
                    result[3 * j + 2] = points[3 * i + 2];
                }
            }
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                writer.WriteStartObject();
                writer.WriteStartArray("points");
                foreach (var value in result)
                {
                    writer.WriteNumberValue(value);
                }
                writer.WriteEndArray();
                writer.WriteEndObject();
            }
            return Encoding.UTF8.GetString(stream.ToArray());
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or FormatException)
        {
            return null; // stored geometry is canonical; anything else stays as it is
        }
    }

    private bool IsLabelAttribute(Guid labelId, Guid attributeId) =>
        (_before.TryGetValue(labelId, out var label) || _after.TryGetValue(labelId, out label))
        && label.Attributes.Any(a => a.Id == attributeId);

    private JsonElement? MapValue(MapAttributeValues map, JsonElement old)
    {
        var wasMulti = _attributesBefore.TryGetValue(map.AttributeId, out var before) && before.Kind == AttributeKind.MultiSelect;
        var isMulti = _attributesAfter.TryGetValue(map.AttributeId, out var after) && after.Kind == AttributeKind.MultiSelect;
        if (wasMulti && isMulti && old.ValueKind == JsonValueKind.Array)
        {
            var items = new List<string>();
            foreach (var item in old.EnumerateArray())
            {
                var text = item.GetRawText();
                var rule = map.Values.FirstOrDefault(v => SameJson(v.From, text));
                var next = rule is null ? text : rule.To;
                if (next is not null && !items.Contains(next))
                {
                    items.Add(next);
                }
            }
            return Element("[" + string.Join(",", items) + "]");
        }
        var whole = map.Values.FirstOrDefault(v => SameJson(v.From, old.GetRawText()));
        return whole is null ? old : whole.To is null ? null : Element(whole.To);
    }

    /// <summary>Whether two JSON values are the same (numbers by value: 5 and 5.0 match).</summary>
    private static bool SameJson(string a, string b)
    {
        try
        {
            using var x = JsonDocument.Parse(a);
            using var y = JsonDocument.Parse(b);
            return x.RootElement.ValueKind == JsonValueKind.Number && y.RootElement.ValueKind == JsonValueKind.Number
                ? x.RootElement.GetDouble() == y.RootElement.GetDouble()
                : Canonical(a) == Canonical(b);
        }
        catch (JsonException)
        {
            return a == b;
        }
    }

    private static string Canonical(string json)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            using var stream = new MemoryStream();
            using (var writer = new Utf8JsonWriter(stream))
            {
                document.RootElement.WriteTo(writer);
            }
            return Encoding.UTF8.GetString(stream.ToArray());
        }
        catch (JsonException)
        {
            return json;
        }
    }

    private static JsonElement Element(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static Dictionary<Guid, JsonElement> Parse(string attributesJson)
    {
        var values = new Dictionary<Guid, JsonElement>();
        try
        {
            using var document = JsonDocument.Parse(string.IsNullOrEmpty(attributesJson) ? "{}" : attributesJson);
            if (document.RootElement.ValueKind == JsonValueKind.Object)
            {
                foreach (var property in document.RootElement.EnumerateObject())
                {
                    if (Guid.TryParse(property.Name, out var id) && property.Value.ValueKind != JsonValueKind.Null)
                    {
                        values[id] = property.Value.Clone();
                    }
                }
            }
        }
        catch (JsonException)
        {
            // Stored values are canonical JSON; a broken one is dropped rather than stopping a publish.
        }
        return values;
    }

    private static string Write(IEnumerable<KeyValuePair<Guid, JsonElement>> values)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            writer.WriteStartObject();
            foreach (var (id, value) in values)
            {
                writer.WritePropertyName(id.ToString("D"));
                value.WriteTo(writer);
            }
            writer.WriteEndObject();
        }
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
