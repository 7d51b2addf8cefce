using System.Security.Claims;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Core.Taxonomy;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Images;
using Annotator.Web.Taxonomy;
using Annotator.Web.Workspace;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>
/// An admin changes the taxonomy while a labeler works in Chromium on the real app: the labeler's palette, side panel
/// and canvas take the new version at once, without a reload, and a notice names what changed.
/// </summary>
public sealed class TaxonomyLiveInBrowser(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private sealed record World(AnnotatorFactory App, BrowserPage Labeler, BrowserPage Admin, ClaimsPrincipal AdminUser, int Project, int Image,
        TaxonomyDefinition Taxonomy) : IAsyncDisposable
    {
        public Guid Label(string name) => Taxonomy.Labels.Single(l => l.Name == name).Id;

        public async ValueTask DisposeAsync()
        {
            await Labeler.DisposeAsync();
            await Admin.DisposeAsync();
            await App.DisposeAsync();
        }
    }

    private async Task<World> OpenAsync()
    {
        TestEnvironment.RequireChromium();
        var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        var labeler = await app.CreateUserAsync("grace@example.com", AppRoles.Labeler);
        var project = await app.CreateProjectAsync("Street", admin.Id, (labeler.Id, ProjectRole.Labeler));
        var ingest = app.Services.GetRequiredService<ImageIngestService>();
        await using var stream = File.OpenRead(Fixtures.Good("coffee.png"));
        var image = Assert.Single(await ingest.IngestUploadAsync(project, admin.Id, "coffee.png", stream)).ImageId!.Value;
        var adminUser = TestPrincipals.For(admin, AppRoles.Admin);
        var taxonomy = (await app.Services.GetRequiredService<TaxonomyService>().LoadAsync(adminUser, project))!.Working.Definition;
        var labelerUser = TestPrincipals.For(labeler, AppRoles.Labeler);
        var annotations = app.Services.GetRequiredService<AnnotationService>();
        foreach (var (label, x) in new[] { ("vehicle", 40), ("animal", 200) })
        {
            var id = taxonomy.Labels.Single(l => l.Name == label).Id;
            var outcome = await annotations.ApplyJsonAsync(labelerUser, image,
                $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"create","region":{"id":"{{{Guid.NewGuid()}}}","labelId":"{{{id}}}","kind":"box","geometry":{"x":{{{x}}},"y":40,"w":100,"h":80},"attributes":{},"zOrder":0,"hidden":false,"locked":false}}""");
            Assert.True(outcome.Ok, outcome.Error);
        }
        var labelerPage = await chromium.NewPageAsync(app.ServerAddress);
        var adminPage = await chromium.NewPageAsync(app.ServerAddress);
        await SignInAsync(labelerPage.Page, "grace@example.com", AnnotatorFactory.Password);
        await SignInAsync(adminPage.Page, "admin@example.com", AnnotatorFactory.Password);
        await labelerPage.Page.GotoAsync($"/projects/{project}/images/{image}");
        await Expect(labelerPage.Page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await Expect(labelerPage.Page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        return new World(app, labelerPage, adminPage, adminUser, project, image, taxonomy);
    }

    /// <summary>The label ids of the regions the canvas shows, sorted.</summary>
    private static Task<string[]> CanvasLabelsAsync(IPage page) =>
        page.EvaluateAsync<string[]>("() => window.annotatorWorkspace.regions().map(r => r.labelId).sort()");

    [Fact]
    public async Task RenameAndMergeReachAnOpenWorkspaceWithoutAReload()
    {
        await using var world = await OpenAsync();
        var page = world.Labeler.Page;
        await page.EvaluateAsync("() => { window.__sameDocument = true; }");
        await Expect(page.GetByTestId("label-vehicle")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("label-animal")).ToBeVisibleAsync();

        var taxonomies = world.App.Services.GetRequiredService<TaxonomyService>();
        var state = (await taxonomies.LoadAsync(world.AdminUser, world.Project))!;
        var draft = state.Working
            .UpdateLabel(world.Label("vehicle"), l => l with { Name = "automobile", Color = "#00a0a0" })
            .Merge(world.Label("animal"), world.Label("person"), []);
        var saved = await taxonomies.SaveDraftAsync(world.AdminUser, world.Project, draft, state.Draft?.Revision);
        await taxonomies.PublishAsync(world.AdminUser, world.Project, "Cars are automobiles; animals count as persons", saved.Revision);

        var notice = page.GetByTestId("taxonomy-notice");
        await Expect(notice).ToContainTextAsync("published taxonomy version 2");
        await Expect(notice).ToContainTextAsync("Renamed 'vehicle' to 'automobile'.");
        await Expect(notice).ToContainTextAsync("Merged 'animal' into 'person'");
        await Expect(page.GetByTestId("label-automobile")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("label-animal")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("label-vehicle")).ToHaveCountAsync(0);
        // The merged region is relabeled on the canvas (through a catch-up) and in the panel.
        var expected = new[] { world.Label("vehicle").ToString(), world.Label("person").ToString() }.Order().ToArray();
        await page.WaitForFunctionAsync($"() => JSON.stringify(window.annotatorWorkspace.regions().map(r => r.labelId).sort()) === '{System.Text.Json.JsonSerializer.Serialize(expected)}'");
        Assert.Equal(expected, await CanvasLabelsAsync(page));
        await Expect(page.GetByTestId("region-row").Filter(new() { HasText = "automobile" })).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("region-row").Filter(new() { HasText = "person" })).ToHaveCountAsync(1);
        Assert.True(await page.EvaluateAsync<bool>("() => window.__sameDocument === true"), "The page reloaded.");

        // The renamed label keeps its hotkey and draws: press 3 (vehicle's key), draw a box, it gets the automobile label.
        await page.Keyboard.PressAsync("3");
        await page.Keyboard.PressAsync("b");
        await DragAsync(page, (300, 250), (420, 330));
        await Expect(page.GetByTestId("region-count")).ToHaveTextAsync("3");
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
        await Expect(page.GetByTestId("region-row").Filter(new() { HasText = "automobile" })).ToHaveCountAsync(2);
        await page.ScreenshotAsync(new() { Path = Path.Combine(Path.GetTempPath(), "taxonomy-live.png") });
    }
}
