using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Core.Taxonomy;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Annotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>
/// The taxonomy editor in Debian's Chromium against the real app: an admin adds a label, gives it a hotkey by pressing
/// a key (a taken one is refused), drags it under another label, renames one, saves, previews a merge, publishes with a
/// note and reads the diff in the history; a labeler sees the same page read-only. Screenshots go to
/// <c>$TMPDIR/annotator-screenshots/taxonomy</c>, and with ANNOTATOR_SCREENSHOTS=1 the editor's to docs/screenshots.
/// </summary>
public sealed class TaxonomyEditorInBrowser(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly string Shots = Path.Combine(Path.GetTempPath(), "annotator-screenshots", "taxonomy");

    private sealed record World(AnnotatorFactory App, int Project, TaxonomyDefinition Taxonomy) : IAsyncDisposable
    {
        public ValueTask DisposeAsync() => App.DisposeAsync();
    }

    /// <summary>A project with the demo taxonomy (version 1), two images and a few regions, an admin and a labeler.</summary>
    private static async Task<World> BuildAsync()
    {
        TestEnvironment.RequireChromium();
        var app = new AnnotatorFactory(TestDatabase.Sqlite).With("DetailedErrors", "true").UseKestrelOnLoopback();
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        var labeler = await app.CreateUserAsync("lee@example.com", AppRoles.Labeler);
        var project = await app.CreateProjectAsync("Street scenes", admin.Id, (labeler.Id, ProjectRole.Labeler));
        var images = await app.AddImagesAsync(project, admin.Id, Fixtures.Good("coffee.png"), Fixtures.Good("rocket.jpg"));
        var taxonomy = await app.PublishedTaxonomyAsync(project);
        var vehicle = taxonomy.Labels.Single(l => l.Name == "vehicle");
        var kind = vehicle.Attributes.Single(a => a.Name == "kind").Id;
        var annotations = app.Services.GetRequiredService<AnnotationService>();
        var principal = TestPrincipals.For(labeler, AppRoles.Labeler);
        var boxes = new[] { (images[0], "vehicle", $$"""{"{{kind}}":"bike"}"""), (images[1], "vehicle", $$"""{"{{kind}}":"aircraft"}"""),
            (images[1], "vehicle", "{}"), (images[0], "animal", "{}"), (images[1], "person", "{}") };
        foreach (var (image, label, attributes) in boxes)
        {
            var labelId = taxonomy.Labels.Single(l => l.Name == label).Id;
            var outcome = await annotations.ApplyJsonAsync(principal, image,
                $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"create","region":{"id":"{{{Guid.NewGuid()}}}","labelId":"{{{labelId}}}","kind":"box","geometry":{"x":10,"y":10,"w":40,"h":30},"attributes":{{{attributes}}},"zOrder":0,"hidden":false,"locked":false}}""");
            Assert.True(outcome.Ok, outcome.Error);
        }
        return new World(app, project, taxonomy);
    }

    private static async Task OpenEditorAsync(IPage page, int project)
    {
        await page.GotoAsync($"/projects/{project}/taxonomy");
        await Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("label-tree")).ToBeVisibleAsync();
    }

    /// <summary>
    /// Waits until an opened dialog has taken the focus (it focuses its first field a moment after opening; typing
    /// before that would land in whatever field it focuses).
    /// </summary>
    private static async Task DialogFocusedAsync(IPage page) =>
        await page.WaitForFunctionAsync("() => !!document.querySelector('.mud-dialog')?.contains(document.activeElement)");

    private static async Task ShotAsync(IPage page, string name, ILocator? part = null)
    {
        Directory.CreateDirectory(Shots);
        // Snackbars are hidden for the picture (not closed: the page goes on as it was).
        await page.EvaluateAsync("() => { const s = document.createElement('style'); s.id = 'shot-style'; s.textContent = '.mud-snackbar { visibility: hidden !important; }'; document.head.appendChild(s); }");
        await page.Mouse.MoveAsync(2, 2);
        await page.WaitForTimeoutAsync(300); // ripples and transitions settle
        var path = Path.Combine(Shots, name + ".png");
        if (part is null)
        {
            await page.ScreenshotAsync(new() { Path = path });
        }
        else
        {
            await part.ScreenshotAsync(new() { Path = path });
        }
        await page.EvaluateAsync("() => document.getElementById('shot-style')?.remove()");
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
        throw new InvalidOperationException("The repository root (with Annotator.sln) was not found.");
    }

    /// <summary>Runs the steps; a failure names the errors the browser saw (a circuit's crash, with DetailedErrors).</summary>
    private static async Task WithBrowserErrorsAsync(BrowserPage browser, Func<Task> steps)
    {
        try
        {
            await steps();
        }
        catch (Exception e) when (!browser.Errors.IsEmpty)
        {
            throw new InvalidOperationException($"{e.Message}\nErrors in the browser:\n{string.Join("\n", browser.Errors)}", e);
        }
    }

    [Fact]
    public async Task AnAdminShapesTheTaxonomyAndPublishesIt()
    {
        await using var world = await BuildAsync();
        await using var browser = await chromium.NewPageAsync(world.App.ServerAddress, 1366, 900);
        await WithBrowserErrorsAsync(browser, () => ShapeAndPublishAsync(world, browser));
    }

    private static async Task ShapeAndPublishAsync(World world, BrowserPage browser)
    {
        var page = browser.Page;
        await SignInWithCookieAsync(page, "admin@example.com");
        await page.GotoAsync($"/projects/{world.Project}");
        await Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await page.GetByTestId("project-taxonomy").ClickAsync();
        await Expect(page).ToHaveURLAsync(EndsWith($"/projects/{world.Project}/taxonomy"));
        await Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await Expect(page.GetByTestId("editor-status")).ToHaveTextAsync("Version 1 is published · edits start a draft");
        await Expect(page.GetByTestId("label-row-vehicle").GetByTestId("label-usage")).ToHaveTextAsync("3 regions");

        // A new label, named in the panel.
        await page.GetByTestId("add-label").ClickAsync();
        await Expect(page.GetByTestId("label-row-New label")).ToBeVisibleAsync();
        var name = page.Locator("input[data-testid=label-name]");
        await name.FillAsync("bicycle");
        await name.PressAsync("Tab");
        await Expect(page.GetByTestId("label-row-bicycle")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("editor-status")).ToHaveTextAsync("Unsaved changes");

        // Its hotkey, by pressing keys: another label's and a tool's are refused on the spot, a free one is taken.
        var hotkey = page.GetByTestId("hotkey-field");
        await hotkey.ClickAsync();
        await page.Keyboard.PressAsync("2");
        await Expect(page.GetByTestId("hotkey-problem")).ToHaveTextAsync("'2' is already the hotkey of 'animal'.");
        await page.Keyboard.PressAsync("b");
        await Expect(page.GetByTestId("hotkey-problem")).ToHaveTextAsync("'b' is the box tool's key in the workspace.");
        await Expect(page.GetByTestId("label-row-bicycle").Locator("kbd")).ToHaveCountAsync(0);
        await page.Keyboard.PressAsync("7");
        await Expect(page.GetByTestId("hotkey-problem")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("label-row-bicycle").Locator("kbd")).ToHaveTextAsync("7");
        await hotkey.BlurAsync();
        await Expect(hotkey).ToHaveValueAsync("7");

        // Dragged onto the middle of 'vehicle': it becomes its sublabel.
        await page.GetByTestId("label-row-bicycle").DragToAsync(page.GetByTestId("label-row-vehicle"),
            new() { TargetPosition = new() { X = 120, Y = (float)(Annotator.Web.Components.Taxonomy.LabelTree.RowHeight / 2) } });
        await Expect(page.GetByTestId("label-row-bicycle")).ToHaveAttributeAsync("aria-level", "2");
        var order = await page.Locator("[role=treeitem]").EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.testid)");
        Assert.Equal(["label-row-person", "label-row-animal", "label-row-vehicle", "label-row-bicycle"], order);

        // A rename.
        await page.GetByTestId("label-row-animal").ClickAsync();
        await Expect(name).ToHaveValueAsync("animal");
        await name.FillAsync("fauna");
        await name.PressAsync("Tab");
        await Expect(page.GetByTestId("label-row-fauna")).ToBeVisibleAsync();

        // 'bike' leaves the options of 'vehicle'/'kind' (there is a label for it now); existing bikes become 'other'.
        await page.GetByTestId("label-row-vehicle").ClickAsync();
        await Expect(name).ToHaveValueAsync("vehicle");
        await page.GetByTestId("attribute-row-kind").GetByTestId("attribute-edit").ClickAsync();
        await DialogFocusedAsync(page);
        await page.Locator("textarea[data-testid=attribute-options]").FillAsync("car\ntruck\nbus\nboat\naircraft\nother");
        await page.GetByTestId("attribute-save").ClickAsync();
        await Expect(page.GetByTestId("attribute-dialog")).ToHaveCountAsync(0);
        var mapping = page.GetByTestId("value-mapping-kind");
        await Expect(mapping).ToContainTextAsync("options removed: bike");
        await mapping.GetByTestId("value-row-bike").Locator("select").SelectOptionAsync(new SelectOptionValue { Label = "other" });
        await ShotAsync(page, "editor");
        if (Environment.GetEnvironmentVariable("ANNOTATOR_SCREENSHOTS") == "1")
        {
            File.Copy(Path.Combine(Shots, "editor.png"), Path.Combine(RepositoryRoot(), "docs", "screenshots", "taxonomy-editor.png"), overwrite: true);
        }

        // Dragging 'vehicle' into its own sublabel is refused with the model's reason.
        await page.GetByTestId("label-row-vehicle").DragToAsync(page.GetByTestId("label-row-bicycle"),
            new() { TargetPosition = new() { X = 120, Y = 18 } });
        await Expect(page.Locator(".mud-snackbar")).ToContainTextAsync("'vehicle' cannot go under 'bicycle', which is inside it");
        await Expect(page.GetByTestId("label-row-bicycle")).ToHaveAttributeAsync("aria-level", "2");

        await page.GetByTestId("save-draft").ClickAsync();
        await Expect(page.GetByTestId("editor-status")).ToHaveTextAsync("Draft of version 2 · saved");

        await page.GetByTestId("label-row-person").ClickAsync();
        await Expect(page.GetByTestId("skeleton-editor")).ToContainTextAsync("left_shoulder");
        await ShotAsync(page, "person", page.GetByTestId("label-panel"));
        await page.GetByTestId("project-tab").ClickAsync();
        await Expect(page.GetByTestId("questions")).ToContainTextAsync("Weather");
        await ShotAsync(page, "project");
        await page.GetByTestId("labels-tab").ClickAsync();
        await Expect(page.GetByTestId("label-tree")).ToBeVisibleAsync();

        // A merge previewed (and cancelled): 'vehicle' into 'person', its 'kind' into 'pose'.
        await page.GetByTestId("label-row-vehicle").ClickAsync();
        await Expect(name).ToHaveValueAsync("vehicle");
        await page.GetByTestId("merge-open").ClickAsync();
        await page.GetByTestId("merge-target").SelectOptionAsync(new SelectOptionValue { Label = "person" });
        await page.GetByTestId("merge-map-kind").SelectOptionAsync(new SelectOptionValue { Label = "'pose'" });
        await page.GetByTestId("merge-preview").ClickAsync();
        var preview = page.GetByTestId("merge-preview-text");
        await Expect(preview).ToContainTextAsync("3 regions on 2 images will become 'person'.");
        await Expect(preview).ToContainTextAsync("'kind': 2 values → 'pose', 2 don't fit and will be flagged.");
        await Expect(preview).ToContainTextAsync("'count': no values.");
        await ShotAsync(page, "merge", page.Locator(".mud-dialog"));
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.GetByTestId("merge-dialog")).ToHaveCountAsync(0);

        // Publish with a note.
        await page.GetByTestId("publish").ClickAsync();
        await DialogFocusedAsync(page);
        var changes = page.GetByTestId("publish-changes");
        await Expect(changes).ToContainTextAsync("Added 'bicycle' under 'vehicle'.");
        await Expect(changes).ToContainTextAsync("Renamed 'animal' to 'fauna'.");
        await Expect(changes).ToContainTextAsync("Existing values of 'kind' are rewritten: \"bike\" → \"other\".");
        await Expect(page.GetByTestId("publish-regions")).ToContainTextAsync("1 region will be relabeled or have attribute values rewritten");
        await page.Locator("textarea[data-testid=publish-note]").FillAsync("Bicycles get their own label; animals are fauna.");
        await ShotAsync(page, "publish", page.Locator(".mud-dialog"));
        await page.GetByTestId("publish-confirm").ClickAsync();
        await Expect(page.Locator(".mud-snackbar").Filter(new() { HasText = "Published version 2." })).ToBeVisibleAsync();
        await Expect(page.GetByTestId("editor-status")).ToHaveTextAsync("Version 2 is published · edits start a draft");

        // The history: version 2 with its note, and the diff from 1 to 2.
        await page.GetByTestId("history-tab").ClickAsync();
        await Expect(page.GetByTestId("version-row-2")).ToContainTextAsync("Bicycles get their own label; animals are fauna.");
        await Expect(page.GetByTestId("version-row-1")).ToBeVisibleAsync();
        var diff = page.GetByTestId("diff");
        await Expect(diff.GetByTestId("diff-line").Filter(new() { HasText = "Added 'bicycle' under 'vehicle'." })).ToHaveCountAsync(1);
        await Expect(diff.GetByTestId("diff-line").Filter(new() { HasText = "Renamed 'animal' to 'fauna'." })).ToHaveCountAsync(1);
        await ShotAsync(page, "history");

        // Any version downloads as our JSON (the link leaves the app's router alone).
        var download = await page.RunAndWaitForDownloadAsync(() => page.GetByTestId("export-2").ClickAsync());
        Assert.Equal($"taxonomy-project-{world.Project}-v2.json", download.SuggestedFilename);
        Assert.Contains("\"bicycle\"", await File.ReadAllTextAsync((await download.PathAsync())!));

        // An import is previewed with the importer's notes before it replaces anything (cancelled here).
        await page.GetByTestId("import-open").ClickAsync();
        await page.GetByTestId("import-file").SetInputFilesAsync(Fixtures.PathOf("taxonomy/label-studio-street.xml"));
        await Expect(page.GetByTestId("import-summary")).ToContainTextAsync("The file gives");
        await ShotAsync(page, "import", page.Locator(".mud-dialog"));
        await page.Locator(".mud-dialog").GetByRole(AriaRole.Button, new() { Name = "Cancel" }).ClickAsync();
        await Expect(page.GetByTestId("editor-status")).ToHaveTextAsync("Version 2 is published · edits start a draft");

        await using (var db = await world.App.NewDbContextAsync())
        {
            var published = (await db.TaxonomyVersions.SingleAsync(v => v.ProjectId == world.Project && v.Number == 2)).Definition;
            var bicycle = published.Labels.Single(l => l.Name == "bicycle");
            Assert.Equal("7", bicycle.Hotkey);
            Assert.Equal(world.Taxonomy.Labels.Single(l => l.Name == "vehicle").Id, bicycle.ParentId);
            Assert.Equal("fauna", published.Labels.Single(l => l.Id == world.Taxonomy.Labels.Single(o => o.Name == "animal").Id).Name);
            var kind = world.Taxonomy.Labels.Single(l => l.Name == "vehicle").Attributes.Single(a => a.Name == "kind").Id;
            var values = await db.Regions.Select(r => r.Attributes).ToListAsync();
            Assert.Contains(values, v => v.Contains($"\"{kind}\":\"other\"", StringComparison.Ordinal));
            Assert.DoesNotContain(values, v => v.Contains("bike", StringComparison.Ordinal));
        }
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task KeysUndoRedoAndSaveTheDraft()
    {
        await using var world = await BuildAsync();
        await using var browser = await chromium.NewPageAsync(world.App.ServerAddress, 1366, 900);
        await WithBrowserErrorsAsync(browser, () => KeysAsync(world, browser));
        browser.AssertNoErrors();
    }

    private static async Task KeysAsync(World world, BrowserPage browser)
    {
        var page = browser.Page;
        await SignInWithCookieAsync(page, "admin@example.com");
        await OpenEditorAsync(page, world.Project);
        var rows = page.Locator("[role=treeitem]");
        await Expect(rows).ToHaveCountAsync(3);
        var status = page.GetByTestId("editor-status");
        await Expect(page.Locator("[data-keys=ready]")).ToHaveCountAsync(1);

        // Ctrl+Z and Ctrl+Shift+Z / Ctrl+Y outside text fields undo and redo the draft's edits.
        await page.GetByTestId("add-label").ClickAsync();
        await Expect(page.GetByTestId("label-row-New label")).ToBeVisibleAsync();
        await page.GetByTestId("label-row-person").ClickAsync();
        await page.Keyboard.PressAsync("Control+z");
        await Expect(rows).ToHaveCountAsync(3);
        await Expect(status).ToHaveTextAsync("Version 1 is published · edits start a draft");
        await page.Keyboard.PressAsync("Control+Shift+Z");
        await Expect(page.GetByTestId("label-row-New label")).ToBeVisibleAsync();
        await page.Keyboard.PressAsync("Control+z");
        await Expect(rows).ToHaveCountAsync(3);
        await page.Keyboard.PressAsync("Control+y");
        await Expect(page.GetByTestId("label-row-New label")).ToBeVisibleAsync();
        await Expect(status).ToHaveTextAsync("Unsaved changes");

        // In a text field Ctrl+Z is the field's own; Ctrl+S commits what was typed and saves the draft.
        await page.GetByTestId("label-row-New label").ClickAsync();
        var name = page.Locator("input[data-testid=label-name]");
        await Expect(name).ToHaveValueAsync("New label");
        await name.FillAsync("bicycle");
        await name.PressAsync("Control+z");
        await Expect(rows).ToHaveCountAsync(4);
        await name.FillAsync("bicycle");
        await name.PressAsync("Control+s");
        await Expect(status).ToHaveTextAsync("Draft of version 2 · saved");
        await Expect(page.GetByTestId("label-row-bicycle")).ToBeVisibleAsync();
        await using var db = await world.App.NewDbContextAsync();
        var draft = await db.TaxonomyVersions.AsNoTracking().SingleAsync(v => v.ProjectId == world.Project && v.PublishedAt == null);
        Assert.Contains(draft.Definition.Labels, l => l.Name == "bicycle");
    }

    [Fact]
    public async Task ALabelerSeesTheTaxonomyReadOnly()
    {
        await using var world = await BuildAsync();
        await using var browser = await chromium.NewPageAsync(world.App.ServerAddress);
        await WithBrowserErrorsAsync(browser, () => ReadOnlyAsync(world, browser));
    }

    private static async Task ReadOnlyAsync(World world, BrowserPage browser)
    {
        var page = browser.Page;
        await SignInWithCookieAsync(page, "lee@example.com");
        await page.GotoAsync($"/projects/{world.Project}");
        await Expect(page.GetByTestId("project-taxonomy")).ToBeVisibleAsync();
        await OpenEditorAsync(page, world.Project);

        await Expect(page.GetByTestId("read-only")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("editor-status")).ToHaveTextAsync("Version 1");
        await Expect(page.GetByTestId("add-label")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("save-draft")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("publish")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("label-row-person")).ToHaveAttributeAsync("draggable", "false");
        await Expect(page.GetByTestId("label-menu-person")).ToHaveCountAsync(0);
        await page.GetByTestId("label-row-vehicle").ClickAsync();
        await Expect(page.Locator("input[data-testid=label-name]")).ToHaveValueAsync("vehicle");
        await Expect(page.Locator("input[data-testid=label-name]")).ToHaveAttributeAsync("readonly", "");
        await Expect(page.GetByTestId("hotkey-field")).ToBeDisabledAsync();
        await Expect(page.GetByTestId("delete-label")).ToHaveCountAsync(0);
        await Expect(page.GetByTestId("merge-open")).ToHaveCountAsync(0);
        await page.GetByTestId("history-tab").ClickAsync();
        await Expect(page.GetByTestId("version-row-1")).ToBeVisibleAsync();
        browser.AssertNoErrors();
    }
}
