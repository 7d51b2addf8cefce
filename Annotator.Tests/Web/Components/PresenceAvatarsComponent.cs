using Annotator.Core.Images;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Components.Shared;
using Annotator.Web.Collaboration;
using Annotator.Web.Feed;
using Annotator.Web.Projects;
using Bunit;
using Microsoft.Extensions.Logging.Abstractions;

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

    [Fact]
    public async Task TwoPeopleWithTheSameInitialsAndColourGetDistinctAvatarsInTheProject()
    {
        // Two user ids whose home colours collide, as a 12-colour palette makes likely in any team.
        var ids = Enumerable.Range(0, 100).Select(i => $"user-{i:00}").ToList();
        var (ada, alan) = ids.SelectMany(a => ids.Where(b => string.CompareOrdinal(a, b) < 0 && PresenceColors.For(a) == PresenceColors.For(b)).Select(b => (a, b)))
            .First();
        var grace = ids.First(i => PresenceColors.For(i) != PresenceColors.For(ada));
        await using var tracker = new PresenceTracker(new InProcessFeed(NullLogger<InProcessFeed>.Instance), new ManualClock(),
            NullLogger<PresenceTracker>.Instance);
        var adaTold = 0;
        using var adaSession = tracker.Join(new PresenceJoin(7, 70, null, ada, "Ada Byron"), () =>
        {
            Interlocked.Increment(ref adaTold);
            return Task.CompletedTask;
        });
        using var graceSession = tracker.Join(new PresenceJoin(7, 70, null, grace, "Grace Hopper"), () => Task.CompletedTask);
        Assert.Equal("AB", Assert.Single(tracker.Viewers(7), v => v.UserId == ada).Initials);
        var toldBefore = Volatile.Read(ref adaTold);

        // Alan Brown opens another image of the project: on the grid and in every workspace, "AB" and one colour would
        // be two people who look the same.
        var alanSession = tracker.Join(new PresenceJoin(7, 71, null, alan, "Alan Brown"), () => Task.CompletedTask);
        var viewers = tracker.Viewers(7);
        var cut = Render<PresenceAvatars>(p => p.Add(a => a.Viewers, viewers));

        var avatars = cut.FindAll("[data-testid=presence-avatar]");
        string Letters(string user) => avatars.Single(a => a.GetAttribute("data-user-id") == user).TextContent.Trim();
        string Style(string user) => avatars.Single(a => a.GetAttribute("data-user-id") == user).GetAttribute("style")!;
        Assert.Equal(("AD", "AL", "GH"), (Letters(ada), Letters(alan), Letters(grace)));
        Assert.Equal(3, new[] { Style(ada), Style(alan), Style(grace) }.Distinct().Count());
        Assert.Contains(PresenceColors.For(ada), Style(ada));
        Assert.Contains(PresenceColors.For(grace), Style(grace));
        // Ada's own workspace (on the other image) is told, so her pointer and avatar elsewhere follow.
        await Eventually.TrueAsync(() => Volatile.Read(ref adaTold) != toldBefore, "Ada's own workspace to be told", TimeSpan.FromSeconds(10));
        Assert.Equal(viewers.Single(v => v.UserId == ada).Color, Assert.Single(graceSession.Peers()).Color);

        // Alan leaves: Ada is "AB" in her own colour again.
        alanSession.Dispose();
        var back = Assert.Single(tracker.Viewers(7), v => v.UserId == ada);
        Assert.Equal(("AB", PresenceColors.For(ada)), (back.Initials, back.Color));
    }

    [Fact]
    public void InitialsThatOnlyOnePersonHasStay()
    {
        var looks = PresenceColors.Distinct([("u1", "Ada Lovelace"), ("u2", "Alan Turing"), ("u3", "Anna Lee"), ("u4", "grace")]);

        Assert.Equal(["AD", "AT", "AN", "GR"], new[] { "u1", "u2", "u3", "u4" }.Select(u => looks[u].Initials));
        Assert.Equal(4, looks.Values.Select(l => l.Initials).Distinct().Count());
    }
}
