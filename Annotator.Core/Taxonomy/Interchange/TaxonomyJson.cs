using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace Annotator.Core.Taxonomy.Interchange;

/// <summary>
/// Annotator's own taxonomy file (docs/taxonomy-json.md): an envelope naming the format and its version around the
/// taxonomy exactly as <see cref="TaxonomyDefinition.ToJson"/> writes it, so an export and import keep everything the
/// records hold, ids included.
/// </summary>
public static class TaxonomyJson
{
    /// <summary>The value of the envelope's "format".</summary>
    public const string Format = "annotator.taxonomy";

    /// <summary>The envelope version this build writes and reads.</summary>
    public const int Version = 1;

    private const string Subject = "The taxonomy file";

    // As TaxonomyDefinition reads its JSON, but strict where a file from outside may be wrong: null for a value that
    // cannot be null, and enum numbers (which would let an undefined shape kind through) are refused.
    private static readonly JsonSerializerOptions ImportOptions = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter(namingPolicy: null, allowIntegerValues: false) },
        RespectNullableAnnotations = true,
    };

    // A file for people: names in any script stay readable rather than \u-escaped. It is never embedded in HTML.
    private static readonly JavaScriptEncoder Readable = JavaScriptEncoder.UnsafeRelaxedJsonEscaping;

    /// <summary>Writes the taxonomy file: indented, with short lists (options, points, edges) on one line, to read and diff.</summary>
    /// <param name="definition">The taxonomy.</param>
    /// <param name="projectName">The project it comes from, as information for whoever imports it; left out when null.</param>
    public static string Export(TaxonomyDefinition definition, string? projectName = null)
    {
        ArgumentNullException.ThrowIfNull(definition);
        using var taxonomy = JsonDocument.Parse(definition.ToJson());
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Indented = true, Encoder = Readable }))
        {
            writer.WriteStartObject();
            writer.WriteString("format", Format);
            writer.WriteNumber("version", Version);
            if (projectName is not null)
            {
                writer.WriteString("project", projectName);
            }
            writer.WritePropertyName("taxonomy");
            WriteReadable(writer, taxonomy.RootElement);
            writer.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>
    /// Writes objects indented, but a list of values, or of lists of values (skeleton edges, layout), on one line: a
    /// 17-point skeleton stays a screenful instead of two hundred lines of single numbers.
    /// </summary>
    private static void WriteReadable(Utf8JsonWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.WriteStartObject();
                foreach (var property in element.EnumerateObject())
                {
                    writer.WritePropertyName(property.Name);
                    WriteReadable(writer, property.Value);
                }
                writer.WriteEndObject();
                break;
            case JsonValueKind.Array when element.EnumerateArray().All(IsFlat):
                using (var line = new MemoryStream())
                {
                    using (var compact = new Utf8JsonWriter(line, new JsonWriterOptions { Encoder = Readable }))
                    {
                        element.WriteTo(compact);
                    }
                    writer.WriteRawValue(line.ToArray());
                }
                break;
            case JsonValueKind.Array:
                writer.WriteStartArray();
                foreach (var item in element.EnumerateArray())
                {
                    WriteReadable(writer, item);
                }
                writer.WriteEndArray();
                break;
            default:
                element.WriteTo(writer);
                break;
        }
    }

    private static bool IsFlat(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.Object => false,
        JsonValueKind.Array => element.EnumerateArray().All(e => e.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array)),
        _ => true,
    };

    /// <summary>Reads a taxonomy file from a UTF-8 stream (at most 8 MB is read).</summary>
    /// <inheritdoc cref="Import(string, bool)"/>
    public static TaxonomyDefinition Import(Stream utf8Json, bool freshIds = false) =>
        Import(SafeJson.ReadCapped(utf8Json, Subject, InterchangeLimits.MaxTaxonomyJsonCharacters), freshIds);

    /// <summary>Reads a taxonomy file.</summary>
    /// <param name="json">The file's text.</param>
    /// <param name="freshIds">
    /// Give every label, attribute and question a new id (and point every reference, such as a parent, at the new one):
    /// for importing into a project that may already hold the same taxonomy. Without it the ids are kept.
    /// </param>
    /// <returns>The taxonomy, valid.</returns>
    /// <exception cref="DomainException">
    /// The text is not JSON, is larger than 8 MB or nested deeper than 64 levels, is not an Annotator taxonomy file of
    /// a version this build reads, or the taxonomy in it is malformed or not valid (the message lists the problems).
    /// </exception>
    public static TaxonomyDefinition Import(string json, bool freshIds = false)
    {
        var root = SafeJson.Parse(json, Subject, InterchangeLimits.MaxTaxonomyJsonCharacters) as JsonObject
            ?? throw new DomainException($"{Subject} must be a JSON object with \"format\": \"{Format}\".");
        var format = (root["format"] as JsonValue)?.GetValueKind() == JsonValueKind.String ? root["format"]!.GetValue<string>() : null;
        if (format != Format)
        {
            throw new DomainException(format is null
                ? $"This is not an Annotator taxonomy file: it has no \"format\": \"{Format}\"."
                : $"This is not an Annotator taxonomy file: its format is '{format}', not '{Format}'.");
        }
        if (root["version"] is not JsonValue versionValue || versionValue.GetValueKind() != JsonValueKind.Number
            || !versionValue.TryGetValue<int>(out var version) || version < 1)
        {
            throw new DomainException($"{Subject} has no valid \"version\" (this build reads version {Version}).");
        }
        if (version > Version)
        {
            throw new DomainException($"{Subject} is version {version}, written by a newer Annotator; this one reads version {Version}.");
        }
        if (root["taxonomy"] is not JsonObject taxonomyNode)
        {
            throw new DomainException($"{Subject} has no \"taxonomy\" object.");
        }
        if (freshIds)
        {
            RenewIds(taxonomyNode);
        }
        TaxonomyDefinition definition;
        try
        {
            definition = taxonomyNode.Deserialize<TaxonomyDefinition>(ImportOptions)
                ?? throw new DomainException($"{Subject} has no \"taxonomy\" object.");
        }
        catch (JsonException exception)
        {
            var path = string.IsNullOrEmpty(exception.Path) ? "" : $" at {exception.Path.Replace("$", "taxonomy", StringComparison.Ordinal)}";
            throw new DomainException($"{Subject} cannot be read{path}: a value is missing, null or of the wrong type.");
        }
        var problems = Malformed(definition).ToList();
        if (problems.Count == 0)
        {
            problems.AddRange(definition.Validate());
            problems.AddRange(QuestionProblems(definition));
        }
        if (problems.Count > 0)
        {
            throw new DomainException($"The taxonomy in the file is not valid: {string.Join(" ", problems.Distinct())}");
        }
        return definition;
    }

    /// <summary>
    /// Replaces every id with a new one, and every other string equal to an old id with its new id. Working on the
    /// JSON rather than the records keeps references consistent that this code does not know by name (a label's
    /// parent, a question's parent, and whatever later versions of the records add).
    /// </summary>
    private static void RenewIds(JsonObject taxonomy)
    {
        var renewed = new Dictionary<Guid, Guid>();
        foreach (var node in Walk(taxonomy))
        {
            if (node is JsonObject entity)
            {
                var id = entity.FirstOrDefault(p => string.Equals(p.Key, "id", StringComparison.OrdinalIgnoreCase)).Value;
                if (AsGuid(id) is { } old)
                {
                    renewed.TryAdd(old, Guid.NewGuid());
                }
            }
        }
        foreach (var node in Walk(taxonomy).ToList())
        {
            if (AsGuid(node) is { } old && renewed.TryGetValue(old, out var fresh))
            {
                node!.ReplaceWith(JsonValue.Create(fresh.ToString("D")));
            }
        }
    }

    private static IEnumerable<JsonNode?> Walk(JsonNode? node)
    {
        yield return node;
        var children = node switch
        {
            JsonObject o => o.Select(p => p.Value),
            JsonArray a => a,
            _ => [],
        };
        foreach (var child in children.ToList())
        {
            foreach (var descendant in Walk(child))
            {
                yield return descendant;
            }
        }
    }

    private static Guid? AsGuid(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String && Guid.TryParse(value.GetValue<string>(), out var id)
            ? id
            : null;

    /// <summary>
    /// Nulls inside lists, which the serializer lets through and <see cref="TaxonomyDefinition.Validate"/> does not
    /// expect. Found first, so the admin hears about them rather than about a crash.
    /// </summary>
    private static IEnumerable<string> Malformed(TaxonomyDefinition definition)
    {
        for (var i = 0; i < definition.Labels.Count; i++)
        {
            var label = definition.Labels[i];
            if (label is null)
            {
                yield return $"Label {i + 1} is null.";
                continue;
            }
            foreach (var problem in Malformed(label.Attributes, $"label '{label.Name}'"))
            {
                yield return problem;
            }
            if (label.Skeleton is { } skeleton
                && (skeleton.Points.Any(p => p is null) || skeleton.Edges.Any(e => e is null) || skeleton.FlipPairs.Any(e => e is null)))
            {
                yield return $"The skeleton of '{label.Name}' has a null point, edge or flip pair.";
            }
        }
        foreach (var problem in Malformed(definition.ProjectAttributes, "the project"))
        {
            yield return problem;
        }
        for (var i = 0; i < definition.Questions.Count; i++)
        {
            if (definition.Questions[i] is not { } question)
            {
                yield return $"Question {i + 1} is null.";
            }
            else if (question.Options.Any(o => o is null))
            {
                yield return $"Question '{question.Text}' has a null option.";
            }
        }
    }

    private static IEnumerable<string> Malformed(IReadOnlyList<AttributeDefinition> attributes, string owner)
    {
        for (var i = 0; i < attributes.Count; i++)
        {
            if (attributes[i] is not { } attribute)
            {
                yield return $"Attribute {i + 1} of {owner} is null.";
            }
            else if (attribute.Options.Any(o => o is null))
            {
                yield return $"Attribute '{attribute.Name}' of {owner} has a null option.";
            }
        }
    }

    /// <summary>What <see cref="TaxonomyDefinition.Validate"/> leaves to the editor that makes questions: ids and parents.</summary>
    private static IEnumerable<string> QuestionProblems(TaxonomyDefinition definition)
    {
        var attributeIds = new HashSet<Guid>();
        foreach (var attribute in definition.ProjectAttributes.Concat(definition.Labels.SelectMany(l => l.Attributes)))
        {
            if (!attributeIds.Add(attribute.Id))
            {
                yield return $"Attribute id {attribute.Id} is used twice.";
            }
        }
        var questions = new Dictionary<Guid, QuestionDefinition>();
        foreach (var question in definition.Questions)
        {
            if (!questions.TryAdd(question.Id, question))
            {
                yield return $"Question id {question.Id} is used twice.";
            }
        }
        foreach (var question in definition.Questions.Where(q => q.ParentQuestionId is not null))
        {
            if (!questions.TryGetValue(question.ParentQuestionId!.Value, out var parent))
            {
                yield return $"Question '{question.Text}' follows a question that does not exist.";
            }
            else if (question.ParentOption is { } option && !parent.Options.Contains(option))
            {
                yield return $"Question '{question.Text}' follows the answer '{option}', which '{parent.Text}' does not offer.";
            }
            var seen = new HashSet<Guid> { question.Id };
            for (var up = parent; up is not null; up = up.ParentQuestionId is { } next ? questions.GetValueOrDefault(next) : null)
            {
                if (!seen.Add(up.Id))
                {
                    yield return $"The parent questions of '{question.Text}' go round in a loop.";
                    break;
                }
            }
        }
    }
}
