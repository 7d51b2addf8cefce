using System.Security.Claims;
using System.Security.Cryptography;
using System.Text;
using Annotator.Core;
using Annotator.Core.Accounts;
using Annotator.Web.Data;
using Annotator.Web.Feed;
using Annotator.Web.Projects;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Accounts;

/// <summary>A user as listed for admins.</summary>
public sealed record UserView(string Id, string Email, string DisplayName, string Role, bool IsActive, DateTime CreatedAt);

/// <summary>An open invitation as listed for admins.</summary>
public sealed record InvitationView(int Id, string Email, string Role, DateTime ExpiresAt);

/// <summary>
/// What admins do with accounts: create, invite, change roles, deactivate. Every method checks that the caller is an
/// admin, and nobody can change their own role or deactivate themselves.
/// </summary>
public sealed class UserAdminService(
    UserManager<AppUser> users,
    IDbContextFactory<AnnotatorDbContext> dbFactory,
    TimeProvider clock,
    IFeed feed)
{
    /// <summary>All users, with their role.</summary>
    public async Task<IReadOnlyList<UserView>> ListAsync(ClaimsPrincipal actor, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var rows = await db.Users
            .Select(u => new
            {
                u.Id, u.Email, u.DisplayName, u.DeactivatedAt, u.CreatedAt,
                Role = db.UserRoles.Where(r => r.UserId == u.Id).Join(db.Roles, ur => ur.RoleId, r => r.Id, (ur, r) => r.Name).FirstOrDefault(),
            })
            .OrderBy(u => u.Email)
            .ToListAsync(cancellationToken);
        return [.. rows.Select(u => new UserView(u.Id, u.Email ?? "", u.DisplayName, u.Role ?? "", u.DeactivatedAt is null, u.CreatedAt))];
    }

    /// <summary>Creates a user with an initial password the admin passes on.</summary>
    public async Task<string> CreateAsync(ClaimsPrincipal actor, string email, string displayName, string role, string password)
    {
        RequireAdmin(actor);
        RequireKnownRole(role);
        var user = SetupService.NewUser(email, displayName, clock);
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            throw new DomainException(Describe(created));
        }
        var added = await users.AddToRoleAsync(user, role);
        if (!added.Succeeded)
        {
            await users.DeleteAsync(user);
            throw new DomainException(Describe(added));
        }
        return user.Id;
    }

    /// <summary>Invites a user; returns the token for the link /invite/{token}, shown once.</summary>
    public async Task<string> InviteAsync(ClaimsPrincipal actor, string email, string role, CancellationToken cancellationToken = default)
    {
        var actorId = RequireAdmin(actor);
        RequireKnownRole(role);
        var clean = SetupService.CleanEmail(email);
        if (await users.FindByEmailAsync(clean) is not null)
        {
            throw new DomainException($"{clean} already has an account.");
        }
        var token = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(32));
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        db.Invitations.Add(new Invitation(clean, role, Hash(token), actorId, clock.GetUtcNow().UtcDateTime));
        await db.SaveChangesAsync(cancellationToken);
        return token;
    }

    /// <summary>Invitations not yet accepted or expired.</summary>
    public async Task<IReadOnlyList<InvitationView>> OpenInvitationsAsync(ClaimsPrincipal actor, CancellationToken cancellationToken = default)
    {
        RequireAdmin(actor);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.Invitations.Where(i => i.AcceptedAt == null && i.ExpiresAt > now)
            .OrderBy(i => i.Email).Select(i => new InvitationView(i.Id, i.Email, i.Role, i.ExpiresAt))
            .ToListAsync(cancellationToken);
    }

    /// <summary>The email an open invitation is for, or null when the token is unknown, used or expired.</summary>
    public async Task<string?> InvitationEmailAsync(string token, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var hash = Hash(token ?? "");
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
        return invitation is not null && invitation.IsOpen(clock.GetUtcNow().UtcDateTime) ? invitation.Email : null;
    }

    /// <summary>Creates the invited account; the invitation cannot be used again.</summary>
    public async Task<AppUser> AcceptInvitationAsync(string token, string displayName, string password, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var hash = Hash(token ?? "");
        var now = clock.GetUtcNow().UtcDateTime;
        var invitation = await db.Invitations.FirstOrDefaultAsync(i => i.TokenHash == hash, cancellationToken);
        if (invitation is null || !invitation.IsOpen(now))
        {
            throw new DomainException("This invitation has expired or was already used. Ask an admin for a new one.");
        }
        var user = SetupService.NewUser(invitation.Email, displayName, clock);
        var created = await users.CreateAsync(user, password);
        if (!created.Succeeded)
        {
            throw new DomainException(Describe(created));
        }
        var added = await users.AddToRoleAsync(user, invitation.Role);
        if (!added.Succeeded)
        {
            await users.DeleteAsync(user);
            throw new DomainException(Describe(added));
        }
        invitation.Accept(now);
        await db.SaveChangesAsync(cancellationToken);
        return user;
    }

    /// <summary>Gives a user another application role. Nobody can change their own.</summary>
    public async Task SetRoleAsync(ClaimsPrincipal actor, string userId, string role)
    {
        var actorId = RequireAdmin(actor);
        RequireKnownRole(role);
        if (userId == actorId)
        {
            throw new DomainException("You cannot change your own role.");
        }
        var user = await users.FindByIdAsync(userId) ?? throw new DomainException("That user does not exist.");
        var current = await users.GetRolesAsync(user);
        if (current.Count == 1 && current[0] == role)
        {
            return;
        }
        var removed = await users.RemoveFromRolesAsync(user, current);
        var added = removed.Succeeded ? await users.AddToRoleAsync(user, role) : removed;
        if (!added.Succeeded)
        {
            throw new DomainException(Describe(added));
        }
        // Ends the user's sign-in sessions within SessionCheckSeconds (the cookie check compares stamps), and their programs at once.
        await users.UpdateSecurityStampAsync(user);
        await feed.PublishAccessChangeAsync(user.Id, $"Your role changed to {role}; connect again.");
    }

    /// <summary>Deactivates or reactivates an account. Nobody can deactivate themselves.</summary>
    public async Task SetActiveAsync(ClaimsPrincipal actor, string userId, bool active)
    {
        var actorId = RequireAdmin(actor);
        if (userId == actorId)
        {
            throw new DomainException("You cannot deactivate your own account.");
        }
        var user = await users.FindByIdAsync(userId) ?? throw new DomainException("That user does not exist.");
        user.DeactivatedAt = active ? null : clock.GetUtcNow().UtcDateTime;
        var updated = await users.UpdateAsync(user);
        if (!updated.Succeeded)
        {
            throw new DomainException(Describe(updated));
        }
        await users.UpdateSecurityStampAsync(user);
        if (!active)
        {
            await feed.PublishAccessChangeAsync(user.Id, "Your account was deactivated.");
        }
    }

    private static string RequireAdmin(ClaimsPrincipal actor)
    {
        if (!actor.IsInRole(AppRoles.Admin) || ProjectAccess.UserId(actor) is not { } id)
        {
            throw new UnauthorizedAccessException("Only admins may manage users.");
        }
        return id;
    }

    private static void RequireKnownRole(string role)
    {
        if (!AppRoles.IsKnown(role))
        {
            throw new DomainException($"Unknown role '{role}'.");
        }
    }

    private static string Describe(IdentityResult result) => string.Join(" ", result.Errors.Select(e => e.Description));

    private static string Hash(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)));
}
