using Annotator.Core.Accounts;
using Annotator.Core.Images;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>Working through a project in the workspace: done, skip with a reason, the save indicator.</summary>
public sealed class WorkspaceQueue(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task DoneAndSkipMoveOnToTheNextImageToLabel()
    {
        var (app, project, images) = await ThreeImagesAsync("Queue");
        await using var _app = app;
        await using var browser = await chromium.NewPageAsync(app.ServerAddress);
        var page = browser.Page;
        await SignInWithCookieAsync(page, "lee@example.com");

        await page.GotoAsync($"/projects/{project}/images/{images[0]}");
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("image-status")).ToHaveTextAsync("New");
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");

        await page.GetByTestId("done").ClickAsync();
        await Expect(page).ToHaveURLAsync(EndsWith($"/projects/{project}/images/{images[1]}"));
        await Expect(page.Locator($"[data-testid=workspace][data-image-id='{images[1]}']")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);

        await page.GetByTestId("skip").ClickAsync();
        await page.GetByTestId("skip-reason").FillAsync("Too dark to see the coins");
        await page.GetByTestId("skip-confirm").ClickAsync();
        await Expect(page).ToHaveURLAsync(EndsWith($"/projects/{project}/images/{images[2]}"));

        await page.GetByTestId("previous-image").ClickAsync();
        await Expect(page).ToHaveURLAsync(EndsWith($"/projects/{project}/images/{images[1]}"));
        await Expect(page.GetByTestId("skipped")).ToContainTextAsync("Too dark to see the coins");

        await using var db = await app.NewDbContextAsync();
        Assert.Equal(ImageStatus.Labeled, await db.Images.Where(i => i.Id == images[0]).Select(i => i.Status).SingleAsync());
        Assert.Equal(ImageStatus.New, await db.Images.Where(i => i.Id == images[1]).Select(i => i.Status).SingleAsync());
        Assert.Equal("Too dark to see the coins", await db.ImageSkips.Where(s => s.ImageId == images[1]).Select(s => s.Reason).SingleAsync());
        browser.AssertNoErrors();
    }

    /// <summary>
    /// Waits until the open dialog listens for keys (MudBlazor subscribes its key handler after the first render; a
    /// person is never that quick, a test is).
    /// </summary>
    /// <summary>
    /// Waits until the dialog <paramref name="testId"/> itself listens to keys (its container has MudBlazor's key
    /// interceptor): a dialog closed a moment before may still have a listening container in the page.
    /// </summary>
    private static async Task DialogListensAsync(IPage page, string testId) =>
        await page.WaitForFunctionAsync("id => !!document.querySelector(`[data-testid=${id}]`)?.closest('.mud-dialog-container')?.mudKeyInterceptor",
            testId, new() { Timeout = ChromiumFixture.Timeout });

    [Fact]
    public async Task TheDAndSKeysAreDoneAndSkipAndEscapeClosesTheSkipDialog()
    {
        var (app, project, images) = await ThreeImagesAsync("Keys");
        await using var _app = app;
        await using var browser = await chromium.NewPageAsync(app.ServerAddress);
        var page = browser.Page;
        await SignInWithCookieAsync(page, "lee@example.com");
        await page.GotoAsync($"/projects/{project}/images/{images[0]}");
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);

        // The help lists both keys.
        await page.Keyboard.PressAsync("Shift+?");
        await Expect(page.GetByTestId("help-dialog")).ToContainTextAsync("Done: mark the image done");
        await Expect(page.GetByTestId("help-dialog")).ToContainTextAsync("Skip the image");
        await DialogListensAsync(page, "help-dialog");
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByTestId("help-dialog")).ToHaveCountAsync(0);

        // S asks why; Escape closes the question and skips nothing. So does Escape after the Skip… button.
        await page.Keyboard.PressAsync("s");
        await Expect(page.GetByTestId("skip-dialog")).ToBeVisibleAsync();
        await DialogListensAsync(page, "skip-dialog");
        // While the dialog is open its keys are its own: D does not mark the image done behind it.
        await page.Keyboard.PressAsync("d");
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByTestId("skip-dialog")).ToHaveCountAsync(0);
        await page.GetByTestId("skip").ClickAsync();
        await Expect(page.GetByTestId("skip-dialog")).ToBeVisibleAsync();
        await DialogListensAsync(page, "skip-dialog");
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByTestId("skip-dialog")).ToHaveCountAsync(0);
        await Expect(page).ToHaveURLAsync(EndsWith($"/projects/{project}/images/{images[0]}"));
        await using (var db = await app.NewDbContextAsync())
        {
            Assert.Equal(0, await db.ImageSkips.CountAsync());
            Assert.Equal(ImageStatus.New, await db.Images.Where(i => i.Id == images[0]).Select(i => i.Status).SingleAsync());
        }

        // D is Done: the image is done and the next one opens.
        await page.Locator("[data-testid=canvas] canvas").Last.FocusAsync();
        await page.Keyboard.PressAsync("d");
        await Expect(page).ToHaveURLAsync(EndsWith($"/projects/{project}/images/{images[1]}"));
        await Expect(page.Locator($"[data-testid=workspace][data-image-id='{images[1]}']")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);

        // S, a reason, Skip: skipped with the reason, and on to the next.
        await page.Keyboard.PressAsync("s");
        await page.GetByTestId("skip-reason").FillAsync("Too dark");
        await page.GetByTestId("skip-confirm").ClickAsync();
        await Expect(page).ToHaveURLAsync(EndsWith($"/projects/{project}/images/{images[2]}"));

        await using (var db = await app.NewDbContextAsync())
        {
            Assert.Equal(ImageStatus.Labeled, await db.Images.Where(i => i.Id == images[0]).Select(i => i.Status).SingleAsync());
            Assert.Equal("Too dark", await db.ImageSkips.Where(s => s.ImageId == images[1]).Select(s => s.Reason).SingleAsync());
        }
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task TheSaveIndicatorTellsWhenTheBrowserOrTheServerIsOffline()
    {
        TestEnvironment.RequireChromium();
        await using var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        var project = await app.CreateProjectAsync("Offline", admin.Id, (admin.Id, ProjectRole.Reviewer));
        var image = await app.AddImageAsync(project, admin.Id, Fixtures.Good("horse.png"));
        await using var browser = await chromium.NewPageAsync(app.ServerAddress);
        var page = browser.Page;
        await SignInWithCookieAsync(page, "admin@example.com");
        await page.GotoAsync($"/projects/{project}/images/{image}");
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);

        await page.Context.SetOfflineAsync(true);
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "offline");
        await Expect(page.GetByTestId("save-status")).ToContainTextAsync("Offline");
        await page.Context.SetOfflineAsync(false);
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");

        // The server goes away: Blazor's reconnect dialog comes up and the indicator says the edits are not saved.
        await app.DisposeAsync();
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "offline");
    }

    /// <summary>A project with the labeler lee@example.com and three images, served on 127.0.0.1.</summary>
    private static async Task<(AnnotatorFactory App, int Project, List<int> Images)> ThreeImagesAsync(string name)
    {
        TestEnvironment.RequireChromium();
        var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        var labeler = await app.CreateUserAsync("lee@example.com", AppRoles.Labeler);
        var project = await app.CreateProjectAsync(name, admin.Id, (labeler.Id, ProjectRole.Labeler));
        var images = await app.AddImagesAsync(project, admin.Id, Fixtures.Good("horse.png"), Fixtures.Good("coins.png"), Fixtures.Good("camera.png"));
        return (app, project, [.. images]);
    }
}
