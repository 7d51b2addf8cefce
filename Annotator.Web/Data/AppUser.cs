using Microsoft.AspNetCore.Identity;

namespace Annotator.Web.Data;

/// <summary>An account. Its application role is an Identity role (see <see cref="Core.Accounts.AppRoles"/>).</summary>
public sealed class AppUser : IdentityUser
{
    /// <summary>Name shown to other users.</summary>
    public string DisplayName { get; set; } = "";

    /// <summary>When an admin deactivated the account (UTC); a deactivated user cannot sign in.</summary>
    public DateTime? DeactivatedAt { get; set; }

    /// <summary>When the account was created (UTC).</summary>
    public DateTime CreatedAt { get; set; }
}
