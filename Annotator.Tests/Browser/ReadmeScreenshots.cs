using Annotator.Tests.Infrastructure;
using Annotator.Web.Projects;
using Microsoft.EntityFrameworkCore;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>
/// The README's screenshots, taken from the demo project at 1366×850 into docs/screenshots. Opt-in: runs only with
/// ANNOTATOR_SCREENSHOTS=1, e.g. <c>ANNOTATOR_SCREENSHOTS=1 dotnet test --filter ReadmeScreenshots</c>.
/// </summary>
public sealed class ReadmeScreenshots(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly bool Enabled = Environment.GetEnvironmentVariable("ANNOTATOR_SCREENSHOTS") == "1";

    [Fact]
    public async Task SavesProjectWorkspaceAndUploadScreenshots()
    {
        Assert.SkipUnless(Enabled, "Screenshots are taken only with ANNOTATOR_SCREENSHOTS=1.");
        var folder = Path.Combine(RepositoryRoot(), "docs", "screenshots");
        Directory.CreateDirectory(folder);
        TestEnvironment.RequireChromium();
        await using var app = new AnnotatorFactory(TestDatabase.Sqlite).With("Annotator:SeedDemoProject", "true").UseKestrelOnLoopback();
        await using var browser = await chromium.NewPageAsync(app.ServerAddress, 1366, 850);
        var page = browser.Page;
        await CompleteSetupAsync(page);
        int projectId;
        await using (var db = await app.NewDbContextAsync())
        {
            projectId = await db.Projects.Where(p => p.Name == DemoProjectSeeder.ProjectName).Select(p => p.Id).SingleAsync();
        }

        // The project page: the grid with every thumbnail loaded, scrolled back to the top.
        await page.GotoAsync($"/projects/{projectId}");
        await Expect(page.GetByTestId("file-input")).ToBeEnabledAsync();
        await Expect(page.GetByTestId("image-tile")).ToHaveCountAsync(12);
        Assert.All(await ThumbnailWidthsAsync(page), width => Assert.True(width > 0));
        await page.EvaluateAsync("() => window.scrollTo(0, 0)");
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "project.png") });

        // The workspace: a few shapes on the cat, the box selected with its attributes in the side panel.
        await page.GetByTestId("image-tile").Filter(new() { HasText = "chelsea.png" }).ClickAsync();
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("2");
        await page.Keyboard.PressAsync("p");
        foreach (var (x, y) in new[] { (150.0, 95.0), (178, 20), (215, 80), (265, 75), (300, 12), (318, 105), (330, 190), (300, 260), (200, 270), (140, 200) })
        {
            await ClickAtAsync(page, x, y);
        }
        await page.Keyboard.PressAsync("Enter");
        await page.Keyboard.PressAsync("t");
        await ClickAtAsync(page, 243, 170);
        await page.Keyboard.PressAsync("b");
        await DragAsync(page, (110, 8), (345, 292));
        await Expect(page.GetByTestId("region-count")).ToHaveTextAsync("3");
        await page.GetByText("indoor").ClickAsync();
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
        await page.Mouse.MoveAsync(5, 840);
        await page.WaitForTimeoutAsync(400);
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "workspace.png") });

        // An upload with one new image, one the project already has and one refused file.
        await page.GotoAsync($"/projects/{projectId}");
        await Expect(page.GetByTestId("file-input")).ToBeEnabledAsync();
        await page.GetByTestId("file-input").SetInputFilesAsync([Fixtures.ExifRotated, Fixtures.Good("coins.png"), Fixtures.PathOf("bad-images/script.svg")]);
        await Expect(page.GetByTestId("upload-summary")).ToContainTextAsync("3 of 3 files");
        await Expect(page.GetByTestId("image-tile")).ToHaveCountAsync(13);
        var panel = page.Locator(".upload-panel");
        await panel.EvaluateAsync("panel => Promise.all(panel.getAnimations({ subtree: true }).map(a => a.finished))");
        await panel.ScreenshotAsync(new() { Path = Path.Combine(folder, "upload.png") });
        browser.AssertNoErrors();
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
