using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Data;
using Annotator.Web.Collaboration;
using Annotator.Web.Feed;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>
/// Presence in Debian's Chromium against the real app: two people in two browser contexts on one image see each
/// other's avatar, pointer and selection; the grid shows who views which image, live; blind labelers (overlap 2) see
/// each other's avatars but never each other's pointers.
/// </summary>
public sealed class PresenceInBrowser(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>, IAsyncDisposable
{
    private readonly List<IAsyncDisposable> _owned = [];

    private sealed record World(AnnotatorFactory App, int Project, int Image, AppUser Ann, AppUser Bob, AppUser Admin);

    private async Task<World> CreateAsync(int overlap, string? redisPrefix = null)
    {
        TestEnvironment.RequireChromium();
        var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        if (redisPrefix is not null)
        {
            app.With("Annotator:Live:Redis", TestEnvironment.Redis).With("Annotator:Live:ChannelPrefix", redisPrefix);
        }
        _owned.Add(app);
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        var ann = await app.CreateUserAsync("ann.lee@example.com");
        var bob = await app.CreateUserAsync("bob.stone@example.com");
        var project = await app.CreateProjectAsync("Together", admin.Id, (ann.Id, ProjectRole.Labeler), (bob.Id, ProjectRole.Labeler));
        if (overlap != 1)
        {
            await app.SetOverlapAsync(project, overlap);
        }
        var image = await app.AddImageAsync(project, admin.Id, Fixtures.Good("coffee.png"));
        return new World(app, project, image, ann, bob, admin);
    }

    private Task<IPage> SignedInAsync(World world, string email) => SignedInAsync(world.App, email);

    private async Task<IPage> SignedInAsync(AnnotatorFactory app, string email, string password = AnnotatorFactory.Password)
    {
        var browser = await chromium.NewPageAsync(app.ServerAddress);
        _owned.Add(browser);
        await SignInWithCookieAsync(browser.Page, email, password);
        return browser.Page;
    }

    private static async Task OpenImageAsync(IPage page, World world)
    {
        await page.GotoAsync($"/projects/{world.Project}/images/{world.Image}");
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
    }

    private static ILocator AvatarOf(IPage page, AppUser user) =>
        page.Locator($"[data-testid=presence-avatar][data-user-id='{user.Id}']");

    /// <summary>Waits until the canvas's peer list (window.annotatorWorkspace.peers()) satisfies a JS predicate.</summary>
    private static Task PeersAsync(IPage page, string predicate, object? arg = null) =>
        page.WaitForFunctionAsync($"arg => {{ const peers = window.annotatorWorkspace?.peers() ?? []; return ({predicate}); }}", arg,
            new() { Timeout = ChromiumFixture.Timeout, PollingInterval = 50 });

    [Fact]
    public async Task TwoPeopleOnOneImageSeeEachOthersAvatarPointerAndSelectionAndTheGridShowsThem()
    {
        var world = await CreateAsync(overlap: 1);
        var grid = await SignedInAsync(world, "admin@example.com");
        await grid.GotoAsync($"/projects/{world.Project}");
        await Expect(grid.GetByTestId("image-tile")).ToHaveCountAsync(1);
        await Expect(grid.Locator("[data-testid=image-tile] [data-testid=presence-avatar]")).ToHaveCountAsync(0);

        var ann = await SignedInAsync(world, "ann.lee@example.com");
        await OpenImageAsync(ann, world);
        await ann.Keyboard.PressAsync("b");
        await DragAsync(ann, (100, 80), (300, 200));
        await Expect(ann.GetByTestId("region-count")).ToHaveTextAsync("1");
        await Expect(ann.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
        await ann.Keyboard.PressAsync("Escape");

        var bob = await SignedInAsync(world, "bob.stone@example.com");
        await OpenImageAsync(bob, world);

        // Avatars, both ways, and on the grid's tile (live: the grid was open before anyone came).
        await Expect(AvatarOf(ann, world.Bob)).ToBeVisibleAsync();
        await Expect(AvatarOf(ann, world.Bob)).ToHaveTextAsync("BS");
        await Expect(AvatarOf(bob, world.Ann)).ToBeVisibleAsync();
        await Expect(grid.Locator($"[data-testid=image-tile] [data-testid=presence-avatar][data-user-id='{world.Ann.Id}']")).ToBeVisibleAsync();
        await Expect(grid.Locator($"[data-testid=image-tile] [data-testid=presence-avatar][data-user-id='{world.Bob.Id}']")).ToBeVisibleAsync();

        // Ann's pointer on Bob's canvas, in image px.
        await MoveToAsync(ann, 420, 260, steps: 4);
        await PeersAsync(bob, "peers.length === 1 && peers[0].displayName === 'ann.lee' && !!peers[0].cursor"
            + " && Math.abs(peers[0].cursor.x - 420) < 2 && Math.abs(peers[0].cursor.y - 260) < 2");

        // Ann selects the box: Bob's peer list has it.
        await ann.Keyboard.PressAsync("v");
        await ClickAtAsync(ann, 200, 140);
        var selected = await ann.EvaluateAsync<string[]>("() => window.annotatorWorkspace.metrics().selected");
        var regionId = Assert.Single(selected);
        await PeersAsync(bob, "peers.length === 1 && peers[0].selection.length === 1 && peers[0].selection[0] === arg", regionId);
        await MoveToAsync(ann, 330, 225, steps: 4);
        await PeersAsync(bob, "peers.length === 1 && !!peers[0].cursor && Math.abs(peers[0].cursor.x - 330) < 2");

        await Screenshots.SaveAsync(bob, "presence-workspace.png");
        await Screenshots.SaveAsync(grid, "presence-grid.png");

        // Deselecting and leaving the image are seen too.
        await ann.Keyboard.PressAsync("Escape");
        await PeersAsync(bob, "peers.length === 1 && peers[0].selection.length === 0");
        await ann.Mouse.MoveAsync(5, 5);
        await PeersAsync(bob, "peers.length === 1 && peers[0].cursor === null");
        await NavigateInAppAsync(ann, $"/projects/{world.Project}");
        await PeersAsync(bob, "peers.length === 0");
        await Expect(AvatarOf(bob, world.Ann)).ToHaveCountAsync(0);
        await Expect(grid.Locator($"[data-testid=image-tile] [data-testid=presence-avatar][data-user-id='{world.Ann.Id}']")).ToHaveCountAsync(0);
        // On the project page now, Ann sees Bob on the tile.
        await Expect(ann.Locator($"[data-testid=image-tile] [data-testid=presence-avatar][data-user-id='{world.Bob.Id}']")).ToBeVisibleAsync();
        foreach (var page in new[] { ann, bob, grid })
        {
            Assert.Empty(_owned.OfType<BrowserPage>().Single(p => p.Page == page).Errors);
        }
    }

    [Fact]
    public async Task BlindLabelersSeeEachOthersAvatarsButNotTheirPointersOrSelections()
    {
        var world = await CreateAsync(overlap: 2);
        var ann = await SignedInAsync(world, "ann.lee@example.com");
        var bob = await SignedInAsync(world, "bob.stone@example.com");
        await OpenImageAsync(ann, world);
        await OpenImageAsync(bob, world);
        await Expect(AvatarOf(ann, world.Bob)).ToBeVisibleAsync();
        await Expect(AvatarOf(bob, world.Ann)).ToBeVisibleAsync();

        // A viewer of Ann's own set (as a second tab of hers would be) proves her pointer reached the server...
        var tracker = world.App.Services.GetRequiredService<PresenceTracker>();
        using var witness = tracker.Join(new PresenceJoin(world.Project, world.Image, world.Ann.Id, "witness", "Witness"), () => Task.CompletedTask);
        await ann.Keyboard.PressAsync("b");
        await DragAsync(ann, (100, 80), (300, 200));
        await Expect(ann.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
        await MoveToAsync(ann, 420, 260, steps: 4);
        await Eventually.TrueAsync(() => witness.Peers() is [{ Cursor: not null, Selection.Count: 1 }], "Ann's pointer and selection at the server",
            ChromiumFixture.Patience);
        // ...while Bob, blind labeling the same image, gets neither (given time to arrive, were they sent).
        await bob.WaitForTimeoutAsync(1000);
        Assert.Equal(0, await bob.EvaluateAsync<int>("() => window.annotatorWorkspace.peers().length"));
        // Ann's canvas has the viewer of her own set, and not Bob.
        Assert.Equal(["Witness"], await ann.EvaluateAsync<string[]>("() => window.annotatorWorkspace.peers().map(p => p.displayName)"));
        await Expect(AvatarOf(bob, world.Ann)).ToBeVisibleAsync();
        Assert.Empty(_owned.OfType<BrowserPage>().SelectMany(p => p.Errors));
    }

    [Fact]
    public async Task AMemberRemovedFromTheProjectLeavesAtOnceAndSeesNobodyAnyMore()
    {
        var world = await CreateAsync(overlap: 1);
        var ann = await SignedInAsync(world, "ann.lee@example.com");
        var bob = await SignedInAsync(world, "bob.stone@example.com");
        await OpenImageAsync(ann, world);
        await OpenImageAsync(bob, world);
        await Expect(AvatarOf(ann, world.Bob)).ToBeVisibleAsync();
        await MoveToAsync(ann, 300, 200, steps: 3);
        await PeersAsync(bob, "peers.length === 1 && !!peers[0].cursor");

        await using (var db = await world.App.NewDbContextAsync())
        {
            var project = await db.Projects.Include(p => p.Members).SingleAsync(p => p.Id == world.Project);
            Assert.True(project.RemoveMember(world.Bob.Id));
            await db.SaveChangesAsync();
        }
        // What the membership change publishes (FeedTopics.Access, key: the user).
        await world.App.Services.GetRequiredService<IFeed>().PublishAsync(new FeedEnvelope(FeedTopics.Access, world.Bob.Id, "{}"));

        await Expect(AvatarOf(ann, world.Bob)).ToHaveCountAsync(0);
        await PeersAsync(ann, "peers.length === 0");
        await PeersAsync(bob, "peers.length === 0");
        await Expect(AvatarOf(bob, world.Ann)).ToHaveCountAsync(0);
        await MoveToAsync(ann, 320, 210, steps: 3);
        await bob.WaitForTimeoutAsync(500);
        Assert.Equal(0, await bob.EvaluateAsync<int>("() => window.annotatorWorkspace.peers().length"));
    }

    [Fact]
    public async Task OnTwoAppNodesSharingRedisEachSeesTheViewerAndPointerOfTheOther()
    {
        TestEnvironment.RequireRedis();
        var prefix = "annotator-test-" + Guid.NewGuid().ToString("N")[..8];
        var world = await CreateAsync(overlap: 1, redisPrefix: prefix);
        // A second node on the same database, image store and Redis channel, as behind a load balancer.
        var nodeB = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback()
            .With("Annotator:DataPath", world.App.DataPath)
            .With("Annotator:Live:Redis", TestEnvironment.Redis)
            .With("Annotator:Live:ChannelPrefix", prefix);
        _owned.Add(nodeB);
        Assert.NotEqual(world.App.ServerAddress, nodeB.ServerAddress);

        var ann = await SignedInAsync(world.App, "ann.lee@example.com");
        var bob = await SignedInAsync(nodeB, "bob.stone@example.com");
        var grid = await SignedInAsync(nodeB, "admin@example.com");
        await grid.GotoAsync($"/projects/{world.Project}");
        await Expect(grid.GetByTestId("image-tile")).ToHaveCountAsync(1);
        await OpenImageAsync(ann, world);
        await OpenImageAsync(bob, world);

        await Expect(AvatarOf(ann, world.Bob)).ToBeVisibleAsync();
        await Expect(AvatarOf(bob, world.Ann)).ToBeVisibleAsync();
        await Expect(grid.Locator($"[data-testid=image-tile] [data-testid=presence-avatar][data-user-id='{world.Ann.Id}']")).ToBeVisibleAsync();
        await MoveToAsync(ann, 250, 150, steps: 3);
        await PeersAsync(bob, "peers.length === 1 && !!peers[0].cursor && Math.abs(peers[0].cursor.x - 250) < 2");
        await MoveToAsync(bob, 100, 300, steps: 3);
        await PeersAsync(ann, "peers.length === 1 && !!peers[0].cursor && Math.abs(peers[0].cursor.y - 300) < 2");

        await NavigateInAppAsync(ann, "/");
        await PeersAsync(bob, "peers.length === 0");
        await Expect(grid.Locator($"[data-testid=image-tile] [data-testid=presence-avatar][data-user-id='{world.Ann.Id}']")).ToHaveCountAsync(0);
        Assert.Empty(_owned.OfType<BrowserPage>().SelectMany(p => p.Errors));
    }

    public async ValueTask DisposeAsync()
    {
        // Browsers before the app they talk to.
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }

    /// <summary>
    /// Screenshots for a look by eye: always into the temporary folder (the path is printed); with ANNOTATOR_SCREENSHOTS=1
    /// the workspace one also becomes the README's docs/screenshots/presence.png.
    /// </summary>
    private static class Screenshots
    {
        public static async Task SaveAsync(IPage page, string name)
        {
            await page.Mouse.MoveAsync(1, 1);
            await page.WaitForTimeoutAsync(300);
            var path = Path.Combine(Path.GetTempPath(), "annotator-presence-" + name);
            await page.ScreenshotAsync(new() { Path = path });
            Console.WriteLine("Screenshot: " + path);
            if (Environment.GetEnvironmentVariable("ANNOTATOR_SCREENSHOTS") == "1" && name == "presence-workspace.png")
            {
                File.Copy(path, Path.Combine(RepositoryRoot(), "docs", "screenshots", "presence.png"), overwrite: true);
            }
        }

        private static string RepositoryRoot()
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Annotator.sln")))
                {
                    return dir.FullName;
                }
            }
            throw new InvalidOperationException("Annotator.sln not found above " + AppContext.BaseDirectory);
        }
    }
}
