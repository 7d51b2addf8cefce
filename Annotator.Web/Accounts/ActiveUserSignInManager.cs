using Annotator.Web.Data;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.Options;

namespace Annotator.Web.Accounts;

/// <summary>
/// A sign-in manager that refuses deactivated accounts, at sign-in and at every cookie re-validation, and that does
/// the same work and gives the same answer for an unknown email, a deactivated account and a wrong password.
/// </summary>
public sealed class ActiveUserSignInManager(
    UserManager<AppUser> userManager,
    IHttpContextAccessor contextAccessor,
    IUserClaimsPrincipalFactory<AppUser> claimsFactory,
    IOptions<IdentityOptions> optionsAccessor,
    ILogger<SignInManager<AppUser>> logger,
    IAuthenticationSchemeProvider schemes,
    IUserConfirmation<AppUser> confirmation)
    : SignInManager<AppUser>(userManager, contextAccessor, claimsFactory, optionsAccessor, logger, schemes, confirmation)
{
    // A hash of a random password made by the app's own hasher (same algorithm and iteration count as real ones).
    private static string? _unknownUserHash;

    public override async Task<bool> CanSignInAsync(AppUser user) =>
        user.DeactivatedAt is null && await base.CanSignInAsync(user);

    public override async Task<AppUser?> ValidateSecurityStampAsync(System.Security.Claims.ClaimsPrincipal? principal)
    {
        var user = await base.ValidateSecurityStampAsync(principal);
        return user is { DeactivatedAt: null } ? user : null;
    }

    /// <summary>
    /// Signs in by email and password. An unknown email or a deactivated account still has a password hash checked
    /// (against a dummy), so the answer takes as long as for a wrong password and says the same ("failed"): the sign-in
    /// form does not tell a stranger which emails have accounts. Failures never lock the account (see
    /// <see cref="RateLimits"/>).
    /// </summary>
    public override async Task<SignInResult> PasswordSignInAsync(string userName, string password, bool isPersistent, bool lockoutOnFailure)
    {
        var user = await UserManager.FindByNameAsync(userName);
        if (user is null || user.DeactivatedAt is not null)
        {
            VerifyAgainstDummy(password);
            return SignInResult.Failed;
        }
        return await PasswordSignInAsync(user, password, isPersistent, lockoutOnFailure: false);
    }

    private void VerifyAgainstDummy(string password)
    {
        var stranger = new AppUser();
        _unknownUserHash ??= UserManager.PasswordHasher.HashPassword(stranger, Convert.ToBase64String(System.Security.Cryptography.RandomNumberGenerator.GetBytes(24)));
        UserManager.PasswordHasher.VerifyHashedPassword(stranger, _unknownUserHash, password ?? "");
    }
}
