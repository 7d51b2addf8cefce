using System.Text.Json;
using Annotator.Core.Accounts;
using Annotator.Core.Geometry;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>
/// The labeling workspace in Debian's Chromium against the real app: shapes drawn with the mouse are stored in image
/// pixels, survive a reload, undo and redo, hotkeys work, and the server refuses what a tampered client sends.
/// </summary>
public sealed partial class WorkspaceInBrowser(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private sealed record World(AnnotatorFactory App, BrowserPage Browser, int Project, int Image, string AdminId) : IAsyncDisposable
    {
        public IPage Page => Browser.Page;

        public async ValueTask DisposeAsync()
        {
            await Browser.DisposeAsync();
            await App.DisposeAsync();
        }
    }

    private async Task<World> OpenAsync(string file, bool open = true)
    {
        TestEnvironment.RequireChromium();
        var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        var labeler = await app.CreateUserAsync("lee@example.com", AppRoles.Labeler);
        var project = await app.CreateProjectAsync("Drawing", admin.Id, (labeler.Id, ProjectRole.Labeler));
        int image;
        if (file == Fixtures.ExifRotated)
        {
            // Turning the photo upright is the upload's work: it goes through the real ingest.
            await using var stream = File.OpenRead(file);
            var ingest = app.Services.GetRequiredService<ImageIngestService>();
            image = Assert.Single(await ingest.IngestUploadAsync(project, admin.Id, Path.GetFileName(file), stream)).ImageId!.Value;
        }
        else
        {
            image = await app.AddImageAsync(project, admin.Id, file);
        }
        var browser = await chromium.NewPageAsync(app.ServerAddress);
        await SignInWithCookieAsync(browser.Page, "lee@example.com");
        var world = new World(app, browser, project, image, admin.Id);
        if (open)
        {
            await OpenImageAsync(world);
        }
        return world;
    }

    private static async Task OpenImageAsync(World world)
    {
        await world.Page.GotoAsync($"/projects/{world.Project}/images/{world.Image}");
        await Expect(world.Page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await Expect(world.Page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
    }

    private static async Task<double> ZoomAsync(IPage page) =>
        await page.EvaluateAsync<double>("() => window.annotatorWorkspace.metrics().zoom");

    /// <summary>Waits until the canvas has nothing on its way to the server and the panel lists <paramref name="count"/> regions.</summary>
    private static async Task SettledAsync(IPage page, int count)
    {
        await Expect(page.GetByTestId("region-count")).ToHaveTextAsync(count.ToString());
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
    }

    private static async Task<List<(ShapeKind Kind, JsonElement Geometry, Guid Id)>> StoredAsync(World world)
    {
        await using var db = await world.App.NewDbContextAsync();
        var sets = db.AnnotationSets.Where(s => s.ImageId == world.Image).Select(s => s.Id);
        var rows = await db.Regions.AsNoTracking().Where(r => sets.Contains(r.AnnotationSetId) && !r.IsDeleted).OrderBy(r => r.CreatedAt).ToListAsync();
        return rows.Select(r => (r.Kind, JsonDocument.Parse(r.Geometry).RootElement.Clone(), r.Id)).ToList();
    }

    private static void Near(double expected, JsonElement geometry, string property, double tolerance) =>
        Assert.True(Math.Abs(geometry.GetProperty(property).GetDouble() - expected) <= tolerance,
            $"{property} = {geometry.GetProperty(property).GetDouble()}, expected {expected} ± {tolerance:0.##}");

    [Fact]
    public async Task EveryShapeKindDrawnWithTheMouseIsStoredInImagePixelsAndSurvivesAReload()
    {
        await using var world = await OpenAsync(Fixtures.Good("coffee.png"));
        var page = world.Page;
        var tolerance = 1.5 / await ZoomAsync(page) + 0.5;

        await page.Keyboard.PressAsync("b");
        await DragAsync(page, (100, 80), (300, 200));
        await SettledAsync(page, 1);

        await page.Keyboard.PressAsync("e");
        await DragAsync(page, (350, 50), (450, 150));
        await SettledAsync(page, 2);

        await page.Keyboard.PressAsync("t");
        await ClickAtAsync(page, 500, 300);
        await SettledAsync(page, 3);

        await page.Keyboard.PressAsync("p");
        foreach (var (x, y) in new[] { (50.0, 250.0), (150.0, 250.0), (150.0, 350.0), (50.0, 350.0) })
        {
            await ClickAtAsync(page, x, y);
        }
        await page.Keyboard.PressAsync("Enter");
        await SettledAsync(page, 4);

        await page.Keyboard.PressAsync("l");
        foreach (var (x, y) in new[] { (200.0, 250.0), (260.0, 300.0), (320.0, 250.0) })
        {
            await ClickAtAsync(page, x, y);
        }
        await page.Keyboard.PressAsync("Enter");
        await SettledAsync(page, 5);

        await page.Keyboard.PressAsync("f");
        await MoveToAsync(page, 400, 200);
        await page.Mouse.DownAsync();
        for (var angle = 0; angle <= 360; angle += 10)
        {
            await MoveToAsync(page, 450 + 40 * Math.Cos(angle * Math.PI / 180), 250 + 40 * Math.Sin(angle * Math.PI / 180));
        }
        await page.Mouse.UpAsync();
        await SettledAsync(page, 6);

        await page.Keyboard.PressAsync("r");
        await MoveToAsync(page, 520, 60);
        await page.Mouse.DownAsync();
        await MoveToAsync(page, 580, 60, steps: 5);
        await page.Mouse.UpAsync();
        await MoveToAsync(page, 580, 120, steps: 5);
        await ClickAtAsync(page, 580, 120);
        await SettledAsync(page, 7);

        await page.GetByTestId("label-person").ClickAsync();
        await page.Keyboard.PressAsync("k");
        await DragAsync(page, (200, 20), (300, 220));
        await SettledAsync(page, 8);

        await page.Keyboard.PressAsync("m");
        await DragAsync(page, (30, 30), (80, 30));
        await SettledAsync(page, 9);

        await OpenImageAsync(world);
        await Expect(page.GetByTestId("region-count")).ToHaveTextAsync("9");
        var stored = await StoredAsync(world);
        Assert.Equal(
            [ShapeKind.Box, ShapeKind.Ellipse, ShapeKind.Point, ShapeKind.Polygon, ShapeKind.Polyline, ShapeKind.Polygon,
                ShapeKind.RotatedBox, ShapeKind.Keypoints, ShapeKind.Mask],
            stored.Select(s => s.Kind));
        var box = stored[0].Geometry;
        Near(100, box, "x", tolerance);
        Near(80, box, "y", tolerance);
        Near(200, box, "w", tolerance);
        Near(120, box, "h", tolerance);
        var ellipse = stored[1].Geometry;
        Near(400, ellipse, "cx", tolerance);
        Near(100, ellipse, "cy", tolerance);
        Near(50, ellipse, "rx", tolerance);
        var point = stored[2].Geometry;
        Near(500, point, "x", tolerance);
        Near(300, point, "y", tolerance);
        var polygon = stored[3].Geometry.GetProperty("points").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        Assert.Equal(8, polygon.Length);
        Assert.True(Math.Abs(polygon[4] - 150) <= tolerance && Math.Abs(polygon[5] - 350) <= tolerance, $"Third vertex at {polygon[4]},{polygon[5]}");
        Assert.Equal(6, stored[4].Geometry.GetProperty("points").GetArrayLength());
        var freehand = stored[5].Geometry.GetProperty("points").GetArrayLength() / 2;
        Assert.InRange(freehand, 6, 40);
        var rotated = stored[6].Geometry;
        Near(60, rotated, "w", tolerance * 2);
        Near(60, rotated, "h", tolerance * 2);
        var keypoints = stored[7].Geometry.GetProperty("points");
        Assert.Equal(17 * 3, keypoints.GetArrayLength());
        var mask = stored[8].Geometry;
        Assert.Equal([400, 600], mask.GetProperty("size").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(400 * 600, mask.GetProperty("counts").EnumerateArray().Sum(e => e.GetInt64()));
        world.Browser.AssertNoErrors();
    }

    [Fact]
    public async Task OnTheExifRotatedPhotoCoordinatesAreThoseOfTheUprightImage()
    {
        await using var world = await OpenAsync(Fixtures.ExifRotated);
        var page = world.Page;
        var tolerance = 1.5 / await ZoomAsync(page) + 0.5;
        await Expect(page.GetByTestId("image-size")).ToHaveTextAsync("427 × 640 px");

        await page.Keyboard.PressAsync("b");
        // Near the bottom of the portrait image: y beyond 427 exists only in the upright orientation.
        await DragAsync(page, (300, 500), (420, 630));
        await SettledAsync(page, 1);

        var box = Assert.Single(await StoredAsync(world)).Geometry;
        Near(300, box, "x", tolerance);
        Near(500, box, "y", tolerance);
        Near(120, box, "w", tolerance);
        Near(130, box, "h", tolerance);
    }

    [Fact]
    public async Task UndoAndRedoWalkThroughTheEdits()
    {
        await using var world = await OpenAsync(Fixtures.Good("coffee.png"));
        var page = world.Page;
        var tolerance = 1.5 / await ZoomAsync(page) + 0.5;
        await page.Keyboard.PressAsync("b");
        await DragAsync(page, (100, 100), (200, 200));
        await SettledAsync(page, 1);
        await page.Keyboard.PressAsync("v");
        await DragAsync(page, (150, 150), (250, 170));
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
        await Eventually.TrueAsync(async () => (await StoredAsync(world)).Single().Geometry.GetProperty("x").GetDouble() > 150,
            "the box moved right", ChromiumFixture.Patience);

        await page.Keyboard.PressAsync("Control+z");
        await Eventually.TrueAsync(async () => (await StoredAsync(world)).Single().Geometry.GetProperty("x").GetDouble() < 105,
            "the box back where it was drawn", ChromiumFixture.Patience);
        await page.Keyboard.PressAsync("Control+z");
        await SettledAsync(page, 0);
        Assert.Empty(await StoredAsync(world));
        await page.Keyboard.PressAsync("Control+Shift+z");
        await SettledAsync(page, 1);
        await page.Keyboard.PressAsync("Control+y");
        await Eventually.TrueAsync(async () => (await StoredAsync(world)).Single().Geometry.GetProperty("x").GetDouble() > 150,
            "the box moved right", ChromiumFixture.Patience);
        Near(200, (await StoredAsync(world)).Single().Geometry, "x", tolerance);
        world.Browser.AssertNoErrors();
    }

    [Fact]
    public async Task HotkeysPickLabelsAndToolsAndDeleteRemovesTheSelection()
    {
        await using var world = await OpenAsync(Fixtures.Good("coffee.png"));
        var page = world.Page;

        await page.Keyboard.PressAsync("2");
        await Expect(page.GetByTestId("label-animal")).ToHaveAttributeAsync("aria-selected", "true");
        await page.Keyboard.PressAsync("e");
        await Expect(page.GetByTestId("tool-ellipse")).ToHaveAttributeAsync("aria-pressed", "true");
        await DragAsync(page, (100, 100), (200, 160));
        await SettledAsync(page, 1);
        await Expect(page.GetByTestId("region-row")).ToContainTextAsync("animal");

        await page.Keyboard.PressAsync("Shift+?");
        await Expect(page.GetByTestId("help-dialog")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("help-dialog")).ToContainTextAsync("Rotated box");
        await page.GetByTestId("help-close").ClickAsync();

        await page.GetByTestId("region-row").ClickAsync();
        await Expect(page.GetByTestId("region-editor")).ToBeVisibleAsync();
        // Picking a region in the list brings up the select tool, with which a label key relabels the selection.
        await Expect(page.GetByTestId("tool-select")).ToHaveAttributeAsync("aria-pressed", "true");
        await page.Keyboard.PressAsync("3");
        await Expect(page.GetByTestId("region-row")).ToContainTextAsync("vehicle");
        await page.Locator("[data-testid=canvas] canvas").Last.FocusAsync();
        await page.Keyboard.PressAsync("Delete");
        await SettledAsync(page, 0);
        Assert.Empty(await StoredAsync(world));
        world.Browser.AssertNoErrors();
    }

    [Fact]
    public async Task VerticesLockHideAndCopyPasteOntoTheNextImage()
    {
        await using var world = await OpenAsync(Fixtures.Good("coffee.png"));
        var page = world.Page;
        var next = await world.App.AddImageAsync(world.Project, world.AdminId, Fixtures.Good("horse.png"));
        await OpenImageAsync(world);
        await page.Keyboard.PressAsync("p");
        foreach (var (x, y) in new[] { (100.0, 100.0), (300.0, 100.0), (300.0, 300.0), (100.0, 300.0) })
        {
            await ClickAtAsync(page, x, y);
        }
        await page.Keyboard.PressAsync("Enter");
        await SettledAsync(page, 1);
        int Vertices(JsonElement g) => g.GetProperty("points").GetArrayLength() / 2;

        await page.Keyboard.PressAsync("v");
        await ClickAtAsync(page, 200, 200);
        var (ex, ey) = await ClientAsync(page, 200, 100);
        await page.Mouse.DblClickAsync(ex, ey);
        await Eventually.TrueAsync(async () => Vertices((await StoredAsync(world)).Single().Geometry) == 5,
            "a vertex inserted on the top edge", ChromiumFixture.Patience);
        var (vx, vy) = await ClientAsync(page, 300, 300);
        await page.Keyboard.DownAsync("Alt");
        await page.Mouse.ClickAsync(vx, vy);
        await page.Keyboard.UpAsync("Alt");
        await Eventually.TrueAsync(async () => Vertices((await StoredAsync(world)).Single().Geometry) == 4,
            "the corner vertex deleted", ChromiumFixture.Patience);

        await page.Keyboard.PressAsync("Shift+L");
        await Eventually.TrueAsync(async () => await FlagsAsync(world) == (false, true), "the polygon locked", ChromiumFixture.Patience);
        await page.Keyboard.PressAsync("h");
        await Eventually.TrueAsync(async () => await FlagsAsync(world) == (true, true), "the polygon hidden", ChromiumFixture.Patience);
        await page.Keyboard.PressAsync("h");
        await page.Keyboard.PressAsync("Shift+L");
        await Eventually.TrueAsync(async () => await FlagsAsync(world) == (false, false), "the polygon shown and unlocked", ChromiumFixture.Patience);

        await page.Keyboard.PressAsync("Control+c");
        await page.Keyboard.PressAsync("n");
        await Expect(page.Locator($"[data-testid=workspace][data-image-id='{next}']")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("Control+v");
        await SettledAsync(page, 1);
        var pasted = await StoredAsync(world with { Image = next });
        Assert.Equal(ShapeKind.Polygon, Assert.Single(pasted).Kind);
        Assert.Equal(4, Vertices(pasted[0].Geometry));
        world.Browser.AssertNoErrors();
    }

    [Fact]
    public async Task AttributesQuestionsAndKeypointVisibilityAreEditedAndKept()
    {
        await using var world = await OpenAsync(Fixtures.Good("coffee.png"));
        var page = world.Page;
        await page.Keyboard.PressAsync("3");
        await page.Keyboard.PressAsync("b");
        await DragAsync(page, (100, 100), (300, 200));
        await SettledAsync(page, 1);
        await Expect(page.GetByTestId("region-editor")).ToBeVisibleAsync();

        await page.Locator("[data-testid='attribute-kind'] select").SelectOptionAsync("truck");
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
        await page.Locator("[data-testid='attribute-count'] input").FillAsync("3");
        await page.Locator("[data-testid='attribute-count'] input").PressAsync("Tab");
        await page.Locator("[data-testid='attribute-occluded'] input").CheckAsync();
        await page.Locator("[data-testid='question-Time of day']").GetByText("night").ClickAsync();
        await page.Locator("[data-testid='question-Weather']").GetByText("rain").ClickAsync();
        await page.Locator("[data-testid='question-Weather']").GetByText("fog").ClickAsync();
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");

        await page.Keyboard.PressAsync("1");
        await page.Keyboard.PressAsync("k");
        await DragAsync(page, (400, 50), (500, 350));
        await SettledAsync(page, 2);
        async Task<JsonElement> KeypointsAsync() => (await StoredAsync(world)).Single(r => r.Kind == ShapeKind.Keypoints).Geometry.GetProperty("points");
        var keypoints = (await KeypointsAsync()).EnumerateArray().Select(e => e.GetDouble()).ToArray();
        await page.Keyboard.PressAsync("v");
        var (nx, ny) = await ClientAsync(page, keypoints[0], keypoints[1]);
        await page.Keyboard.DownAsync("Alt");
        await page.Mouse.ClickAsync(nx, ny);
        await page.Keyboard.UpAsync("Alt");
        await Eventually.TrueAsync(async () => (await KeypointsAsync())[2].GetDouble() == 1,
            "the nose marked occluded (visibility 1)", ChromiumFixture.Patience);

        await OpenImageAsync(world);
        await page.GetByTestId("region-row").Filter(new() { HasText = "vehicle" }).ClickAsync();
        await Expect(page.Locator("[data-testid='attribute-kind'] select")).ToHaveValueAsync("truck");
        await Expect(page.Locator("[data-testid='attribute-count'] input")).ToHaveValueAsync("3");
        await Expect(page.Locator("[data-testid='attribute-occluded'] input")).ToBeCheckedAsync();
        await Expect(page.Locator("[data-testid='question-Time of day'] input[type=radio]").Nth(1)).ToBeCheckedAsync();
        await using var db = await world.App.NewDbContextAsync();
        var set = await db.AnnotationSets.Where(s => s.ImageId == world.Image).Select(s => s.Id).SingleAsync();
        var answers = await db.ImageAnswers.Where(a => a.AnnotationSetId == set).Select(a => a.Value).ToListAsync();
        Assert.Contains("\"night\"", answers);
        Assert.Contains("[\"rain\",\"fog\"]", answers);
        var attributes = await db.Regions.Where(r => r.AnnotationSetId == set && r.Kind == ShapeKind.Box).Select(r => r.Attributes).SingleAsync();
        Assert.Contains("\"truck\"", attributes);
        Assert.Contains("3", attributes);
        Assert.Contains("true", attributes);
        world.Browser.AssertNoErrors();
    }

    [Fact]
    public async Task TheEraserTakesPixelsOffTheSelectedMask()
    {
        await using var world = await OpenAsync(Fixtures.Good("coffee.png"));
        var page = world.Page;
        static long Area(JsonElement mask) => mask.GetProperty("counts").EnumerateArray().Select((c, i) => i % 2 == 1 ? c.GetInt64() : 0).Sum();
        await page.Keyboard.PressAsync("m");
        await page.Keyboard.PressAsync("]");
        await page.Keyboard.PressAsync("]");
        await DragAsync(page, (100, 200), (500, 200));
        await SettledAsync(page, 1);
        var painted = Area((await StoredAsync(world)).Single().Geometry);

        await page.Keyboard.PressAsync("x");
        await DragAsync(page, (300, 150), (300, 250));
        await Eventually.TrueAsync(async () => Area((await StoredAsync(world)).Single().Geometry) < painted,
            "pixels erased from the mask", ChromiumFixture.Patience);

        var erased = Area((await StoredAsync(world)).Single().Geometry);
        Assert.InRange(erased, painted / 2, painted - 1);
        Assert.Equal(1, await page.EvaluateAsync<int>("() => window.annotatorWorkspace.metrics().shapes"));
        world.Browser.AssertNoErrors();
    }

    private static async Task<(bool Hidden, bool Locked)> FlagsAsync(World world)
    {
        await using var db = await world.App.NewDbContextAsync();
        var sets = db.AnnotationSets.Where(s => s.ImageId == world.Image).Select(s => s.Id);
        return await db.Regions.Where(r => sets.Contains(r.AnnotationSetId) && !r.IsDeleted).Select(r => ValueTuple.Create(r.Hidden, r.Locked)).SingleAsync();
    }

    [Fact]
    public async Task ATamperedOperationSentOverTheInteropChannelIsRefusedAndChangesNothing()
    {
        await using var world = await OpenAsync(Fixtures.Good("coffee.png"));
        var page = world.Page;
        await page.Keyboard.PressAsync("b");
        await DragAsync(page, (100, 100), (200, 200));
        await SettledAsync(page, 1);
        var before = await StoredAsync(world);
        Guid label;
        await using (var taxonomyDb = await world.App.NewDbContextAsync())
        {
            var version = await taxonomyDb.TaxonomyVersions.SingleAsync(t => t.ProjectId == world.Project);
            label = version.Definition.Labels.Single(l => l.Name == "animal").Id;
        }

        string[] tampered =
        [
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"create","region":{"id":"{{{Guid.NewGuid()}}}","labelId":"{{{label}}}","kind":"box","geometry":{"x":-50,"y":10,"w":20,"h":20},"attributes":{},"zOrder":0,"hidden":false,"locked":false}}""",
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"update","regionId":"{{{before[0].Id}}}","baseRevision":1,"set":{"geometry":{"x":10,"y":10,"w":99999,"h":20} } }""",
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"create","region":{"id":"{{{Guid.NewGuid()}}}","labelId":"{{{Guid.NewGuid()}}}","kind":"box","geometry":{"x":1,"y":1,"w":2,"h":2},"attributes":{},"zOrder":0,"hidden":false,"locked":false}}""",
            "{\"type\":\"delete\"}",
        ];
        foreach (var json in tampered)
        {
            var result = await page.EvaluateAsync<JsonElement>(
                "async json => JSON.parse(await window.annotatorWorkspace.dotNet.invokeMethodAsync('Submit', json))", json);
            Assert.False(result.GetProperty("ok").GetBoolean(), json);
            Assert.False(string.IsNullOrWhiteSpace(result.GetProperty("error").GetString()));
        }

        var after = await StoredAsync(world);
        Assert.Equal(before.Select(b => (b.Id, b.Geometry.GetRawText())), after.Select(a => (a.Id, a.Geometry.GetRawText())));
        await using var db = await world.App.NewDbContextAsync();
        Assert.Equal(1, await db.OperationLog.CountAsync(o => o.ImageId == world.Image));
    }
}
