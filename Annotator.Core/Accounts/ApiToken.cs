namespace Annotator.Core.Accounts;

/// <summary>
/// A personal API token: lets a program (a script, an ML backend, a load test) act as its owner on the annotations
/// hub. Only the SHA-256 of the token is stored; the token itself is shown once, when it is made. The short
/// <see cref="Prefix"/> is part of the token and is shown in lists so its owner can recognise it.
/// </summary>
public sealed class ApiToken
{
    /// <summary>Longest name.</summary>
    public const int MaxNameLength = 100;

    private ApiToken()
    {
        UserId = "";
        Name = "";
        Prefix = "";
        SecretHash = "";
    }

    /// <summary>Creates a token for <paramref name="userId"/>; <paramref name="expiresAtUtc"/> null means it never expires.</summary>
    public ApiToken(string userId, string name, string prefix, string secretHash, DateTime nowUtc, DateTime? expiresAtUtc)
    {
        UserId = Guard.RequiredText(userId, "User", 450);
        Name = Guard.RequiredText(name, "Token name", MaxNameLength);
        Prefix = Guard.RequiredText(prefix, "Prefix", 32);
        SecretHash = Guard.RequiredText(secretHash, "Hash", 64);
        if (expiresAtUtc is { } expires && expires <= nowUtc)
        {
            throw new DomainException("The expiry date must be in the future.");
        }
        CreatedAt = nowUtc;
        ExpiresAt = expiresAtUtc;
    }

    /// <summary>Database id.</summary>
    public int Id { get; private set; }

    /// <summary>The owner; the token acts as this user.</summary>
    public string UserId { get; private set; }

    /// <summary>What the owner called it ("nightly import", "SAM backend").</summary>
    public string Name { get; private set; }

    /// <summary>The visible part of the token, unique: <c>ann_{Prefix}_…</c>.</summary>
    public string Prefix { get; private set; }

    /// <summary>Hex SHA-256 of the whole token.</summary>
    public string SecretHash { get; private set; }

    /// <summary>When it was made (UTC).</summary>
    public DateTime CreatedAt { get; private set; }

    /// <summary>When a program last authenticated with it (UTC), to the minute.</summary>
    public DateTime? LastUsedAt { get; private set; }

    /// <summary>After this (UTC) it is refused; null: never.</summary>
    public DateTime? ExpiresAt { get; private set; }

    /// <summary>When it was revoked (UTC); a revoked token is refused from then on.</summary>
    public DateTime? RevokedAt { get; private set; }

    /// <summary>Why the token cannot be used at <paramref name="nowUtc"/>, or null when it can.</summary>
    public string? WhyUnusable(DateTime nowUtc) => WhyUnusable(RevokedAt, ExpiresAt, nowUtc);

    /// <summary>The rule of <see cref="WhyUnusable(DateTime)"/> on the bare fields (for queries that load only them).</summary>
    public static string? WhyUnusable(DateTime? revokedAt, DateTime? expiresAt, DateTime nowUtc)
    {
        if (revokedAt is not null)
        {
            return "This API token was revoked.";
        }
        return expiresAt is { } expires && nowUtc >= expires ? "This API token has expired." : null;
    }

    /// <summary>Revokes it; a token is revoked once.</summary>
    public void Revoke(DateTime nowUtc)
    {
        if (RevokedAt is not null)
        {
            throw new DomainException($"The token '{Name}' is already revoked.");
        }
        RevokedAt = nowUtc;
    }

    /// <summary>Records a use.</summary>
    public void MarkUsed(DateTime nowUtc) => LastUsedAt = nowUtc;
}
