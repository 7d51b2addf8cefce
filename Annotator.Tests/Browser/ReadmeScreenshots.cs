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
    public async Task SavesProjectImageAndUploadScreenshots()
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

        // One image, fitted to the stage.
        await page.GetByTestId("image-tile").Filter(new() { HasText = "chelsea.png" }).ClickAsync();
        await Expect(page.GetByTestId("image-full")).ToBeVisibleAsync();
        await page.WaitForFunctionAsync("() => { const img = document.querySelector('[data-testid=image-full]'); return img.complete && img.naturalWidth > 0; }");
        await page.ScreenshotAsync(new() { Path = Path.Combine(folder, "image.png") });

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
