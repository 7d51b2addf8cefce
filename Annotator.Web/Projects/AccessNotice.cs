using System.Text.Json;
using System.Text.Json.Serialization;

using Annotator.Web.Feed;

namespace Annotator.Web.Projects;

/// <summary>
/// A change of someone's access, published on <see cref="FeedTopics.Access"/> with the user id as key: a project
/// membership or role changed, a project was archived, the account was deactivated or changed, or an API token was
/// revoked. Hub connections of that user re-check what they have joined and tell the program why.
/// </summary>
/// <param name="Reason">What changed, in words for the user.</param>
/// <param name="TokenId">Set when only the connections of one API token are affected (it was revoked).</param>
public sealed record AccessNotice(string Reason, int? TokenId = null)
{
    /// <summary>The feed payload.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, AccessNoticeJson.Default.AccessNotice);

    /// <summary>Reads a feed payload; null when it is not an access notice.</summary>
    public static AccessNotice? Parse(string json)
    {
        try
        {
            return JsonSerializer.Deserialize(json, AccessNoticeJson.Default.AccessNotice);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Publishing access notices.</summary>
public static class AccessNoticeExtensions
{
    /// <summary>Tells every node that <paramref name="userId"/>'s access changed.</summary>
    public static Task PublishAccessChangeAsync(this IFeed feed, string userId, string reason, int? tokenId = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(feed);
        return feed.PublishAsync(new FeedEnvelope(FeedTopics.Access, userId, new AccessNotice(reason, tokenId).ToJson()), cancellationToken);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(AccessNotice))]
internal sealed partial class AccessNoticeJson : JsonSerializerContext;
