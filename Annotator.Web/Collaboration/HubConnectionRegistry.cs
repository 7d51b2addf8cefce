using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Annotator.Web.Accounts;
using Annotator.Web.Annotations;
using Microsoft.AspNetCore.SignalR;

using Annotator.Web.Feed;

using Annotator.Web.Projects;

namespace Annotator.Web.Collaboration;

/// <summary>
/// The annotations hub's connections on this node, by user, with the images each has joined, and what each is sent.
/// Committed operations come from the edit feed (every node's commits, in order): one subscription per image and set
/// that a connection here joined, handing each message to the <see cref="HubOutbox"/> of every connection that joined
/// it — so a client that stops reading holds up nobody but itself. It also listens on the feed's access topic for the
/// users it has connections of: when someone's access changes (membership, role, archiving, deactivation, a revoked
/// token) on any node, their connections here re-check every joined image, stop receiving the ones they may no longer
/// see and are told why (<c>accessChanged</c>).
/// </summary>
public sealed class HubConnectionRegistry(
    IHubContext<AnnotationsHub> hub,
    IFeed feed,
    ApiTokenService tokens,
    AnnotationService annotations,
    Microsoft.Extensions.Options.IOptions<CollaborationOptions> options,
    ILogger<HubConnectionRegistry> logger)
{
    private readonly ConcurrentDictionary<string, Connection> _connections = new();
    private readonly Dictionary<string, UserEntry> _users = [];
    private readonly Lock _gate = new();
    private readonly Dictionary<int, IDisposable> _taxonomyWatches = [];
    private readonly Dictionary<int, int> _perToken = [];
    private readonly Dictionary<string, EditStream> _editStreams = [];

    /// <summary>Connections on this node (for tests and metrics).</summary>
    public int Count => _connections.Count;

    /// <summary>
    /// Starts tracking a connection, unless its API token already has <see cref="CollaborationOptions.MaxConnectionsPerToken"/>
    /// connections open here: then nothing is tracked and the reason is returned.
    /// </summary>
    public string? TryAdd(string connectionId, ClaimsPrincipal user, HubCaller caller)
    {
        ArgumentNullException.ThrowIfNull(caller);
        var cap = options.Value.MaxConnectionsPerToken;
        lock (_gate)
        {
            var open = _perToken.GetValueOrDefault(caller.TokenId);
            if (cap > 0 && open >= cap)
            {
                return $"This API token already has {open} connections open, the most allowed (Annotator:Live:MaxConnectionsPerToken); "
                    + "close one, or give each program its own token.";
            }
            _perToken[caller.TokenId] = open + 1;
            _connections[connectionId] = new Connection(user, caller, new HubOutbox(hub, connectionId, options.Value, logger));
            if (!_users.TryGetValue(caller.UserId, out var entry))
            {
                var userId = caller.UserId;
                entry = new UserEntry(feed.Subscribe(FeedTopics.Access, userId, message => OnAccessChangedAsync(userId, message)));
                _users[userId] = entry;
            }
            entry.ConnectionIds.Add(connectionId);
        }
        return null;
    }

    /// <summary>Stops tracking a connection (it closed).</summary>
    public void Remove(string connectionId)
    {
        if (!_connections.TryRemove(connectionId, out var connection))
        {
            return;
        }
        connection.Outbox.Dispose();
        lock (_gate)
        {
            foreach (var key in connection.Joined.Values)
            {
                StopStreaming(connectionId, key);
            }
            if (_perToken.TryGetValue(connection.Caller.TokenId, out var open))
            {
                if (open <= 1)
                {
                    _perToken.Remove(connection.Caller.TokenId);
                }
                else
                {
                    _perToken[connection.Caller.TokenId] = open - 1;
                }
            }
            if (_users.TryGetValue(connection.Caller.UserId, out var entry))
            {
                entry.ConnectionIds.Remove(connectionId);
                if (entry.ConnectionIds.Count == 0)
                {
                    entry.Subscription.Dispose();
                    _users.Remove(connection.Caller.UserId);
                }
            }
        }
    }

    /// <summary>
    /// Starts sending the connection the committed operations of an image's set (<paramref name="key"/>:
    /// <see cref="FeedTopics.EditKey"/>), and watches the image's project for new taxonomy versions
    /// (<c>taxonomyChanged</c> goes to every connection here with an image of that project joined).
    /// </summary>
    public void Joined(string connectionId, int imageId, string key, int projectId)
    {
        if (!_connections.TryGetValue(connectionId, out var connection))
        {
            return;
        }
        connection.Projects[imageId] = projectId;
        lock (_gate)
        {
            if (connection.Joined.TryGetValue(imageId, out var before) && before != key)
            {
                StopStreaming(connectionId, before);
            }
            connection.Joined[imageId] = key;
            if (!_editStreams.TryGetValue(key, out var stream))
            {
                stream = new EditStream(feed.Subscribe(FeedTopics.Edit, key, message => OnCommitted(key, message)));
                _editStreams[key] = stream;
            }
            stream.ConnectionIds.Add(connectionId);
            if (!_taxonomyWatches.ContainsKey(projectId))
            {
                _taxonomyWatches[projectId] = feed.Subscribe(FeedTopics.Taxonomy, projectId.ToString(CultureInfo.InvariantCulture),
                    message => OnTaxonomyPublishedAsync(projectId, message));
            }
        }
    }

    /// <summary>Hands a committed operation to every connection here that joined its image and set; never waits.</summary>
    private Task OnCommitted(string key, FeedEnvelope message)
    {
        string[] ids;
        lock (_gate)
        {
            ids = _editStreams.TryGetValue(key, out var stream) ? [.. stream.ConnectionIds] : [];
        }
        foreach (var id in ids)
        {
            if (_connections.TryGetValue(id, out var connection))
            {
                connection.Outbox.Committed(message.Payload);
            }
        }
        return Task.CompletedTask;
    }

    /// <summary>The connection no longer receives <paramref name="key"/>; the feed subscription ends with its last receiver. Under the gate.</summary>
    private void StopStreaming(string connectionId, string key)
    {
        if (_editStreams.TryGetValue(key, out var stream) && stream.ConnectionIds.Remove(connectionId) && stream.ConnectionIds.Count == 0)
        {
            stream.Subscription.Dispose();
            _editStreams.Remove(key);
        }
    }

    private string[] WatchersOf(int projectId) =>
        [.. _connections.Where(c => c.Value.Joined.Keys.Any(image => c.Value.Projects.TryGetValue(image, out var p) && p == projectId))
            .Select(c => c.Key)];

    private async Task OnTaxonomyPublishedAsync(int projectId, FeedEnvelope message)
    {
        var targets = WatchersOf(projectId);
        if (targets.Length == 0)
        {
            // Nobody here follows the project any more: stop watching it (a join meanwhile has set its group first, so
            // looking again under the lock sees it).
            lock (_gate)
            {
                if (WatchersOf(projectId).Length == 0 && _taxonomyWatches.Remove(projectId, out var watch))
                {
                    watch.Dispose();
                }
            }
            return;
        }
        foreach (var target in targets)
        {
            if (_connections.TryGetValue(target, out var connection))
            {
                connection.Outbox.Notice(AnnotationsHub.TaxonomyChangedMessage, message.Payload);
            }
        }
    }

    /// <summary>Stops sending the connection an image's operations; false when it had not joined the image.</summary>
    public bool Left(string connectionId, int imageId)
    {
        if (!_connections.TryGetValue(connectionId, out var connection))
        {
            return false;
        }
        lock (_gate)
        {
            if (!connection.Joined.TryRemove(imageId, out var key))
            {
                return false;
            }
            StopStreaming(connectionId, key);
            return true;
        }
    }

    /// <summary>Stops sending the connection anything it joined (its token or account no longer works).</summary>
    public void LeaveAll(string connectionId)
    {
        foreach (var imageId in _connections.TryGetValue(connectionId, out var connection) ? connection.Joined.Keys : [])
        {
            Left(connectionId, imageId);
        }
    }

    private async Task OnAccessChangedAsync(string userId, FeedEnvelope message)
    {
        if (AccessNotice.Parse(message.Payload) is not { } notice)
        {
            return;
        }
        string[] ids;
        lock (_gate)
        {
            ids = _users.TryGetValue(userId, out var entry) ? [.. entry.ConnectionIds] : [];
        }
        foreach (var connectionId in ids)
        {
            if (!_connections.TryGetValue(connectionId, out var connection)
                || (notice.TokenId is { } tokenId && connection.Caller.TokenId != tokenId))
            {
                continue;
            }
            try
            {
                await RecheckAsync(connectionId, connection);
                connection.Outbox.Notice(AnnotationsHub.AccessChangedMessage, notice.Reason);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                logger.LogWarning(e, "Could not re-check hub connection {ConnectionId} after an access change.", connectionId);
            }
        }
    }

    private async Task RecheckAsync(string connectionId, Connection connection)
    {
        if (await connection.Caller.WhyRefusedAsync(tokens) is not null)
        {
            LeaveAll(connectionId);
            return;
        }
        foreach (var (imageId, key) in connection.Joined)
        {
            var snapshot = await annotations.LoadAsync(connection.User, imageId);
            if (snapshot is null || FeedTopics.EditKey(imageId, snapshot.Context.SetOwnerId) != key)
            {
                Left(connectionId, imageId);
            }
        }
    }

    private sealed record Connection(ClaimsPrincipal User, HubCaller Caller, HubOutbox Outbox)
    {
        /// <summary>The edit key (image and set) of each joined image.</summary>
        public ConcurrentDictionary<int, string> Joined { get; } = new();

        public ConcurrentDictionary<int, int> Projects { get; } = new();
    }

    private sealed record EditStream(IDisposable Subscription)
    {
        public HashSet<string> ConnectionIds { get; } = [];
    }

    private sealed record UserEntry(IDisposable Subscription)
    {
        public HashSet<string> ConnectionIds { get; } = [];
    }
}

/// <summary>Who is on a hub connection: the user, the API token and the account's security stamp at connection time.</summary>
/// <param name="UserId">The user.</param>
/// <param name="TokenId">The API token the connection authenticated with.</param>
/// <param name="SecurityStamp">The account's security stamp when it authenticated (a role or password change moves it).</param>
public sealed record HubCaller(string UserId, int TokenId, string? SecurityStamp)
{
    /// <summary>Reads the caller from an API-token principal; null when it is not one.</summary>
    public static HubCaller? From(ClaimsPrincipal? user, string securityStampClaimType)
    {
        if (user is null || Projects.ProjectAccess.UserId(user) is not { } userId
            || !int.TryParse(user.FindFirstValue(ApiTokenDefaults.TokenIdClaim), System.Globalization.CultureInfo.InvariantCulture, out var tokenId))
        {
            return null;
        }
        return new HubCaller(userId, tokenId, user.FindFirstValue(securityStampClaimType));
    }

    /// <summary>Why the caller may no longer act (token revoked or expired, account deactivated or changed), or null.</summary>
    public Task<string?> WhyRefusedAsync(ApiTokenService tokens, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        return tokens.WhyRefusedAsync(TokenId, UserId, SecurityStamp, cancellationToken);
    }
}
