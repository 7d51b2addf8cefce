using System.Text.Json;
using System.Text.Json.Serialization;

using Annotator.Web.Feed;

namespace Annotator.Web.Taxonomy;

/// <summary>
/// A taxonomy version was published, on <see cref="FeedTopics.Taxonomy"/> with the project id as key: every open
/// workspace of the project takes the new labels at once and tells its labeler what changed.
/// </summary>
/// <param name="ProjectId">The project.</param>
/// <param name="VersionId">The new version's database id.</param>
/// <param name="Number">The new version's number.</param>
/// <param name="By">Who published it (display name).</param>
/// <param name="Changes">What changed, one sentence each (see <c>TaxonomyDiff</c>).</param>
/// <param name="RegionsChanged">How many regions publishing relabeled or whose attributes it rewrote.</param>
public sealed record TaxonomyNotice(int ProjectId, int VersionId, int Number, string By, IReadOnlyList<string> Changes, int RegionsChanged)
{
    /// <summary>The feed payload.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, TaxonomyNoticeJson.Default.TaxonomyNotice);

    /// <summary>Reads a feed payload; null when it is not a taxonomy notice.</summary>
    public static TaxonomyNotice? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, TaxonomyNoticeJson.Default.TaxonomyNotice);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>"Ada published taxonomy version 3."</summary>
    public string Headline => $"{(string.IsNullOrEmpty(By) ? "An admin" : By)} published taxonomy version {Number}.";

    /// <summary>The notice in one line: "Ada published taxonomy version 3: Renamed 'car' to 'automobile'. …"</summary>
    public string Summary(int shown = 3)
    {
        var head = Headline.TrimEnd('.');
        if (Changes.Count == 0 || shown <= 0)
        {
            return Headline;
        }
        var more = Changes.Count > shown ? $" (and {Changes.Count - shown} more change{(Changes.Count - shown == 1 ? "" : "s")})" : "";
        return $"{head}: {string.Join(" ", Changes.Take(shown))}{more}";
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(TaxonomyNotice))]
internal sealed partial class TaxonomyNoticeJson : JsonSerializerContext;
