using System.Text.Json;
using System.Text.Json.Serialization;
using Annotator.Core.Annotations;
using Annotator.Core.Images;

namespace Annotator.Web.Annotations;

/// <summary>
/// One committed operation, as every receiver gets it: the answer to its author, the feed's message to every open
/// workspace and hub client, and each entry of a catch-up. The JSON (docs/workspace-protocol.md, "Results") is written
/// and read by <see cref="WorkspaceJson"/>'s source-generated context; <c>wwwroot/js/workspace/protocol.js</c> types
/// the same object for the canvas (<c>CommittedOperation</c>).
/// </summary>
/// <param name="OpId">The author's operation id (empty for a catch-up entry, which sums up several).</param>
/// <param name="ImageId">The image.</param>
/// <param name="Sequence">The annotation set's sequence number of the operation.</param>
/// <param name="Prev">The set's sequence number before it, so a receiver notices a gap (0: none).</param>
/// <param name="AuthorId">Who made it.</param>
/// <param name="AuthorName">Their display name.</param>
/// <param name="Status">The image's status after it (an edit puts a done image back in progress).</param>
/// <param name="Type"><c>create</c>, <c>update</c>, <c>delete</c> or <c>answer</c>.</param>
/// <param name="QuestionId">For an answer: the question.</param>
/// <param name="Value">For an answer: the value, as JSON.</param>
/// <param name="RegionId">For a region operation: the region.</param>
/// <param name="Region">For a region operation: the region after it (null: deleted).</param>
/// <param name="Revision">For a region operation: the region's revision after it.</param>
public sealed record CommittedOperation(
    Guid OpId,
    int ImageId,
    long Sequence,
    long Prev,
    string AuthorId,
    string AuthorName,
    [property: JsonConverter(typeof(JsonStringEnumConverter<ImageStatus>))] ImageStatus Status,
    string Type,
    Guid? QuestionId = null,
    [property: JsonConverter(typeof(RawJsonConverter))] string? Value = null,
    Guid? RegionId = null,
    RegionState? Region = null,
    int Revision = 0)
{
    /// <summary>Always true: a refusal is an <see cref="OperationRefusal"/>.</summary>
    [JsonPropertyOrder(-1)]
    public bool Ok => true;

    /// <summary>The JSON of docs/workspace-protocol.md.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, WorkspaceJson.CommittedOperation);

    /// <summary>Reads a message of the feed; null when it is not a committed operation (a refusal, or not ours).</summary>
    public static CommittedOperation? Parse(string json)
    {
        try
        {
            var operation = JsonSerializer.Deserialize(json, WorkspaceJson.CommittedOperation);
            return operation is { Type.Length: > 0 } && (operation.QuestionId is not null || operation.RegionId is not null) ? operation : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>An operation that was not applied, and why (docs/workspace-protocol.md, "Results").</summary>
/// <param name="OpId">The client's operation id.</param>
/// <param name="Error">Why, in words for the user.</param>
/// <param name="StorageFull">The server's storage is full: nothing was saved, the same operation may be sent again later.</param>
/// <param name="SignedOut">The session ended: nothing was saved.</param>
/// <param name="Conflict">Someone else changed (<c>changed</c>) or deleted (<c>deleted</c>) the region first.</param>
/// <param name="RegionId">With a conflict: the region.</param>
/// <param name="Region">With a conflict: the region as it is now (null: deleted).</param>
/// <param name="Revision">With a conflict: its revision now.</param>
/// <param name="By">With a conflict: who changed it last.</param>
public sealed record OperationRefusal(
    Guid OpId,
    string Error,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool StorageFull = false,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingDefault)] bool SignedOut = false,
    string? Conflict = null,
    Guid? RegionId = null,
    RegionState? Region = null,
    int Revision = 0,
    string? By = null)
{
    /// <summary>Always false.</summary>
    [JsonPropertyOrder(-1)]
    public bool Ok => false;

    /// <summary>The JSON of docs/workspace-protocol.md.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, WorkspaceJson.OperationRefusal);
}

/// <summary>Reads and writes <see cref="RegionState"/> with the operations' own region format (<see cref="OperationJson"/>).</summary>
public sealed class RegionStateJsonConverter : JsonConverter<RegionState>
{
    /// <inheritdoc />
    public override RegionState Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        var (region, revision) = OperationJson.ParseRegionState(document.RootElement);
        return new RegionState(region, revision);
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, RegionState value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(value);
        writer.WriteRawValue(OperationJson.SerializeRegion(value.Data, value.Revision), skipInputValidation: true);
    }
}

/// <summary>A string holding JSON, written as that JSON (an answer's value) and read back as its text.</summary>
public sealed class RawJsonConverter : JsonConverter<string>
{
    /// <inheritdoc />
    public override string Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        using var document = JsonDocument.ParseValue(ref reader);
        return document.RootElement.GetRawText();
    }

    /// <inheritdoc />
    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(writer);
        writer.WriteRawValue(value);
    }

    /// <inheritdoc />
    public override bool HandleNull => false;
}
