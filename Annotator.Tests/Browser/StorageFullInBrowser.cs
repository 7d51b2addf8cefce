using System.Text.RegularExpressions;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>
/// The workspace when the server's storage fills up while someone labels: a banner says so, the edits stay in the tab
/// (as while offline) and are sent again on their own; once space is freed they are all saved.
/// </summary>
public sealed partial class StorageFullInBrowser(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const int MaxBoxes = 60;

    [Fact]
    public async Task EditsWaitInTheTabUnderABannerAndAreSavedOnceSpaceIsFreed()
    {
        TestEnvironment.RequireChromium();
        var storage = new SqliteStorageLimit();
        await using var app = storage.On(new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback());
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        var labeler = await app.CreateUserAsync("lee@example.com", AppRoles.Labeler);
        var project = await app.CreateProjectAsync("Full disk", admin.Id, (labeler.Id, ProjectRole.Labeler));
        var image = await app.AddImageAsync(project, admin.Id, Fixtures.Good("coffee.png"));
        await using var browser = await chromium.NewPageAsync(app.ServerAddress);
        var page = browser.Page;
        await SignInWithCookieAsync(page, "lee@example.com");
        await page.GotoAsync($"/projects/{project}/images/{image}");
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        var status = page.GetByTestId("save-status");
        var banner = page.GetByTestId("storage-full");
        await Expect(banner).ToBeHiddenAsync();

        // The disk fills up: boxes are saved until one needs space the database no longer has.
        storage.Fill(app);
        var drawn = 0;
        while (true)
        {
            Assert.True(drawn < MaxBoxes, $"{MaxBoxes} boxes were saved on a full database.");
            await DrawBoxAsync(page, drawn++);
            await Expect(status).ToHaveAttributeAsync("data-state", SavedOrFull());
            if (await status.GetAttributeAsync("data-state") == "storage-full")
            {
                break;
            }
        }
        await Expect(banner).ToBeVisibleAsync();
        await Expect(banner).ToContainTextAsync("The server's storage is full.");
        await Expect(banner).ToContainTextAsync("kept in this tab");
        await Expect(status).ToHaveTextAsync("Not saved: 1 change kept here");
        // Working on: the next box waits behind the first, shown on the canvas and kept in the tab.
        await DrawBoxAsync(page, drawn++);
        await Expect(status).ToHaveTextAsync("Not saved: 2 changes kept here");
        Assert.Equal(drawn, await page.EvaluateAsync<int>("() => window.annotatorWorkspace.regions().length"));
        Assert.Equal(drawn - 2, await StoredBoxesAsync(app, image));
        Assert.Equal(2, await page.EvaluateAsync<int>("() => JSON.parse(sessionStorage.getItem(Object.keys(sessionStorage).find(k => k.startsWith('annotator.pending.')))).length"));
        var screenshots = Path.Combine(Path.GetTempPath(), "annotator-screenshots");
        Directory.CreateDirectory(screenshots);
        await page.ScreenshotAsync(new() { Path = Path.Combine(screenshots, "storage-full.png") });

        // Space is freed: the retries get through, in order, without the person doing anything.
        storage.Free();
        await Expect(status).ToHaveAttributeAsync("data-state", "saved", new() { Timeout = 90_000 });
        await Expect(banner).ToBeHiddenAsync();
        Assert.Equal(drawn, await StoredBoxesAsync(app, image));
        browser.AssertNoErrors();
    }

    /// <summary>Draws box number <paramref name="n"/> of a grid of small boxes that do not touch.</summary>
    private static async Task DrawBoxAsync(IPage page, int n)
    {
        var (x, y) = (20 + 40 * (n % 14), 20 + 40 * (n / 14));
        await page.Keyboard.PressAsync("b");
        await DragAsync(page, (x, y), (x + 25, y + 25));
    }

    private static async Task<int> StoredBoxesAsync(AnnotatorFactory app, int image)
    {
        await using var db = await app.NewDbContextAsync();
        var sets = db.AnnotationSets.Where(s => s.ImageId == image).Select(s => s.Id);
        return await db.Regions.CountAsync(r => sets.Contains(r.AnnotationSetId) && !r.IsDeleted);
    }

    [GeneratedRegex("^(saved|storage-full)$")]
    private static partial Regex SavedOrFull();
}
