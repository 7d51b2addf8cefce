namespace Annotator.Web.Projects;

/// <summary>Projects' settings (keys at the root of the <c>Annotator</c> section).</summary>
public sealed class ProjectOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Annotator";

    /// <summary>Whether the first admin gets a demo project with sample images.</summary>
    public bool SeedDemoProject { get; set; } = true;
}
