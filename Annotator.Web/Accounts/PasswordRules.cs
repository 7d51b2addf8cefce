using Annotator.Web.Data;
using Microsoft.AspNetCore.Identity;

namespace Annotator.Web.Accounts;

/// <summary>
/// Password strength beyond Identity's length rule: not the user's email or name, not one of the passwords every
/// attacker tries first, not a single repeated character or a plain sequence.
/// </summary>
public sealed class PasswordRules : IPasswordValidator<AppUser>
{
    /// <summary>Shortest password accepted.</summary>
    public const int MinimumLength = 12;

    private static readonly string[] Common =
    [
        "password", "123456", "qwerty", "letmein", "welcome", "iloveyou", "admin", "annotator", "changeme",
        "abc123", "monkey", "dragon", "passw0rd", "secret",
    ];

    /// <summary>A one-line description for forms.</summary>
    public const string Description = "At least 12 characters, not your email or name, and not a common password.";

    public Task<IdentityResult> ValidateAsync(UserManager<AppUser> manager, AppUser user, string? password)
    {
        var errors = new List<IdentityError>();
        var p = (password ?? "").ToLowerInvariant();
        var email = (user.Email ?? "").ToLowerInvariant();
        var local = email.Split('@')[0];
        if (local.Length >= 4 && p.Contains(local))
        {
            errors.Add(new IdentityError { Code = "PasswordContainsEmail", Description = "The password must not contain your email address." });
        }
        var name = user.DisplayName.ToLowerInvariant().Replace(" ", "");
        if (name.Length >= 4 && p.Replace(" ", "").Contains(name))
        {
            errors.Add(new IdentityError { Code = "PasswordContainsName", Description = "The password must not contain your name." });
        }
        var stripped = new string(p.Where(char.IsLetterOrDigit).ToArray());
        if (Common.Any(c => stripped.Length > 0 && (stripped == c || stripped.Replace(c, "").Trim('0', '1', '2', '3', '4', '5', '6', '7', '8', '9', '!').Length == 0)))
        {
            errors.Add(new IdentityError { Code = "PasswordTooCommon", Description = "This password is too common; choose another." });
        }
        else if (IsSequence(p))
        {
            errors.Add(new IdentityError { Code = "PasswordSequence", Description = "The password must not be a run of consecutive characters." });
        }
        return Task.FromResult(errors.Count == 0 ? IdentityResult.Success : IdentityResult.Failed([.. errors]));
    }

    private static bool IsSequence(string p)
    {
        if (p.Length < 2)
        {
            return false;
        }
        var step = p[1] - p[0];
        if (Math.Abs(step) > 1)
        {
            return false;
        }
        for (var i = 2; i < p.Length; i++)
        {
            if (p[i] - p[i - 1] != step)
            {
                return false;
            }
        }
        return true;
    }
}
