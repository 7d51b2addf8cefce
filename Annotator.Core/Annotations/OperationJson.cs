using System.Text;
using System.Text.Json;
using Annotator.Core.Geometry;

namespace Annotator.Core.Annotations;

/// <summary>
/// Reads and writes operations and region states in the JSON of docs/workspace-protocol.md. Parsing checks the
/// structure only (types, uuids, known properties); <see cref="OperationValidator"/> checks the content. Geometry,
/// attributes and answer values are kept as compact JSON text.
/// </summary>
public static class OperationJson
{
    /// <summary>The largest operation accepted, in UTF-8 bytes (a big mask fits; a runaway client does not).</summary>
    public const int MaxOperationBytes = 4 * 1024 * 1024;

    private static readonly JsonWriterOptions Compact = new() { Indented = false };

    /// <summary>Reads one operation.</summary>
    /// <exception cref="DomainException">The JSON is not a well-formed operation; the message says what is wrong.</exception>
    public static EditOperation Parse(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > MaxOperationBytes || Encoding.UTF8.GetByteCount(json) > MaxOperationBytes)
        {
            throw new DomainException($"The operation is larger than {MaxOperationBytes / (1024 * 1024)} MB.");
        }
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException)
        {
            throw new DomainException("The operation is not valid JSON.");
        }
        using (document)
        {
            try
            {
                return Read(document.RootElement);
            }
            catch (InvalidOperationException)
            {
                // System.Text.Json parses an escaped unpaired surrogate ("\ud800") but refuses to turn it into a string.
                throw new DomainException(NotUnicode);
            }
        }
    }

    private const string NotUnicode = "The operation holds text that is not valid Unicode (an unpaired surrogate such as \\ud800).";

    /// <summary>Writes an operation; <see cref="Parse"/> reads it back equal.</summary>
    public static string Serialize(EditOperation op)
    {
        ArgumentNullException.ThrowIfNull(op);
        return WriteJson(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("opId", op.OpId);
            writer.WriteString("type", op.Type);
            if (op.Group is { } group)
            {
                writer.WriteString("group", group);
            }
            switch (op)
            {
                case CreateRegionOp create:
                    writer.WritePropertyName("region");
                    WriteRegion(writer, create.Region, revision: null);
                    break;
                case UpdateRegionOp update:
                    writer.WriteString("regionId", update.RegionId);
                    writer.WriteNumber("baseRevision", update.BaseRevision);
                    writer.WritePropertyName("set");
                    WriteChanges(writer, update.Set);
                    break;
                case DeleteRegionOp delete:
                    writer.WriteString("regionId", delete.RegionId);
                    writer.WriteNumber("baseRevision", delete.BaseRevision);
                    break;
                case AnswerOp answer:
                    writer.WriteString("questionId", answer.QuestionId);
                    writer.WritePropertyName("value");
                    writer.WriteRawValue(answer.ValueJson);
                    break;
                default:
                    throw new ArgumentOutOfRangeException(nameof(op), op.GetType().Name, "Unknown operation.");
            }
            writer.WriteEndObject();
        });
    }

    /// <summary>
    /// Writes a region state as the protocol's results and canvas options carry it:
    /// <c>{"id","labelId","kind","geometry":{…},"attributes":{…},"zOrder","hidden","locked","revision"}</c>, with
    /// geometry and attributes embedded as JSON, not strings.
    /// </summary>
    public static string SerializeRegion(RegionData region, int revision)
    {
        ArgumentNullException.ThrowIfNull(region);
        return WriteJson(writer => WriteRegion(writer, region, revision));
    }

    /// <summary>Writes a JSON value as compact text.</summary>
    /// <exception cref="DomainException">A string in it is not valid Unicode (an escaped unpaired surrogate).</exception>
    internal static string Compacted(JsonElement value)
    {
        try
        {
            return WriteJson(value.WriteTo);
        }
        catch (InvalidOperationException)
        {
            throw new DomainException(NotUnicode);
        }
    }

    private static string WriteJson(Action<Utf8JsonWriter> write)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream, Compact))
        {
            write(writer);
        }
        return Encoding.UTF8.GetString(stream.GetBuffer(), 0, (int)stream.Length);
    }

    private static EditOperation Read(JsonElement root)
    {
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new DomainException("The operation must be a JSON object.");
        }
        var type = root.TryGetProperty("type", out var typeElement) && typeElement.ValueKind == JsonValueKind.String
            ? typeElement.GetString()
            : throw new DomainException("The operation needs a 'type' (create, update, delete or answer).");
        EditOperation op;
        JsonFields fields;
        switch (type)
        {
            case "create":
                fields = new JsonFields(root, "The create operation", "opId", "type", "group", "region");
                op = new CreateRegionOp(fields.Uuid("opId"), ReadRegion(fields.Required("region")));
                break;
            case "update":
                fields = new JsonFields(root, "The update operation", "opId", "type", "group", "regionId", "baseRevision", "set");
                op = new UpdateRegionOp(fields.Uuid("opId"), fields.Uuid("regionId"), BaseRevision(fields),
                    ReadChanges(fields.Required("set")));
                break;
            case "delete":
                fields = new JsonFields(root, "The delete operation", "opId", "type", "group", "regionId", "baseRevision");
                op = new DeleteRegionOp(fields.Uuid("opId"), fields.Uuid("regionId"), BaseRevision(fields));
                break;
            case "answer":
                fields = new JsonFields(root, "The answer operation", "opId", "type", "group", "questionId", "value");
                op = new AnswerOp(fields.Uuid("opId"), fields.Uuid("questionId"), Compacted(fields.Required("value")));
                break;
            default:
                throw new DomainException($"Unknown operation type '{type}'; expected create, update, delete or answer.");
        }
        if (fields.Has("group") && fields.Required("group").ValueKind != JsonValueKind.Null)
        {
            op = op with { Group = fields.Uuid("group") };
        }
        return op;
    }

    private static int BaseRevision(JsonFields fields)
    {
        var revision = fields.Integer("baseRevision");
        return revision >= 0 ? revision : throw new DomainException("'baseRevision' must not be negative.");
    }

    /// <summary>Reads a region as <see cref="SerializeRegion"/> writes it (with its revision).</summary>
    /// <exception cref="DomainException">It is not such a region.</exception>
    public static (RegionData Region, int Revision) ParseRegionState(JsonElement element)
    {
        var fields = new JsonFields(element, "The region", RegionFields);
        return (ReadRegion(fields), fields.Integer("revision"));
    }

    private static readonly string[] RegionFields =
        ["id", "labelId", "kind", "geometry", "attributes", "zOrder", "hidden", "locked", "revision"];

    private static RegionData ReadRegion(JsonElement element) =>
        ReadRegion(new JsonFields(element, "The region", RegionFields[..^1]));

    private static RegionData ReadRegion(JsonFields fields)
    {
        return new RegionData(
            fields.Uuid("id"),
            fields.Uuid("labelId"),
            Kind(fields),
            Compacted(fields.Object("geometry")),
            fields.Has("attributes") ? Compacted(fields.Object("attributes")) : "{}",
            fields.Has("zOrder") ? fields.Integer("zOrder") : 0,
            fields.Has("hidden") && fields.Boolean("hidden"),
            fields.Has("locked") && fields.Boolean("locked"));
    }

    private static ShapeKind Kind(JsonFields fields)
    {
        var value = fields.Required("kind");
        var name = value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText();
        return ShapeKindNames.TryParse(name, out var kind)
            ? kind
            : throw new DomainException(
                $"Unknown shape kind '{name}'; expected one of {string.Join(", ", Enum.GetValues<ShapeKind>().Select(ShapeKindNames.ToJson))}.");
    }

    private static RegionChanges ReadChanges(JsonElement element)
    {
        var fields = new JsonFields(element, "The update's 'set'", "geometry", "labelId", "attributes", "zOrder", "hidden", "locked");
        var changes = new RegionChanges(
            fields.Has("geometry") ? Compacted(fields.Object("geometry")) : null,
            fields.Has("labelId") ? fields.Uuid("labelId") : null,
            fields.Has("attributes") ? Compacted(fields.Object("attributes")) : null,
            fields.Has("zOrder") ? fields.Integer("zOrder") : null,
            fields.Has("hidden") ? fields.Boolean("hidden") : null,
            fields.Has("locked") ? fields.Boolean("locked") : null);
        return changes.IsEmpty ? throw new DomainException("The update changes nothing: its 'set' is empty.") : changes;
    }

    private static void WriteRegion(Utf8JsonWriter writer, RegionData region, int? revision)
    {
        writer.WriteStartObject();
        writer.WriteString("id", region.Id);
        writer.WriteString("labelId", region.LabelId);
        writer.WriteString("kind", ShapeKindNames.ToJson(region.Kind));
        writer.WritePropertyName("geometry");
        writer.WriteRawValue(region.Geometry);
        writer.WritePropertyName("attributes");
        writer.WriteRawValue(region.Attributes);
        writer.WriteNumber("zOrder", region.ZOrder);
        writer.WriteBoolean("hidden", region.Hidden);
        writer.WriteBoolean("locked", region.Locked);
        if (revision is { } value)
        {
            writer.WriteNumber("revision", value);
        }
        writer.WriteEndObject();
    }

    private static void WriteChanges(Utf8JsonWriter writer, RegionChanges set)
    {
        writer.WriteStartObject();
        if (set.Geometry is not null)
        {
            writer.WritePropertyName("geometry");
            writer.WriteRawValue(set.Geometry);
        }
        if (set.LabelId is { } labelId)
        {
            writer.WriteString("labelId", labelId);
        }
        if (set.Attributes is not null)
        {
            writer.WritePropertyName("attributes");
            writer.WriteRawValue(set.Attributes);
        }
        if (set.ZOrder is { } zOrder)
        {
            writer.WriteNumber("zOrder", zOrder);
        }
        if (set.Hidden is { } hidden)
        {
            writer.WriteBoolean("hidden", hidden);
        }
        if (set.Locked is { } locked)
        {
            writer.WriteBoolean("locked", locked);
        }
        writer.WriteEndObject();
    }
}
