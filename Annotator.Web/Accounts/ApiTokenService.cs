using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Annotator.Core;
using Annotator.Core.Accounts;
using Annotator.Web.Data;
using Annotator.Web.Feed;
using Annotator.Web.Projects;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Accounts;

/// <summary>A token as listed on the profile page (never with its secret).</summary>
public sealed record ApiTokenView(int Id, string Name, string Prefix, DateTime CreatedAt, DateTime? LastUsedAt, DateTime? ExpiresAt,
    DateTime? RevokedAt)
{
    /// <summary>How the token starts, for recognising it: <c>ann_1a2b3c4d5e6f_…</c>.</summary>
    public string Display => $"{ApiTokenService.Scheme}_{Prefix}_…";

    /// <summary>Whether it still works at <paramref name="nowUtc"/>.</summary>
    public bool IsActive(DateTime nowUtc) => ApiToken.WhyUnusable(RevokedAt, ExpiresAt, nowUtc) is null;
}

/// <summary>A token just made: <see cref="Secret"/> is the whole token, shown once and never stored.</summary>
public sealed record CreatedApiToken(ApiTokenView Token, string Secret);

/// <summary>Who a presented token belongs to, or why it is refused.</summary>
/// <param name="TokenId">The token's id (0 when refused).</param>
/// <param name="UserId">Its owner ("" when refused).</param>
/// <param name="Error">Why it is refused; null when it is valid.</param>
public sealed record ApiTokenValidation(int TokenId, string UserId, string? Error)
{
    /// <summary>Valid.</summary>
    public bool Ok => Error is null;

    internal static ApiTokenValidation Refused(string error) => new(0, "", error);
}

