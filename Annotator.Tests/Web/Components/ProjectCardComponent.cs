using Annotator.Core.Images;
using Annotator.Web.Components.Shared;
using Annotator.Web.Projects;
using Bunit;

namespace Annotator.Tests.Web.Components;

/// <summary>A project on the project list.</summary>
public sealed class ProjectCardComponent : BunitContext
{
    public ProjectCardComponent() => this.AddTestServices();

    private IRenderedComponent<ProjectCard> RenderCard(bool archived = false) =>
        Render<ProjectCard>(p => p.Add(c => c.Project, new ProjectSummary(5, "Street scenes", "Cars and people", archived, 12, 3,
            new Dictionary<ImageStatus, int> { [ImageStatus.New] = 9, [ImageStatus.Labeled] = 3 })));

    [Fact]
    public void ShowsNameLinkAndProgress()
    {
        var cut = RenderCard();

        var link = cut.Find("a.project-name");
        Assert.Equal("Street scenes", link.TextContent.Trim());
        Assert.Equal("/projects/5", link.GetAttribute("href"));
        Assert.Contains("Cars and people", cut.Find(".project-description").TextContent);
        Assert.Contains("3 of 12 images labeled", cut.Markup);
        Assert.Equal("25", cut.Find("[role=progressbar]").GetAttribute("aria-valuenow"));
    }

    [Fact]
    public void MarksArchivedProjects()
    {
        Assert.DoesNotContain(RenderCard(archived: false).FindAll(".mud-chip"), c => c.TextContent.Contains("Archived"));
        Assert.Contains(RenderCard(archived: true).FindAll(".mud-chip"), c => c.TextContent.Contains("Archived"));
    }
}
