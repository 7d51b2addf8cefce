using System.Data.Common;
using System.Globalization;
using System.Security.Claims;
using Annotator.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Accounts;

/// <summary>
/// Keeps sign-in sessions on the server: the cookie carries only a session key, and the session itself is a row of
/// Identity's user-token table (<c>AspNetUserTokens</c>, login provider <see cref="LoginProvider"/>), so every node on
/// the same database sees it. Signing out deletes the row, so a copy of the cookie stops working at once, while the
/// user's other sessions (other browsers) go on.
/// </summary>
/// <remarks>
/// Role, password and deactivation changes are handled by the security stamp, re-checked every
/// <c>Annotator:Live:SessionCheckSeconds</c>; a refused session is signed out, which deletes its row too.
/// </remarks>
public sealed class SessionTicketStore(IDbContextFactory<AnnotatorDbContext> dbFactory, TimeProvider clock,
    ILogger<SessionTicketStore> logger) : ITicketStore
{
    /// <summary>The user-token "login provider" under which sessions are kept.</summary>
    public const string LoginProvider = "Annotator.Session";

    /// <summary>Claim with the session's key, on the principal of every cookie session (for re-checks outside HTTP).</summary>
    public const string SessionClaim = "annotator:session";

    private static readonly TicketSerializer Serializer = TicketSerializer.Default;

    /// <inheritdoc />
    public async Task<string> StoreAsync(AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        var userId = UserId(ticket) ?? throw new InvalidOperationException("A sign-in session needs the user's id.");
        var key = $"{userId}|{Guid.NewGuid():N}";
        Tag(ticket, key);
        await using var db = await dbFactory.CreateDbContextAsync();
        // Sessions that ran out without a sign-out are dropped when their user signs in again.
        var now = clock.GetUtcNow().ToUnixTimeSeconds();
        var old = await db.UserTokens.Where(t => t.UserId == userId && t.LoginProvider == LoginProvider).ToListAsync();
        db.UserTokens.RemoveRange(old.Where(t => ExpiresAt(t.Value) <= now));
        db.UserTokens.Add(new IdentityUserToken<string> { UserId = userId, LoginProvider = LoginProvider, Name = SessionName(key), Value = Encode(ticket) });
        await db.SaveChangesAsync();
        return key;
    }

    /// <inheritdoc />
    public async Task RenewAsync(string key, AuthenticationTicket ticket)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        if (Split(key) is not { } parts)
        {
            return;
        }
        Tag(ticket, key);
        try
        {
            await using var db = await dbFactory.CreateDbContextAsync();
            // Only a session that still exists is renewed: a sign-out meanwhile wins.
            await db.UserTokens.Where(t => t.UserId == parts.UserId && t.LoginProvider == LoginProvider && t.Name == parts.Name)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.Value, Encode(ticket)));
        }
        catch (Exception e) when (e is DbException or DbUpdateException or IOException)
        {
            // Renewing happens on an ordinary request (sliding expiry, a re-checked security stamp): a database that
            // refuses writes (full disk) must not fail it. The stored session keeps its earlier expiry and is renewed on
            // a later request.
            logger.LogWarning("Could not renew the sign-in session of user {UserId}: {Error}", parts.UserId, e.GetBaseException().Message);
        }
    }

    /// <inheritdoc />
    public async Task<AuthenticationTicket?> RetrieveAsync(string key)
    {
        if (Split(key) is not { } parts)
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync();
        var value = await db.UserTokens.AsNoTracking()
            .Where(t => t.UserId == parts.UserId && t.LoginProvider == LoginProvider && t.Name == parts.Name)
            .Select(t => t.Value).FirstOrDefaultAsync();
        if (value is null || ExpiresAt(value) <= clock.GetUtcNow().ToUnixTimeSeconds())
        {
            return null;
        }
        var separator = value.IndexOf(':', StringComparison.Ordinal);
        return Serializer.Deserialize(Convert.FromBase64String(value[(separator + 1)..]));
    }

    /// <inheritdoc />
    public async Task RemoveAsync(string key)
    {
        if (Split(key) is not { } parts)
        {
            return;
        }
        await using var db = await dbFactory.CreateDbContextAsync();
        await db.UserTokens.Where(t => t.UserId == parts.UserId && t.LoginProvider == LoginProvider && t.Name == parts.Name)
            .ExecuteDeleteAsync();
    }

    /// <summary>Whether the session with <paramref name="key"/> is still open (not signed out, not run out).</summary>
    public async Task<bool> IsOpenAsync(string? key, CancellationToken cancellationToken = default)
    {
        if (Split(key) is not { } parts)
        {
            return false;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var value = await db.UserTokens.AsNoTracking()
            .Where(t => t.UserId == parts.UserId && t.LoginProvider == LoginProvider && t.Name == parts.Name)
            .Select(t => t.Value).FirstOrDefaultAsync(cancellationToken);
        return value is not null && ExpiresAt(value) > clock.GetUtcNow().ToUnixTimeSeconds();
    }

    private static string? UserId(AuthenticationTicket ticket) => ticket.Principal.FindFirstValue(ClaimTypes.NameIdentifier);

    /// <summary>Puts the session key on the principal, so a Blazor circuit (which has no cookie) can check its session.</summary>
    private static void Tag(AuthenticationTicket ticket, string key)
    {
        if (ticket.Principal.Identity is ClaimsIdentity identity)
        {
            foreach (var old in identity.FindAll(SessionClaim).ToList())
            {
                identity.RemoveClaim(old);
            }
            identity.AddClaim(new Claim(SessionClaim, key));
        }
    }

    /// <summary>"{expiry, Unix seconds}:{ticket, base64}": the expiry is readable without deserializing the ticket.</summary>
    private static string Encode(AuthenticationTicket ticket)
    {
        var expires = ticket.Properties.ExpiresUtc ?? DateTimeOffset.MaxValue;
        return expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture) + ":" + Convert.ToBase64String(Serializer.Serialize(ticket));
    }

    private static long ExpiresAt(string? value)
    {
        var separator = value?.IndexOf(':', StringComparison.Ordinal) ?? -1;
        return separator > 0 && long.TryParse(value.AsSpan(0, separator), NumberStyles.None, CultureInfo.InvariantCulture, out var seconds)
            ? seconds
            : 0;
    }

    private static string SessionName(string key) => key[(key.IndexOf('|', StringComparison.Ordinal) + 1)..];

    private static (string UserId, string Name)? Split(string? key)
    {
        var bar = key?.IndexOf('|', StringComparison.Ordinal) ?? -1;
        return bar > 0 && bar < key!.Length - 1 ? (key[..bar], key[(bar + 1)..]) : null;
    }
}

/// <summary>Names of the cookie options that <see cref="SessionTicketStore"/> plugs into.</summary>
internal static class SessionTicketStoreRegistration
{
    /// <summary>Keeps the application cookie's sessions in <see cref="SessionTicketStore"/>.</summary>
    public static IServiceCollection AddSessionTicketStore(this IServiceCollection services)
    {
        services.AddSingleton<SessionTicketStore>();
        services.AddOptions<CookieAuthenticationOptions>(IdentityConstants.ApplicationScheme)
            .Configure<SessionTicketStore>((o, store) => o.SessionStore = store);
        return services;
    }
}
