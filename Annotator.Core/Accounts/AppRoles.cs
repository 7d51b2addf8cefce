namespace Annotator.Core.Accounts;

/// <summary>The application-wide roles. Every user has exactly one.</summary>
public static class AppRoles
{
    /// <summary>Manages users, projects and taxonomies; sees every project.</summary>
    public const string Admin = "Admin";

    /// <summary>Reviews, resolves and accepts work in the projects they belong to.</summary>
    public const string Reviewer = "Reviewer";

    /// <summary>Labels what is assigned in the projects they belong to.</summary>
    public const string Labeler = "Labeler";

    /// <summary>All roles, most powerful first.</summary>
    public static IReadOnlyList<string> All { get; } = [Admin, Reviewer, Labeler];

    /// <summary>Whether <paramref name="role"/> is one of <see cref="All"/> (case-sensitive).</summary>
    public static bool IsKnown(string? role) => role is not null && All.Contains(role);
}
