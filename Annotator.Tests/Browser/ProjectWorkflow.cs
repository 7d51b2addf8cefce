using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Images;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>Projects in a real browser: creating one, uploading into it, and not seeing other people's.</summary>
public sealed class ProjectWorkflow(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly string[] GoodFiles = ["horse.png", "coins.png", "rocket.jpg", "chelsea.png"];

    /// <summary>Opens the New project dialog from the project list; returns its name field (focused).</summary>
    private static async Task<ILocator> OpenNewProjectAsync(IPage page)
    {
        await Expect(page.GetByTestId("new-project")).ToBeEnabledAsync();
        await page.GetByTestId("new-project").ClickAsync();
        var name = page.GetByTestId("project-name");
        await Expect(name).ToBeFocusedAsync();
        return name;
    }

    [Fact]
    public async Task SetupThenUploadShowsThumbnails()
    {
        TestEnvironment.RequireChromium();
        await using var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        await using var browser = await chromium.NewPageAsync(app.ServerAddress);
        var page = browser.Page;
        await CompleteSetupAsync(page);

        var name = await OpenNewProjectAsync(page);
        await Expect(name).ToHaveAttributeAsync("aria-invalid", "false");
        await name.FillAsync("Field photos");
        await page.GetByTestId("create-project").ClickAsync();

        await Expect(page).ToHaveURLAsync(ProjectUrl());
        await Expect(page.GetByTestId("project-title")).ToHaveTextAsync("Field photos");
        await Expect(page.GetByText("No images yet")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("folder-input")).ToHaveCountAsync(0);
        var input = page.GetByTestId("file-input");
        await Expect(input).ToBeEnabledAsync();
        // The refused file comes last: the grid must refresh even when the batch's last answer is a refusal.
        await input.SetInputFilesAsync([.. GoodFiles.Select(Fixtures.Good), Fixtures.PathOf("bad-images/script.svg")]);

        var summary = page.GetByTestId("upload-summary");
        await Expect(summary).ToContainTextAsync("5 of 5 files");
        await Expect(summary).ToContainTextAsync("4 added");
        await Expect(summary).ToContainTextAsync("1 refused");
        await Expect(page.GetByTestId("upload-row")).ToHaveCountAsync(5);
        var refused = page.Locator("[data-testid=upload-row].refused");
        await Expect(refused).ToHaveCountAsync(1);
        await Expect(refused).ToContainTextAsync("script.svg");
        await Expect(refused).ToContainTextAsync("SVG");

        var tiles = page.GetByTestId("image-tile");
        await Expect(tiles).ToHaveCountAsync(GoodFiles.Length);
        await Expect(page.GetByTestId("image-count")).ToHaveTextAsync("4");
        Assert.Equal(GoodFiles.Order(), (await tiles.Locator(".file-name").AllInnerTextsAsync()).Order());
        Assert.All(await ThumbnailWidthsAsync(page), width => Assert.True(width > 0, "A thumbnail did not load."));
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task ANewProjectStartsFromTheChosenTaxonomyTemplate()
    {
        TestEnvironment.RequireChromium();
        await using var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        await using var browser = await chromium.NewPageAsync(app.ServerAddress);
        var page = browser.Page;
        await CompleteSetupAsync(page);

        await (await OpenNewProjectAsync(page)).FillAsync("Poses");
        await Expect(page.GetByTestId("template-starter")).ToBeCheckedAsync();
        await page.GetByTestId("template-coco-keypoints").CheckAsync();
        await Expect(page.GetByTestId("template-starter")).Not.ToBeCheckedAsync();
        var shots = Path.Combine(Path.GetTempPath(), "annotator-screenshots", "projects");
        Directory.CreateDirectory(shots);
        await page.Locator(".mud-dialog").ScreenshotAsync(new() { Path = Path.Combine(shots, "new-project-template.png") });
        await page.GetByTestId("create-project").ClickAsync();

        await Expect(page.GetByTestId("project-title")).ToHaveTextAsync("Poses");
        await page.GetByTestId("project-taxonomy").ClickAsync();
        await Expect(page.GetByTestId("editor-status")).ToHaveTextAsync("Version 1 is published · edits start a draft");
        await Expect(page.Locator("[role=treeitem]")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("label-row-person")).ToBeVisibleAsync();
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task NonMemberSeesNotFoundForAnotherProject()
    {
        TestEnvironment.RequireChromium();
        await using var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        var labeler = await app.CreateUserAsync("lee@example.com", AppRoles.Labeler);
        var own = await app.CreateProjectAsync("Lee's project", admin.Id, (labeler.Id, ProjectRole.Labeler));
        var other = await app.CreateProjectAsync("Someone else's project", admin.Id, (admin.Id, ProjectRole.Reviewer));
        var ownImage = await AddImageAsync(app, own, admin.Id, "horse.png");
        var otherImage = await AddImageAsync(app, other, admin.Id, "coins.png");
        await using var browser = await chromium.NewPageAsync(app.ServerAddress);
        var page = browser.Page;

        await SignInAsync(page, "lee@example.com", AnnotatorFactory.Password);
        await Expect(page.GetByTestId("project-card")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("project-card")).ToContainTextAsync("Lee's project");

        // Requests with the browser's cookie: the other project's page and thumbnail answer 404, as for a project
        // that does not exist (the page's body is empty, so Chromium would show its own error page).
        var http = page.Context.APIRequest;
        Assert.Equal(404, (await http.GetAsync($"/projects/{other}")).Status);
        Assert.Equal(404, (await http.GetAsync($"/images/{otherImage}/thumbnail")).Status);
        Assert.Equal(200, (await http.GetAsync($"/projects/{own}")).Status);
        Assert.Equal(200, (await http.GetAsync($"/images/{ownImage}/thumbnail")).Status);

        // Navigating inside the app does not pass the server's gate; the pages check themselves.
        await WaitForProjectListAsync(page);
        await NavigateInAppAsync(page, $"/projects/{other}");
        await Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("project-title")).ToHaveCountAsync(0);
        await NavigateInAppAsync(page, $"/projects/{other}/images/{otherImage}");
        await Expect(page).ToHaveURLAsync(EndsWith($"/projects/{other}/images/{otherImage}"));
        await Expect(page.GetByTestId("not-found")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("image-full")).ToHaveCountAsync(0);
    }

    private static async Task<int> AddImageAsync(AnnotatorFactory app, int projectId, string userId, string file)
    {
        var ingest = app.Services.GetRequiredService<ImageIngestService>();
        await using var stream = File.OpenRead(Fixtures.Good(file));
        var result = Assert.Single(await ingest.IngestUploadAsync(projectId, userId, file, stream));
        return result.ImageId!.Value;
    }
}
