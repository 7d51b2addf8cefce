using System.Text.Json;
using Annotator.Core.Annotations;
using Annotator.Core.Images;

namespace Annotator.Web.Workspace;

/// <summary>
/// A committed operation as it arrives from the feed (the result JSON of docs/workspace-protocol.md), read back for the
/// side panel. The canvas gets the JSON itself.
/// </summary>
/// <param name="Sequence">The image's sequence number of the operation.</param>
/// <param name="Previous">The set's previous sequence number.</param>
/// <param name="OpId">The author's operation id.</param>
/// <param name="AuthorId">Who made it.</param>
/// <param name="AuthorName">Their display name.</param>
/// <param name="Type">create, update, delete or answer.</param>
/// <param name="RegionId">The region it changed.</param>
/// <param name="Region">The region after it (null: deleted).</param>
/// <param name="Revision">The region's revision after it.</param>
/// <param name="QuestionId">The question it answered.</param>
/// <param name="ValueJson">The answer.</param>
/// <param name="Status">The image's status after it.</param>
public sealed record CommittedMessage(long Sequence, long Previous, Guid OpId, string AuthorId, string AuthorName, string Type,
    Guid? RegionId, RegionData? Region, int Revision, Guid? QuestionId, string? ValueJson, ImageStatus? Status)
{
    /// <summary>Reads a message; null when it is not a committed operation.</summary>
    public static CommittedMessage? Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        if (!root.TryGetProperty("ok", out var ok) || !ok.GetBoolean())
        {
            return null;
        }
        var type = root.GetProperty("type").GetString() ?? "";
        RegionData? region = null;
        if (root.TryGetProperty("region", out var regionJson) && regionJson.ValueKind == JsonValueKind.Object)
        {
            region = OperationJson.ParseRegionState(regionJson).Region;
        }
        return new CommittedMessage(
            root.GetProperty("sequence").GetInt64(),
            root.TryGetProperty("prev", out var prev) ? prev.GetInt64() : 0,
            root.GetProperty("opId").GetGuid(),
            root.GetProperty("authorId").GetString() ?? "",
            root.TryGetProperty("authorName", out var name) ? name.GetString() ?? "" : "",
            type,
            root.TryGetProperty("regionId", out var regionId) ? regionId.GetGuid() : null,
            region,
            root.TryGetProperty("revision", out var revision) ? revision.GetInt32() : 0,
            root.TryGetProperty("questionId", out var question) ? question.GetGuid() : null,
            root.TryGetProperty("value", out var value) ? value.GetRawText() : null,
            root.TryGetProperty("status", out var status) && Enum.TryParse<ImageStatus>(status.GetString(), out var parsed) ? parsed : null);
    }
}
