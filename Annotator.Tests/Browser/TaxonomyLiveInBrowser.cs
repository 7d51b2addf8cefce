using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Core.Taxonomy;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Taxonomy;
using Annotator.Web.Annotations;
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
    private sealed record World(AnnotatorFactory App, BrowserPage Labeler, BrowserPage Admin, int Project, int Image,
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
        var image = await app.AddImageAsync(project, admin.Id, Fixtures.Good("coffee.png"));
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
        await SignInWithCookieAsync(labelerPage.Page, "grace@example.com");
        await SignInWithCookieAsync(adminPage.Page, "admin@example.com");
        await labelerPage.Page.GotoAsync($"/projects/{project}/images/{image}");
        await Expect(labelerPage.Page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await Expect(labelerPage.Page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        return new World(app, labelerPage, adminPage, project, image, taxonomy);
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

        // The admin, in another browser, renames 'vehicle' and merges 'animal' into 'person' in the editor, and publishes.
        var admin = world.Admin.Page;
        await admin.GotoAsync($"/projects/{world.Project}/taxonomy");
        await Expect(admin.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        var name = admin.Locator("input[data-testid=label-name]");
        await admin.GetByTestId("label-row-vehicle").ClickAsync();
        await Expect(name).ToHaveValueAsync("vehicle");
        await name.FillAsync("automobile");
        await name.PressAsync("Tab");
        await Expect(admin.GetByTestId("label-row-automobile")).ToBeVisibleAsync();
        await admin.GetByTestId("label-row-animal").ClickAsync();
        await Expect(name).ToHaveValueAsync("animal");
        await admin.GetByTestId("merge-open").ClickAsync();
        await admin.GetByTestId("merge-target").SelectOptionAsync(new SelectOptionValue { Label = "person" });
        await admin.GetByTestId("merge-confirm").ClickAsync();
        await Expect(admin.GetByTestId("merge-dialog")).ToHaveCountAsync(0);
        await Expect(admin.GetByTestId("label-row-animal")).ToHaveCountAsync(0);
        await admin.GetByTestId("save-draft").ClickAsync();
        await Expect(admin.GetByTestId("editor-status")).ToHaveTextAsync("Draft of version 2 · saved");
        // Nothing reaches the labeler before publishing.
        await Expect(page.GetByTestId("label-vehicle")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("taxonomy-notice")).ToHaveCountAsync(0);
        await admin.GetByTestId("publish").ClickAsync();
        await admin.Locator("textarea[data-testid=publish-note]").FillAsync("Cars are automobiles; animals count as persons");
        await admin.GetByTestId("publish-confirm").ClickAsync();
        await Expect(admin.Locator(".mud-snackbar").Filter(new() { HasText = "Published version 2." })).ToBeVisibleAsync();

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
