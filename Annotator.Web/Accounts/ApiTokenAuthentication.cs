using System.Security.Claims;
using System.Text.Encodings.Web;
using Annotator.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Annotator.Web.Accounts;

/// <summary>Names of the API token authentication scheme and its claim.</summary>
public static class ApiTokenDefaults
{
    /// <summary>The scheme name, for <c>[Authorize(AuthenticationSchemes = ...)]</c>.</summary>
    public const string Scheme = "ApiToken";

    /// <summary>Claim with the id of the token the caller authenticated with.</summary>
    public const string TokenIdClaim = "annotator:api-token";

    /// <summary>The only path where the token may come in the query string (WebSockets cannot send headers).</summary>
    public const string QueryTokenPath = "/hubs/annotations";
}

/// <summary>Options of the API token scheme (nothing to set).</summary>
public sealed class ApiTokenAuthenticationOptions : AuthenticationSchemeOptions;

/// <summary>
/// Authenticates programs by personal API token: <c>Authorization: Bearer ann_…</c>, or, on the annotations hub only,
/// the <c>access_token</c> query parameter that SignalR clients use for WebSockets. The principal carries the same
/// claims a cookie sign-in produces (id, name, email, role, security stamp) plus the token id, so everything that
/// authorizes by <see cref="Projects.ProjectAccess"/> works unchanged.
/// </summary>
public sealed class ApiTokenAuthenticationHandler(
    IOptionsMonitor<ApiTokenAuthenticationOptions> options,
    ILoggerFactory logger,
    UrlEncoder encoder,
    ApiTokenService tokens,
    UserManager<AppUser> users,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory)
    : AuthenticationHandler<ApiTokenAuthenticationOptions>(options, logger, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var presented = Presented();
        if (presented is null)
        {
            return AuthenticateResult.NoResult();
        }
        var validation = await tokens.ValidateAsync(presented, Context.RequestAborted);
        if (!validation.Ok)
        {
            return AuthenticateResult.Fail(validation.Error!);
        }
        var user = await users.FindByIdAsync(validation.UserId);
        if (user is null)
        {
            return AuthenticateResult.Fail("The account of this API token no longer exists.");
        }
        var cookieLike = await claimsFactory.CreateAsync(user);
        var identity = new ClaimsIdentity(cookieLike.Claims, Scheme.Name, ClaimTypes.Name, ClaimTypes.Role);
        identity.AddClaim(new Claim(ApiTokenDefaults.TokenIdClaim, validation.TokenId.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), Scheme.Name));
    }

    private string? Presented()
    {
        var header = Request.Headers.Authorization.ToString();
        if (header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            return header["Bearer ".Length..].Trim();
        }
        if (Request.Path.StartsWithSegments(ApiTokenDefaults.QueryTokenPath)
            && Request.Query.TryGetValue("access_token", out var query) && !string.IsNullOrEmpty(query))
        {
            return query.ToString();
        }
        return null;
    }
}
