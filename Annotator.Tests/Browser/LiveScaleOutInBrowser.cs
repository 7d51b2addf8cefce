using Annotator.Tests.Infrastructure;
using Annotator.Web.Feed;
using Microsoft.Extensions.DependencyInjection;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>
/// Two app nodes on one PostgreSQL database and one Redis: the edit feed (Redis pub/sub) carries an operation made on
/// node A to a workspace open in Chromium on node B, and the workspace's own edit back to a program on node A.
/// Runs in CI; locally skipped, with the reason, without PostgreSQL, Redis or Chromium.
/// </summary>
public sealed class LiveScaleOutInBrowser(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task AnEditOnNodeAAppearsInAWorkspaceOnNodeBAndBack()
    {
        TestEnvironment.RequirePostgres();
        TestEnvironment.RequireRedis();
        TestEnvironment.RequireChromium();
        var prefix = "annotator-test-" + Guid.NewGuid().ToString("N")[..12];
        await using var a = new AnnotatorFactory(TestDatabase.Postgres).UseKestrelOnLoopback()
            .With("Annotator:Live:Redis", TestEnvironment.Redis).With("Annotator:Live:ChannelPrefix", prefix);
        _ = a.ServerAddress;
        await using var b = new AnnotatorFactory(TestDatabase.Postgres).ShareDatabaseOf(a).UseKestrelOnLoopback()
            .With("Annotator:Live:Redis", TestEnvironment.Redis).With("Annotator:Live:ChannelPrefix", prefix);
        _ = b.ServerAddress;
        Assert.IsType<RedisFeed>(b.Services.GetRequiredService<IFeed>());

        var world = await HubWorld.BuildAsync(a);
        await using var program = await HubClient.ConnectAsync(a.ServerAddress, (await a.MintApiTokenAsync(world.Ann)).Secret);
        await program.JoinAsync(world.Image);
        await using var browser = await chromium.NewPageAsync(b.ServerAddress);
        var page = browser.Page;
        await SignInWithCookieAsync(page, world.Bob.Email!);
        await page.GotoAsync($"/projects/{world.Project}/images/{world.Image}");
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);

        var fromA = await program.SubmitAsync(world.Image, world.CreateBox(x: 10));
        Assert.True(fromA.GetProperty("ok").GetBoolean(), fromA.ToString());
        await Expect(page.GetByTestId("region-count")).ToHaveTextAsync("1");
        await page.WaitForFunctionAsync("() => window.annotatorWorkspace.regions().length === 1");

        await page.Keyboard.PressAsync("b");
        await DragAsync(page, (60, 60), (120, 120));
        await Expect(page.GetByTestId("region-count")).ToHaveTextAsync("2");
        await program.WaitForSequenceAsync(world.Image, fromA.GetProperty("sequence").GetInt64() + 1);
        // (No check of the browser's console here: the two test nodes share the database but not an image store, so
        // node B answers 404 for the image file, which node A holds. Real nodes share the store's folder.)
    }
}
