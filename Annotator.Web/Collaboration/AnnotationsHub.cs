using System.Text;
using System.Text.Json;
using Annotator.Core.Annotations;
using Annotator.Web.Accounts;
using Annotator.Web.Annotations;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

using Annotator.Web.Feed;

namespace Annotator.Web.Collaboration;

/// <summary>
/// The SignalR hub for programs (scripts, ML backends, load tests) at <see cref="Path"/>: authenticate with a personal
/// API token, join the images you may see, send operations, receive the same feed as the browser workspace. Every
/// method checks again, on the server, that the token still works and that the caller may do what it asks; the
/// contract is docs/hub-protocol.md.
/// </summary>
[Authorize(AuthenticationSchemes = ApiTokenDefaults.Scheme)]
public sealed class AnnotationsHub(
    AnnotationService annotations,
    ApiTokenService tokens,
    HubConnectionRegistry registry,
    IOptions<IdentityOptions> identity) : Hub
{
    /// <summary>Where the hub is mapped.</summary>
    public const string Path = ApiTokenDefaults.QueryTokenPath;

    /// <summary>Server → client: a committed operation on a joined image (the result JSON), the caller's own included.</summary>
    public const string CommittedMessage = "committed";

    /// <summary>Server → client: the caller's access changed (the reason, in words).</summary>
    public const string AccessChangedMessage = "accessChanged";

    /// <summary>
    /// Server → client: a new taxonomy version of the project of a joined image was published (the notice JSON:
    /// projectId, versionId, number, by, changes, regionsChanged). Regions it relabeled arrive by catching up.
    /// </summary>
    public const string TaxonomyChangedMessage = "taxonomyChanged";

    /// <inheritdoc />
    public override async Task OnConnectedAsync()
    {
        var caller = Caller();
        // Thrown here, the reason reaches the client in the close message ("HubException: …").
        if (registry.TryAdd(Context.ConnectionId, Context.User!, caller) is { } refused)
        {
            throw new HubException(refused);
        }
        await base.OnConnectedAsync();
    }

    /// <inheritdoc />
    public override async Task OnDisconnectedAsync(Exception? exception)
    {
        registry.Remove(Context.ConnectionId);
        await base.OnDisconnectedAsync(exception);
    }

    /// <summary>
    /// Starts receiving the image's committed operations and returns what the caller's workspace shows for it (the
    /// snapshot JSON). Refused when the image does not exist or the caller is not a member of its project.
    /// </summary>
    public async Task<string> JoinImage(int imageId)
    {
        await AuthorizeCallAsync();
        var snapshot = await annotations.LoadAsync(Context.User!, imageId, Context.ConnectionAborted)
            ?? throw new HubException($"Image {imageId} does not exist or you are not a member of its project.");
        registry.Joined(Context.ConnectionId, imageId, FeedTopics.EditKey(imageId, snapshot.Context.SetOwnerId), snapshot.Context.Image.ProjectId);
        // An operation committed between reading the snapshot and joining reached neither: if the set moved
        // on meanwhile, read it again (from now on every operation arrives as a message).
        var now = await annotations.CatchUpAsync(Context.User!, imageId, snapshot.LastSequence, Context.ConnectionAborted);
        if (now is { LastSequence: var last } && last != snapshot.LastSequence)
        {
            snapshot = await annotations.LoadAsync(Context.User!, imageId, Context.ConnectionAborted) ?? snapshot;
        }
        return SnapshotJson(imageId, snapshot);
    }

    /// <summary>Stops receiving the image's operations.</summary>
    public async Task LeaveImage(int imageId)
    {
        await AuthorizeCallAsync();
        registry.Left(Context.ConnectionId, imageId);
    }

    /// <summary>
    /// Applies one operation (docs/workspace-protocol.md) and returns its result JSON: committed with its sequence
    /// number, or refused with the reason (and nothing changed).
    /// </summary>
    public async Task<string> Submit(int imageId, string operationJson)
    {
        await AuthorizeCallAsync();
        if (string.IsNullOrWhiteSpace(operationJson))
        {
            throw new HubException("operationJson is empty; send one operation as JSON (docs/workspace-protocol.md).");
        }
        var outcome = await annotations.ApplyJsonAsync(Context.User!, imageId, operationJson, Context.ConnectionAborted);
        return outcome.ToJson();
    }

    /// <summary>
    /// The committed operations after <paramref name="afterSequence"/> (or "reload" when too many were missed), for a
    /// client that reconnects or notices a gap in sequence numbers.
    /// </summary>
    public async Task<string> CatchUp(int imageId, long afterSequence)
    {
        await AuthorizeCallAsync();
        if (afterSequence < 0)
        {
            throw new HubException("afterSequence must be 0 or more.");
        }
        var catchUp = await annotations.CatchUpAsync(Context.User!, imageId, afterSequence, Context.ConnectionAborted)
            ?? throw new HubException($"Image {imageId} does not exist or you are not a member of its project.");
        return catchUp.ToJson();
    }

    private HubCaller Caller() =>
        HubCaller.From(Context.User, identity.Value.ClaimsIdentity.SecurityStampClaimType)
        ?? throw new HubException("Connect with a personal API token.");

    /// <summary>The token still works and the account is unchanged; otherwise the call is refused with the reason.</summary>
    private async Task AuthorizeCallAsync()
    {
        if (await Caller().WhyRefusedAsync(tokens, Context.ConnectionAborted) is { } why)
        {
            registry.LeaveAll(Context.ConnectionId);
            throw new HubException(why);
        }
    }

    private static string SnapshotJson(int imageId, WorkspaceSnapshot snapshot)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("imageId", imageId);
            json.WriteNumber("width", snapshot.Context.Image.Width);
            json.WriteNumber("height", snapshot.Context.Image.Height);
            json.WriteNumber("lastSequence", snapshot.LastSequence);
            var why = snapshot.Context.WhyReadOnly;
            json.WriteBoolean("readOnly", why is not null);
            json.WriteString("whyReadOnly", why);
            json.WriteStartArray("regions");
            foreach (var region in snapshot.Regions)
            {
                json.WriteRawValue(OperationJson.SerializeRegion(region.Data, region.Revision));
            }
            json.WriteEndArray();
            json.WriteStartObject("answers");
            foreach (var (questionId, value) in snapshot.Answers)
            {
                json.WritePropertyName(questionId.ToString());
                json.WriteRawValue(value);
            }
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