/// <summary>
/// Personal API tokens: made on the profile page, used by programs on the annotations hub. A token is
/// <c>ann_{prefix}_{secret}</c>: the prefix (48 random bits, hex) finds the row, the secret (256 random bits, base64url)
/// proves possession. Only the SHA-256 of the whole token is stored and it is compared in constant time. Revoked and
/// expired tokens and tokens of deactivated users are refused.
/// </summary>
public sealed class ApiTokenService(IDbContextFactory<AnnotatorDbContext> dbFactory, IFeed feed, TimeProvider clock,
    ILogger<ApiTokenService> logger)
{
    /// <summary>The first part of every token.</summary>
    public const string Scheme = "ann";

    /// <summary>Most active tokens one user may have.</summary>
    public const int MaxActivePerUser = 50;

    private const int PrefixBytes = 6;
    private const int SecretBytes = 32;

    // Writing "last used" on every connection would turn each connect into a write; once a minute is enough to show.
    private static readonly TimeSpan LastUsedResolution = TimeSpan.FromMinutes(1);

    /// <summary>Makes a token for the caller. The returned secret is the only time the token is seen in full.</summary>
    public async Task<CreatedApiToken> CreateAsync(ClaimsPrincipal actor, string name, DateTime? expiresAtUtc,
        CancellationToken cancellationToken = default)
    {
        var userId = RequireUser(actor);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var active = await db.ApiTokens.CountAsync(t => t.UserId == userId && t.RevokedAt == null
            && (t.ExpiresAt == null || t.ExpiresAt > now), cancellationToken);
        if (active >= MaxActivePerUser)
        {
            throw new DomainException($"You already have {MaxActivePerUser} active API tokens; revoke one you no longer use first.");
        }
        var prefix = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(PrefixBytes));
        var secret = $"{Scheme}_{prefix}_{Base64Url(RandomNumberGenerator.GetBytes(SecretBytes))}";
        var token = new ApiToken(userId, name, prefix, Convert.ToHexStringLower(Hash(secret)), now, expiresAtUtc?.ToUniversalTime());
        db.ApiTokens.Add(token);
        await db.SaveChangesAsync(cancellationToken);
        return new CreatedApiToken(View(token), secret);
    }

    /// <summary>
    /// The tokens of <paramref name="ownerId"/> (default: the caller), newest first, revoked ones included. Only admins
    /// may list someone else's.
    /// </summary>
    public async Task<IReadOnlyList<ApiTokenView>> ListAsync(ClaimsPrincipal actor, string? ownerId = null,
        CancellationToken cancellationToken = default)
    {
        var userId = RequireUser(actor);
        ownerId ??= userId;
        if (ownerId != userId && !actor.IsInRole(AppRoles.Admin))
        {
            throw new UnauthorizedAccessException("Only admins may see other people's API tokens.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ApiTokens.AsNoTracking().Where(t => t.UserId == ownerId)
            .OrderByDescending(t => t.CreatedAt).ThenByDescending(t => t.Id)
            .Select(t => new ApiTokenView(t.Id, t.Name, t.Prefix, t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>
    /// Revokes a token of the caller's (admins: anyone's). Programs connected with it are refused from their next call
    /// and told why.
    /// </summary>
    public async Task RevokeAsync(ClaimsPrincipal actor, int tokenId, CancellationToken cancellationToken = default)
    {
        var userId = RequireUser(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var token = await db.ApiTokens.FirstOrDefaultAsync(t => t.Id == tokenId, cancellationToken);
        // Someone else's token answers exactly like a missing one.
        if (token is null || (token.UserId != userId && !actor.IsInRole(AppRoles.Admin)))
        {
            throw new DomainException("That API token does not exist.");
        }
        token.Revoke(clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        var by = token.UserId == userId ? "you" : "an admin";
        await feed.PublishAccessChangeAsync(token.UserId, $"The API token '{token.Name}' was revoked by {by}.", token.Id, cancellationToken);
    }

    /// <summary>
    /// Checks a presented token: well formed, known, hash equal (constant time), not revoked, not expired, owner active.
    /// Records the use (to the minute).
    /// </summary>
    public async Task<ApiTokenValidation> ValidateAsync(string? presented, CancellationToken cancellationToken = default)
    {
        if (!TryParse(presented, out var prefix))
        {
            return ApiTokenValidation.Refused("The API token is malformed; it looks like ann_<prefix>_<secret>.");
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.ApiTokens.AsNoTracking().Where(t => t.Prefix == prefix)
            .Select(t => new
            {
                t.Id, t.UserId, t.SecretHash, t.RevokedAt, t.ExpiresAt, t.LastUsedAt,
                Deactivated = db.Users.Where(u => u.Id == t.UserId).Select(u => u.DeactivatedAt).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        var hash = Hash(presented!);
        // Compare even when the prefix is unknown, so the answer takes the same time either way.
        var stored = row is null ? new byte[hash.Length] : Convert.FromHexString(row.SecretHash);
        if (!CryptographicOperations.FixedTimeEquals(hash, stored) || row is null)
        {
            return ApiTokenValidation.Refused("The API token is not valid.");
        }
        var now = clock.GetUtcNow().UtcDateTime;
        if (ApiToken.WhyUnusable(row.RevokedAt, row.ExpiresAt, now) is { } unusable)
        {
            return ApiTokenValidation.Refused(unusable);
        }
        if (row.Deactivated is not null)
        {
            return ApiTokenValidation.Refused("The account of this API token is deactivated.");
        }
        if (row.LastUsedAt is null || now - row.LastUsedAt >= LastUsedResolution)
        {
            // Beside the request, not in it: signing in must not depend on a write succeeding (a full disk, a
            // read-only database) nor wait for the database's write lock.
            _ = RecordUseAsync(row.Id, now);
        }
        return new ApiTokenValidation(row.Id, row.UserId, null);
    }

    /// <summary>Writes "last used"; a failure is logged and otherwise ignored.</summary>
    private async Task RecordUseAsync(int tokenId, DateTime now)
    {
        try
        {
            await Task.Yield();
            await using var db = await dbFactory.CreateDbContextAsync();
            await db.ApiTokens.Where(t => t.Id == tokenId).ExecuteUpdateAsync(s => s.SetProperty(t => t.LastUsedAt, now));
        }
        catch (Exception e)
        {
            logger.LogWarning("Could not record the use of API token {TokenId}: {Error}", tokenId, e.GetBaseException().Message);
        }
    }

    /// <summary>
    /// The check made before every hub call: why a connection authenticated with token <paramref name="tokenId"/> may no
    /// longer act, or null when it may. One small query: the token revoked or expired, the account deactivated, or the
    /// account changed since the connection authenticated (its security stamp moved: role change, password change).
    /// </summary>
    public async Task<string?> WhyRefusedAsync(int tokenId, string userId, string? securityStamp, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.ApiTokens.AsNoTracking().Where(t => t.Id == tokenId && t.UserId == userId)
            .Select(t => new
            {
                t.RevokedAt, t.ExpiresAt,
                User = db.Users.Where(u => u.Id == t.UserId).Select(u => new { u.DeactivatedAt, u.SecurityStamp }).FirstOrDefault(),
            })
            .FirstOrDefaultAsync(cancellationToken);
        if (row?.User is null)
        {
            return "This API token no longer exists.";
        }
        if (ApiToken.WhyUnusable(row.RevokedAt, row.ExpiresAt, clock.GetUtcNow().UtcDateTime) is { } unusable)
        {
            return unusable;
        }
        if (row.User.DeactivatedAt is not null)
        {
            return "Your account was deactivated.";
        }
        return securityStamp is not null && row.User.SecurityStamp != securityStamp
            ? "Your account changed (role or password); connect again."
            : null;
    }

    /// <summary>Whether <paramref name="presented"/> has the token's shape; gives its prefix.</summary>
    public static bool TryParse(string? presented, out string prefix)
    {
        prefix = "";
        // ann_ + 12 hex + _ + 43 base64url characters.
        if (presented is null || presented.Length != Scheme.Length + 1 + PrefixBytes * 2 + 1 + 43
            || !presented.StartsWith(Scheme + "_", StringComparison.Ordinal))
        {
            return false;
        }
        var candidate = presented.Substring(Scheme.Length + 1, PrefixBytes * 2);
        if (presented[Scheme.Length + 1 + PrefixBytes * 2] != '_' || !candidate.All(char.IsAsciiHexDigitLower))
        {
            return false;
        }
        prefix = candidate;
        return true;
    }

    private static ApiTokenView View(ApiToken t) => new(t.Id, t.Name, t.Prefix, t.CreatedAt, t.LastUsedAt, t.ExpiresAt, t.RevokedAt);

    private static byte[] Hash(string token) => SHA256.HashData(Encoding.UTF8.GetBytes(token));

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    private static string RequireUser(ClaimsPrincipal actor) =>
        ProjectAccess.UserId(actor) ?? throw new UnauthorizedAccessException("Sign in to manage API tokens.");
}
