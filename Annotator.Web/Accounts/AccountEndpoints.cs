using Annotator.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.Mvc;

namespace Annotator.Web.Accounts;

/// <summary>Endpoints of the account pages that render nothing.</summary>
public static class AccountEndpoints
{
    /// <summary>Maps POST /account/logout (antiforgery-checked, like every form post).</summary>
    public static IEndpointRouteBuilder MapAccountEndpoints(this IEndpointRouteBuilder app)
    {
        // The form field makes the endpoint form-bound, so ASP.NET Core validates its antiforgery token.
        app.MapPost("/account/logout", async (SignInManager<AppUser> signIn, [FromForm] string? returnUrl) =>
        {
            await signIn.SignOutAsync();
            return TypedResults.LocalRedirect("/account/login");
        });
        return app;
    }
}
