using Annotator.Core.Accounts;
using Annotator.Core.Images;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>
/// Knowing where you are: the workspace's "2 of 3" counter (in the grid's order), the project page's Start labeling
/// button, and a side panel that says when it cannot be current because the connection is down.
/// </summary>
public sealed class WorkspaceWayfinding(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static async Task<(AnnotatorFactory App, int Project, List<int> Images)> ProjectAsync(params string[] files)
    {
        TestEnvironment.RequireChromium();
        var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        var labeler = await app.CreateUserAsync("lee@example.com", AppRoles.Labeler);
        var project = await app.CreateProjectAsync("Wayfinding", admin.Id, (labeler.Id, ProjectRole.Labeler));
        var images = await app.AddImagesAsync(project, admin.Id, [.. files.Select(Fixtures.Good)]);
        return (app, project, [.. images]);
    }

    private static async Task SetStatusAsync(AnnotatorFactory app, ImageStatus status, params int[] images)
    {
        await using var db = await app.NewDbContextAsync();
        foreach (var image in await db.Images.Where(i => images.Contains(i.Id)).ToListAsync())
        {
            image.SetStatus(status);
        }
        await db.SaveChangesAsync();
    }

    private static async Task OpenedAsync(IPage page, int project, int image)
    {
        await Expect(page).ToHaveURLAsync(EndsWith($"/projects/{project}/images/{image}"));
        await Expect(page.Locator($"[data-testid=workspace][data-image-id='{image}']")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
    }

    [Fact]
    public async Task TheCounterFollowsTheGridAndStartLabelingOpensTheFirstImageToLabel()
    {
        var (app, project, images) = await ProjectAsync("horse.png", "coins.png", "camera.png");
        await using var _ = app;
        await SetStatusAsync(app, ImageStatus.Labeled, images[0]);
        await using var browser = await chromium.NewPageAsync(app.ServerAddress);
        var page = browser.Page;
        await SignInWithCookieAsync(page, "lee@example.com");

        await page.GotoAsync($"/projects/{project}");
        await Expect(page.GetByTestId("start-labeling")).ToBeEnabledAsync();
        var tiles = await page.GetByTestId("image-tile").EvaluateAllAsync<string[]>("tiles => tiles.map(t => t.dataset.imageId)");
        Assert.Equal(images.Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), tiles);

        // The third tile is the third of three; previous goes to the second.
        await page.GetByTestId("image-tile").Nth(2).ClickAsync();
        await OpenedAsync(page, project, images[2]);
        await Expect(page.GetByTestId("image-counter")).ToHaveTextAsync("3 of 3");
        await page.GetByTestId("previous-image").ClickAsync();
        await OpenedAsync(page, project, images[1]);
        await Expect(page.GetByTestId("image-counter")).ToHaveTextAsync("2 of 3");

        // Start labeling skips the image already labeled.
        await page.GotoAsync($"/projects/{project}");
        await Expect(page.GetByTestId("start-labeling")).ToBeEnabledAsync();
        await page.GetByTestId("start-labeling").ClickAsync();
        await OpenedAsync(page, project, images[1]);
        await Expect(page.GetByTestId("image-counter")).ToHaveTextAsync("2 of 3");

        // Nothing open any more: the button says so and stays on the project page.
        await SetStatusAsync(app, ImageStatus.Labeled, images[1], images[2]);
        await page.GotoAsync($"/projects/{project}");
        await Expect(page.GetByTestId("start-labeling")).ToBeEnabledAsync();
        await page.GetByTestId("start-labeling").ClickAsync();
        await Expect(page.GetByText("Nothing left to label")).ToBeVisibleAsync();
        await Expect(page).ToHaveURLAsync(EndsWith($"/projects/{project}"));
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task TheSidePanelSaysItIsDisconnectedWhileTheCircuitIsDown()
    {
        var (app, project, images) = await ProjectAsync("horse.png");
        await using var _ = app;
        await using var browser = await chromium.NewPageAsync(app.ServerAddress);
        var page = browser.Page;
        await SignInWithCookieAsync(page, "lee@example.com");
        await page.GotoAsync($"/projects/{project}/images/{images[0]}");
        await OpenedAsync(page, project, images[0]);
        await Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        var notice = page.GetByTestId("panel-disconnected");
        var regions = page.Locator(".ws-panel section.grow");
        await Expect(notice).ToBeHiddenAsync();
        await Expect(regions).ToHaveCSSAsync("opacity", "1");

        // Cut off as LiveCollaborationInBrowser does: the circuit's connection closes and reconnecting is blocked.
        await page.RouteAsync("**/_blazor/**", route => route.AbortAsync());
        await page.EvaluateAsync("() => Blazor._internal.forceCloseConnection()");
        await Expect(page.GetByTestId("reconnect-banner")).ToBeVisibleAsync();
        await Expect(notice).ToBeVisibleAsync();
        await Expect(notice).ToContainTextAsync("Disconnected");
        await Expect(regions).Not.ToHaveCSSAsync("opacity", "1");
        await Expect(regions).ToHaveCSSAsync("pointer-events", "none");
        if (Environment.GetEnvironmentVariable("ANNOTATOR_SCREENSHOTS") == "1")
        {
            var folder = Path.Combine(Path.GetTempPath(), "annotator-screenshots", "workspace");
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "panel-disconnected.png") });
        }

        await page.UnrouteAllAsync(new PageUnrouteAllOptions { Behavior = UnrouteBehavior.IgnoreErrors });
        // What "Retry now" does; Blazor also retries by itself, on a backoff.
        await page.EvaluateAsync("() => { const b = document.getElementById('components-reconnect-button'); if (b && getComputedStyle(b).display !== 'none') b.click(); }");
        await Expect(page.GetByTestId("reconnect-banner")).ToBeHiddenAsync();
        await Expect(notice).ToBeHiddenAsync();
        await Expect(regions).ToHaveCSSAsync("opacity", "1");
    }
}
