namespace Annotator.Core.Projects;

/// <summary>A user's membership of a project.</summary>
public sealed class ProjectMember
{
    private ProjectMember()
    {
        UserId = "";
    }

    internal ProjectMember(string userId, ProjectRole role)
    {
        UserId = userId;
        Role = role;
    }

    /// <summary>The project.</summary>
    public int ProjectId { get; private set; }

    /// <summary>The user (Identity user id).</summary>
    public string UserId { get; private set; }

    /// <summary>What the user may do in this project.</summary>
    public ProjectRole Role { get; private set; }

    internal void ChangeRole(ProjectRole role) => Role = role;
}
