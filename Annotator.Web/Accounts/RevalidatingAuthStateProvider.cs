using System.Security.Claims;
using Annotator.Web.Data;
using Microsoft.AspNetCore.Components.Authorization;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Annotator.Web.Accounts;

/// <summary>
/// Re-checks an open Blazor circuit's user every <c>Annotator:Live:SessionCheckSeconds</c>: a deactivated user, one whose
/// role or password changed, or whose session was signed out (in another tab) loses the circuit's authentication without
/// waiting for the cookie to expire.
/// </summary>
internal sealed class RevalidatingAuthStateProvider(
    ILoggerFactory loggerFactory,
    IServiceScopeFactory scopeFactory,
    IOptions<IdentityOptions> options,
    IOptions<SessionOptions> live,
    SessionTicketStore sessions)
    : RevalidatingServerAuthenticationStateProvider(loggerFactory)
{
    protected override TimeSpan RevalidationInterval => TimeSpan.FromSeconds(Math.Max(1, live.Value.SessionCheckSeconds));

    protected override async Task<bool> ValidateAuthenticationStateAsync(AuthenticationState authenticationState,
        CancellationToken cancellationToken)
    {
        await using var scope = scopeFactory.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        return await IsValidAsync(users, authenticationState.User);
    }

    private async Task<bool> IsValidAsync(UserManager<AppUser> users, ClaimsPrincipal principal)
    {
        var user = await users.GetUserAsync(principal);
        if (user is null || user.DeactivatedAt is not null)
        {
            return false;
        }
        // A circuit opened on a cookie session ends with it (a principal without one, e.g. in tests, has none to check).
        if (principal.FindFirstValue(SessionTicketStore.SessionClaim) is { } session && !await sessions.IsOpenAsync(session))
        {
            return false;
        }
        if (!users.SupportsUserSecurityStamp)
        {
            return true;
        }
        var principalStamp = principal.FindFirstValue(options.Value.ClaimsIdentity.SecurityStampClaimType);
        return principalStamp == await users.GetSecurityStampAsync(user);
    }
}
