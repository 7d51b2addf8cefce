namespace Annotator.Core.Accounts;

/// <summary>
/// An admin's invitation for a new user. Only the SHA-256 of the token is stored; the token itself is shown once to
/// the admin as a link to pass on.
/// </summary>
public sealed class Invitation
{
    /// <summary>How long an invitation can be accepted.</summary>
    public static readonly TimeSpan Lifetime = TimeSpan.FromDays(7);

    private Invitation()
    {
        Email = "";
        Role = "";
        TokenHash = "";
        CreatedById = "";
    }

    /// <summary>Creates an invitation for <paramref name="email"/> with the application role <paramref name="role"/>.</summary>
    public Invitation(string email, string role, string tokenHash, string createdById, DateTime nowUtc)
    {
        Email = Guard.RequiredText(email, "Email", 256);
        if (!AppRoles.IsKnown(role))
        {
            throw new DomainException($"Unknown role '{role}'.");
        }
        Role = role;
        TokenHash = tokenHash;
        CreatedById = createdById;
        CreatedAt = nowUtc;
        ExpiresAt = nowUtc + Lifetime;
    }

    /// <summary>Database id.</summary>
    public int Id { get; private set; }

    /// <summary>The invitee's email, which becomes their user name.</summary>
    public string Email { get; private set; }

    /// <summary>The application role the invitee gets.</summary>
    public string Role { get; private set; }

    /// <summary>Hex SHA-256 of the token in the link.</summary>
    public string TokenHash { get; private set; }

    /// <summary>The admin who invited.</summary>
    public string CreatedById { get; private set; }

    /// <summary>When it was made (UTC).</summary>
    public DateTime CreatedAt { get; private set; }

    /// <summary>After this (UTC) it can no longer be accepted.</summary>
    public DateTime ExpiresAt { get; private set; }

    /// <summary>When it was accepted (UTC), if it was.</summary>
    public DateTime? AcceptedAt { get; private set; }

    /// <summary>Whether it can still be accepted at <paramref name="nowUtc"/>.</summary>
    public bool IsOpen(DateTime nowUtc) => AcceptedAt is null && nowUtc < ExpiresAt;

    /// <summary>Marks it used; it cannot be accepted twice.</summary>
    public void Accept(DateTime nowUtc)
    {
        if (!IsOpen(nowUtc))
        {
            throw new DomainException("This invitation has expired or was already used.");
        }
        AcceptedAt = nowUtc;
    }
}
