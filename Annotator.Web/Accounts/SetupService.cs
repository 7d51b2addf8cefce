using Annotator.Core;
using Annotator.Core.Accounts;
using Annotator.Web.Data;
using Annotator.Web.Projects;
using Microsoft.AspNetCore.Identity;

namespace Annotator.Web.Accounts;

/// <summary>Creates the first admin on an empty database, and with it the demo project.</summary>
public sealed class SetupService(
    SetupState state,
    UserManager<AppUser> users,
    DemoProjectSeeder demo,
    TimeProvider clock,
    ILogger<SetupService> logger)
{
    /// <summary>
    /// Creates the first admin. Fails with a readable message if an account already exists or the input is not
    /// acceptable; in either case nothing is created.
    /// </summary>
    public async Task<AppUser> CreateFirstAdminAsync(string email, string displayName, string password,
        CancellationToken cancellationToken = default)
    {
        await state.Gate.WaitAsync(cancellationToken);
        try
        {
            if (await state.IsDoneAsync(cancellationToken))
            {
                throw new DomainException("Setup is already complete. Sign in instead.");
            }
            var user = NewUser(email, displayName, clock);
            var created = await users.CreateAsync(user, password);
            if (!created.Succeeded)
            {
                throw new DomainException(string.Join(" ", created.Errors.Select(e => e.Description)));
            }
            var role = await users.AddToRoleAsync(user, AppRoles.Admin);
            if (!role.Succeeded)
            {
                await users.DeleteAsync(user);
                throw new DomainException(string.Join(" ", role.Errors.Select(e => e.Description)));
            }
            state.MarkDone();
            logger.LogInformation("First admin {Email} created.", user.Email);
            await demo.SeedAsync(user, cancellationToken);
            return user;
        }
        finally
        {
            state.Gate.Release();
        }
    }

    /// <summary>The trimmed email, or a <see cref="DomainException"/> when it is not a plausible address.</summary>
    internal static string CleanEmail(string? email)
    {
        var clean = (email ?? "").Trim();
        if (clean.Length == 0 || !clean.Contains('@') || clean.Length > 256)
        {
            throw new DomainException("Enter a valid email address.");
        }
        return clean;
    }

    /// <summary>A new, unsaved account with normalised email and name.</summary>
    internal static AppUser NewUser(string email, string displayName, TimeProvider clock)
    {
        var cleanEmail = CleanEmail(email);
        var name = (displayName ?? "").Trim();
        if (name.Length == 0)
        {
            name = cleanEmail.Split('@')[0];
        }
        if (name.Length > 100)
        {
            throw new DomainException("The name must be at most 100 characters.");
        }
        return new AppUser
        {
            UserName = cleanEmail,
            Email = cleanEmail,
            EmailConfirmed = true,
            DisplayName = name,
            CreatedAt = clock.GetUtcNow().UtcDateTime,
        };
    }
}
