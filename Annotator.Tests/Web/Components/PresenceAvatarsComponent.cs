using Annotator.Core.Images;
using Annotator.Web.Components.Shared;
using Annotator.Web.Live;
using Annotator.Web.Projects;
using Bunit;

namespace Annotator.Tests.Web.Components;

/// <summary>The avatars of who is viewing, in the workspace's top bar and on the grid's tiles.</summary>
public sealed class PresenceAvatarsComponent : BunitContext
{
    private static readonly ImageViewer[] Five =
    [
        new("u1", "Ada Lovelace", "#1a73e8", 11),
        new("u2", "grace", "#188038", 11),
        new("u3", "Alan M. Turing", "#9334e6", 11),
        new("u4", "Edsger", "#e8710a", 11),
        new("u5", "Barbara", "#00897b", 11),
    ];

    public PresenceAvatarsComponent() => this.AddTestServices();

    [Fact]
    public void ShowsInitialsInTheViewersColourAndSumsUpTheRest()
    {
        var cut = Render<PresenceAvatars>(p => p.Add(a => a.Viewers, Five).Add(a => a.Max, 3));

        var avatars = cut.FindAll("[data-testid=presence-avatar]");
        Assert.Equal(["AL", "GR", "AT"], avatars.Select(a => a.TextContent.Trim()));
        Assert.Equal(["Ada Lovelace", "grace", "Alan M. Turing"], avatars.Select(a => a.GetAttribute("aria-label")));
        Assert.Contains("#1a73e8", avatars[0].GetAttribute("style"));
        Assert.Equal("+2", cut.Find("[data-testid=presence-more]").TextContent.Trim());
        Assert.Contains("Edsger", cut.Find("[data-testid=presence-avatars]").GetAttribute("aria-label"));
    }

    [Fact]
    public void RendersNothingWhenNobodyIsThere()
    {
        var cut = Render<PresenceAvatars>(p => p.Add(a => a.Viewers, []));

        Assert.Empty(cut.FindAll("[data-testid=presence-avatars]"));
    }

    [Fact]
    public void TheGridShowsViewersOnTheTileOfTheirImageOnly()
    {
        ImageTile[] tiles = [new(11, "horse.png", 400, 328, ImageStatus.New), new(12, "rocket.jpg", 640, 427, ImageStatus.New)];
        var viewers = new Dictionary<int, IReadOnlyList<ImageViewer>> { [12] = [Five[0]] };

        var cut = Render<ImageGrid>(p => p.Add(g => g.ProjectId, 7).Add(g => g.Items, tiles).Add(g => g.Viewers, viewers));

        var grid = cut.FindAll("[data-testid=image-tile]");
        Assert.Empty(grid[0].QuerySelectorAll("[data-testid=presence-avatar]"));
        Assert.Equal("u1", Assert.Single(grid[1].QuerySelectorAll("[data-testid=presence-avatar]")).GetAttribute("data-user-id"));
    }

    [Fact]
    public void EveryUserKeepsOneColour()
    {
        Assert.Equal(PresenceColors.For("3f2b7c1e-user"), PresenceColors.For("3f2b7c1e-user"));
        Assert.Matches("^#[0-9a-f]{6}$", PresenceColors.For(""));
        Assert.True(Enumerable.Range(0, 50).Select(i => PresenceColors.For($"user-{i}")).Distinct().Count() >= 8,
            "Fifty users should spread over the palette.");
    }
}
