using System.Security.Claims;
using Annotator.Web.Data;

namespace Annotator.Tests.Infrastructure;

/// <summary>Principals for calling services directly, as a signed-in circuit does.</summary>
public static class TestPrincipals
{
    /// <summary>The principal of <paramref name="user"/> with application role <paramref name="role"/>.</summary>
    public static ClaimsPrincipal For(AppUser user, string role) => new(new ClaimsIdentity(
        [new Claim(ClaimTypes.NameIdentifier, user.Id), new Claim(ClaimTypes.Name, user.Email ?? user.Id), new Claim(ClaimTypes.Role, role)], "test"));
}
