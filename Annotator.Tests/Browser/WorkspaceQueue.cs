using Annotator.Core.Accounts;
using Annotator.Core.Images;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>Working through a project in the workspace: done, skip with a reason, the save indicator.</summary>
public sealed class WorkspaceQueue(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task DoneAndSkipMoveOnToTheNextImageToLabel()
    {
        TestEnvironment.RequireChromium();
        await using var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        var labeler = await app.CreateUserAsync("lee@example.com", AppRoles.Labeler);
        var project = await app.CreateProjectAsync("Queue", admin.Id, (labeler.Id, ProjectRole.Labeler));
        var ingest = app.Services.GetRequiredService<ImageIngestService>();
        var images = new List<int>();
        foreach (var file in new[] { "horse.png", "coins.png", "camera.png" })
        {
            await using var stream = File.OpenRead(Fixtures.Good(file));
            images.Add(Assert.Single(await ingest.IngestUploadAsync(project, admin.Id, file, stream)).ImageId!.Value);
        }
        await using var browser = await chromium.NewPageAsync(app.ServerAddress);
        var page = browser.Page;
        await SignInAsync(page, "lee@example.com", AnnotatorFactory.Password);

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

    [Fact]
    public async Task TheSaveIndicatorTellsWhenTheBrowserOrTheServerIsOffline()
    {
        TestEnvironment.RequireChromium();
        await using var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        var project = await app.CreateProjectAsync("Offline", admin.Id, (admin.Id, ProjectRole.Reviewer));
        var ingest = app.Services.GetRequiredService<ImageIngestService>();
        await using var stream = File.OpenRead(Fixtures.Good("horse.png"));
        var image = Assert.Single(await ingest.IngestUploadAsync(project, admin.Id, "horse.png", stream)).ImageId!.Value;
        await using var browser = await chromium.NewPageAsync(app.ServerAddress);
        var page = browser.Page;
        await SignInAsync(page, "admin@example.com", AnnotatorFactory.Password);
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
}
