using Annotator.Web.Components.Shared;
using Bunit;

namespace Annotator.Tests.Web.Components;

/// <summary>What a page shows for a project or image that does not exist or may not be seen.</summary>
public sealed class NotFoundNoticeComponent : BunitContext
{
    public NotFoundNoticeComponent() => this.AddTestServices();

    [Fact]
    public void SaysNotFoundAndLinksBackToTheProjects()
    {
        var cut = Render<NotFoundNotice>();

        Assert.Contains("Not found", cut.Find("[data-testid=not-found]").TextContent);
        Assert.Equal("/", cut.Find("[data-testid=not-found] a").GetAttribute("href"));
    }
}
