namespace Annotator.Core.Projects;

/// <summary>What a member may do inside one project.</summary>
public enum ProjectRole
{
    /// <summary>Labels images of the project.</summary>
    Labeler = 0,

    /// <summary>Labels, reviews and accepts images of the project.</summary>
    Reviewer = 1,
}
