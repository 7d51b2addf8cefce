using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Claims;
using Annotator.Web.Accounts;
using Annotator.Web.Workspace;
using Microsoft.AspNetCore.SignalR;

namespace Annotator.Web.Live;

/// <summary>
/// The annotations hub's connections on this node, by user, with the images each has joined. It listens on the feed's
/// access topic for the users it has connections of: when someone's access changes (membership, role, archiving,
/// deactivation, a revoked token) on any node, their connections here re-check every joined image, leave the groups
/// they may no longer see and are told why (<c>accessChanged</c>).
/// </summary>
public sealed class HubConnectionRegistry(
    IHubContext<AnnotationsHub> hub,
    IEditFeed feed,
    ApiTokenService tokens,
    AnnotationService annotations,
    Microsoft.Extensions.Options.IOptions<LiveOptions> options,
    ILogger<HubConnectionRegistry> logger)
{
    private readonly ConcurrentDictionary<string, Connection> _connections = new();
    private readonly Dictionary<string, UserEntry> _users = [];
    private readonly Lock _gate = new();
    private readonly Dictionary<int, IDisposable> _taxonomyWatches = [];
    private readonly Dictionary<int, int> _perToken = [];

    /// <summary>Connections on this node (for tests and metrics).</summary>
    public int Count => _connections.Count;

    /// <summary>
    /// Starts tracking a connection, unless its API token already has <see cref="LiveOptions.MaxConnectionsPerToken"/>
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
            _connections[connectionId] = new Connection(user, caller);
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
        lock (_gate)
        {
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
    /// Records that the connection joined an image's group, and watches the image's project for new taxonomy versions
    /// (<c>taxonomyChanged</c> goes to every connection here with an image of that project joined).
    /// </summary>
    public void Joined(string connectionId, int imageId, string group, int projectId)
    {
        if (!_connections.TryGetValue(connectionId, out var connection))
        {
            return;
        }
        connection.Projects[imageId] = projectId;
        connection.Groups[imageId] = group;
        lock (_gate)
        {
            if (!_taxonomyWatches.ContainsKey(projectId))
            {
                _taxonomyWatches[projectId] = feed.Subscribe(FeedTopics.Taxonomy, projectId.ToString(CultureInfo.InvariantCulture),
                    message => OnTaxonomyPublishedAsync(projectId, message));
            }
        }
    }

    private string[] WatchersOf(int projectId) =>
        [.. _connections.Where(c => c.Value.Groups.Keys.Any(image => c.Value.Projects.TryGetValue(image, out var p) && p == projectId))
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
        try
        {
            await hub.Clients.Clients(targets).SendAsync(AnnotationsHub.TaxonomyChangedMessage, message.Payload);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            logger.LogWarning(e, "Could not tell hub connections of project {ProjectId} about a new taxonomy version.", projectId);
        }
    }

    /// <summary>The group the connection joined for an image, if it did; forgets it.</summary>
    public string? Left(string connectionId, int imageId) =>
        _connections.TryGetValue(connectionId, out var connection) && connection.Groups.TryRemove(imageId, out var group) ? group : null;

    /// <summary>Takes the connection out of every group it joined (its token or account no longer works).</summary>
    public async Task LeaveAllAsync(string connectionId)
    {
        if (!_connections.TryGetValue(connectionId, out var connection))
        {
            return;
        }
        foreach (var imageId in connection.Groups.Keys)
        {
            if (connection.Groups.TryRemove(imageId, out var group))
            {
                await hub.Groups.RemoveFromGroupAsync(connectionId, group);
            }
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
                await hub.Clients.Client(connectionId).SendAsync(AnnotationsHub.AccessChangedMessage, notice.Reason);
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
            await LeaveAllAsync(connectionId);
            return;
        }
        foreach (var (imageId, group) in connection.Groups)
        {
            var snapshot = await annotations.LoadAsync(connection.User, imageId);
            if (snapshot is null || FeedTopics.EditKey(imageId, snapshot.Context.SetOwnerId) != group)
            {
                connection.Groups.TryRemove(imageId, out _);
                await hub.Groups.RemoveFromGroupAsync(connectionId, group);
            }
        }
    }

    private sealed record Connection(ClaimsPrincipal User, HubCaller Caller)
    {
        public ConcurrentDictionary<int, string> Groups { get; } = new();

        public ConcurrentDictionary<int, int> Projects { get; } = new();
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
