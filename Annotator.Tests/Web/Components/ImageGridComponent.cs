using Annotator.Core.Images;
using Annotator.Web.Components.Shared;
using Annotator.Web.Projects;
using Bunit;

namespace Annotator.Tests.Web.Components;

/// <summary>The grid of image tiles on the project page.</summary>
public sealed class ImageGridComponent : BunitContext
{
    private static readonly ImageTile[] Tiles =
    [
        new(11, "horse.png", 400, 328, ImageStatus.New),
        new(12, "rocket.jpg", 640, 427, ImageStatus.InReview),
    ];

    public ImageGridComponent() => this.AddTestServices();

    private IRenderedComponent<ImageGrid> RenderGrid() =>
        Render<ImageGrid>(p => p.Add(g => g.ProjectId, 7).Add(g => g.Items, Tiles));

    [Fact]
    public void LinksEveryTileToItsImagePage()
    {
        var cut = RenderGrid();

        Assert.Equal(["/projects/7/images/11", "/projects/7/images/12"],
            cut.FindAll("[data-testid=image-tile]").Select(a => a.GetAttribute("href")));
    }

    [Fact]
    public void LoadsThumbnailsLazily()
    {
        var cut = RenderGrid();

        var images = cut.FindAll("[data-testid=image-tile] img");
        Assert.Equal(["/images/11/thumbnail", "/images/12/thumbnail"], images.Select(i => i.GetAttribute("src")));
        Assert.All(images, i => Assert.Equal("lazy", i.GetAttribute("loading")));
        Assert.Equal(["horse.png", "rocket.jpg"], images.Select(i => i.GetAttribute("alt")));
    }

    [Fact]
    public void ShowsNameAndStatusOfEachImage()
    {
        var cut = RenderGrid();

        var tiles = cut.FindAll("[data-testid=image-tile]");
        Assert.Contains("horse.png", tiles[0].TextContent);
        Assert.Contains("New", tiles[0].TextContent);
        Assert.Contains("rocket.jpg", tiles[1].TextContent);
        Assert.Contains("In review", tiles[1].TextContent);
    }
}
