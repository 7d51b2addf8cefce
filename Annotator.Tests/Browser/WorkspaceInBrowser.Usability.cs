using Annotator.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Playwright;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>
/// What a labeler ran into in the workspace: keys after a panel control, Space+drag, keypoint names and the point list,
/// dragging one point of a skeleton, the image loading.
/// </summary>
public sealed partial class WorkspaceInBrowser
{
    /// <summary>With ANNOTATOR_SHOTS_DIR set, saves a screenshot there (to look at what a test saw).</summary>
    private static async Task ShotAsync(IPage page, string name)
    {
        if (Environment.GetEnvironmentVariable("ANNOTATOR_SHOTS_DIR") is { Length: > 0 } folder)
        {
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png") });
        }
    }

    private static async Task<Guid> LabelIdAsync(World world, string name)
    {
        await using var db = await world.App.NewDbContextAsync();
        var version = await db.TaxonomyVersions.SingleAsync(t => t.ProjectId == world.Project);
        return version.Definition.Labels.Single(l => l.Name == name).Id;
    }

    private static async Task<List<Guid>> StoredLabelsAsync(World world)
    {
        await using var db = await world.App.NewDbContextAsync();
        var sets = db.AnnotationSets.Where(s => s.ImageId == world.Image).Select(s => s.Id);
        return await db.Regions.Where(r => sets.Contains(r.AnnotationSetId) && !r.IsDeleted).Select(r => r.LabelId).ToListAsync();
    }

    private static async Task<(float X, float Y)> OriginAsync(IPage page) => await ClientAsync(page, 0, 0);

    [Fact]
    public async Task AfterPickingALabelInThePanelTheToolKeysWorkAgainOnceThePointerIsBackOnTheCanvas()
    {
        await using var world = await OpenAsync(Fixtures.Good("coffee.png"));
        var page = world.Page;
        await page.Keyboard.PressAsync("b");
        await DragAsync(page, (100, 100), (300, 200));
        await SettledAsync(page, 1);
        var animal = await LabelIdAsync(world, "animal");

        // As a person does it: over to the panel, open the Label drop-down, pick "animal".
        var select = page.GetByTestId("region-label");
        await select.HoverAsync();
        await select.FocusAsync();
        await select.SelectOptionAsync(new SelectOptionValue { Label = "animal" });
        await Expect(page.GetByTestId("region-row")).ToContainTextAsync("animal");
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
        // While the drop-down has the focus, a label key of the canvas is not the canvas's.
        await page.Keyboard.PressAsync("3");
        await Expect(select).ToBeFocusedAsync();

        // Back on the canvas, P is the polygon tool (it used to pick "person" in the still focused drop-down).
        await MoveToAsync(page, 450, 300);
        await page.Keyboard.PressAsync("p");
        await Expect(page.GetByTestId("tool-polygon")).ToHaveAttributeAsync("aria-pressed", "true");
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
        await Expect(page.GetByTestId("region-row")).ToContainTextAsync("animal");
        Assert.Equal([animal], await StoredLabelsAsync(world));
        world.Browser.AssertNoErrors();
    }

    [Fact]
    public async Task SpaceAndDragPansOverTheSelectedShapeAndRightAfterAClickInThePanel()
    {
        await using var world = await OpenAsync(Fixtures.Good("coffee.png"));
        var page = world.Page;
        var tolerance = 1.5 / await ZoomAsync(page) + 0.5;
        await page.Keyboard.PressAsync("b");
        await DragAsync(page, (100, 100), (300, 200));
        await SettledAsync(page, 1);
        await page.Keyboard.PressAsync("v");
        await ClickAtAsync(page, 200, 150);
        await Expect(page.GetByTestId("region-editor")).ToBeVisibleAsync();

        async Task SpaceDragAsync(float dx, float dy)
        {
            var (x, y) = await ClientAsync(page, 200, 150);
            await page.Mouse.MoveAsync(x, y);
            await page.Keyboard.DownAsync("Space");
            await page.Mouse.DownAsync();
            await page.Mouse.MoveAsync(x + dx, y + dy, new() { Steps = 6 });
            await page.Mouse.UpAsync();
            await page.Keyboard.UpAsync("Space");
        }

        // With the select tool, over the selected box.
        var before = await OriginAsync(page);
        await SpaceDragAsync(60, 40);
        var after = await OriginAsync(page);
        Assert.Equal(before.X + 60, after.X, 1.0);
        Assert.Equal(before.Y + 40, after.Y, 1.0);

        // Right after a click in the panel (the occluded box of the selected region), with the box tool.
        await page.Keyboard.PressAsync("b");
        var occluded = page.Locator("[data-testid='attribute-occluded'] input");
        await occluded.CheckAsync();
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
        await Expect(occluded).ToBeFocusedAsync();
        before = await OriginAsync(page);
        await SpaceDragAsync(-50, 30);
        after = await OriginAsync(page);
        Assert.Equal(before.X - 50, after.X, 1.0);
        Assert.Equal(before.Y + 30, after.Y, 1.0);

        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
        await Expect(page.GetByTestId("region-count")).ToHaveTextAsync("1");
        await Expect(occluded).ToBeCheckedAsync();
        var box = Assert.Single(await StoredAsync(world)).Geometry;
        Near(100, box, "x", tolerance);
        Near(100, box, "y", tolerance);
        world.Browser.AssertNoErrors();
    }

    [Fact]
    public async Task KeypointsAreNamedOnHoverListedInThePanelAndDraggedOneByOne()
    {
        await using var world = await OpenAsync(Fixtures.Good("coffee.png"));
        var page = world.Page;
        var tolerance = 1.5 / await ZoomAsync(page) + 0.5;
        await page.Keyboard.PressAsync("1");
        await page.Keyboard.PressAsync("k");
        await DragAsync(page, (150, 40), (450, 380));
        await SettledAsync(page, 1);
        async Task<double[]> PointsAsync() =>
            (await StoredAsync(world)).Single().Geometry.GetProperty("points").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        var drawn = await PointsAsync();

        await page.Keyboard.PressAsync("v");
        await page.Keyboard.PressAsync("Escape");
        await Expect(page.GetByTestId("region-editor")).ToHaveCountAsync(0);

        // Hovering a point of the (unselected) skeleton names it.
        await MoveToAsync(page, drawn[0], drawn[1]);
        await Expect(page.GetByTestId("keypoint-name")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("keypoint-name")).ToHaveTextAsync("nose");
        await MoveToAsync(page, drawn[3 * 5], drawn[3 * 5 + 1], steps: 4);
        await Expect(page.GetByTestId("keypoint-name")).ToHaveTextAsync("left_shoulder");
        await ShotAsync(page, "keypoint-hover");
        await MoveToAsync(page, 560, 20, steps: 4);
        await Expect(page.GetByTestId("keypoint-name")).ToBeHiddenAsync();

        // Dragging a point of the unselected skeleton moves that point only.
        await DragAsync(page, (drawn[3 * 5], drawn[3 * 5 + 1]), (drawn[3 * 5] + 30, drawn[3 * 5 + 1] + 20));
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
        var moved = await PointsAsync();
        for (var i = 0; i < 17; i++)
        {
            var (dx, dy) = i == 5 ? (30.0, 20.0) : (0.0, 0.0);
            Assert.True(Math.Abs(moved[3 * i] - drawn[3 * i] - dx) <= tolerance && Math.Abs(moved[3 * i + 1] - drawn[3 * i + 1] - dy) <= tolerance,
                $"Point {i} went from {drawn[3 * i]},{drawn[3 * i + 1]} to {moved[3 * i]},{moved[3 * i + 1]}");
        }

        // The skeleton is selected now; the panel lists its points with their visibility.
        var rows = page.GetByTestId("keypoint-row");
        await Expect(rows).ToHaveCountAsync(17);
        await Expect(rows.Nth(0)).ToContainTextAsync("nose");
        var nose = page.Locator("[data-testid=keypoint-row][data-point=nose] select");
        await Expect(nose).ToHaveValueAsync("2");
        await ShotAsync(page, "keypoint-list");

        long operations;
        await using (var db = await world.App.NewDbContextAsync())
        {
            operations = await db.OperationLog.CountAsync(o => o.ImageId == world.Image);
        }
        await nose.SelectOptionAsync("1");
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
        await Eventually.TrueAsync(async () => (await PointsAsync())[2] == 1, "the nose stored as occluded", ChromiumFixture.Patience);
        await using (var db = await world.App.NewDbContextAsync())
        {
            Assert.Equal(operations + 1, await db.OperationLog.CountAsync(o => o.ImageId == world.Image));
        }
        Assert.Equal(moved.Where((_, i) => i != 2), (await PointsAsync()).Where((_, i) => i != 2));

        // Not labelled: the point goes to (0, 0); labelled again: it comes back near where the skeleton puts it.
        var eye = page.Locator("[data-testid=keypoint-row][data-point=left_eye] select");
        await eye.SelectOptionAsync("0");
        await Eventually.TrueAsync(async () => (await PointsAsync())[5] == 0, "the left eye stored as not labelled", ChromiumFixture.Patience);
        var hidden = await PointsAsync();
        Assert.Equal((0.0, 0.0), (hidden[3], hidden[4]));
        await Expect(eye).ToHaveValueAsync("0");
        await eye.SelectOptionAsync("2");
        await Eventually.TrueAsync(async () => (await PointsAsync())[5] == 2, "the left eye labelled again", ChromiumFixture.Patience);
        var back = await PointsAsync();
        Assert.InRange(back[3], 150 - tolerance, 450 + tolerance);
        Assert.InRange(back[4], 40 - tolerance, 380 + tolerance);
        world.Browser.AssertNoErrors();
    }

    [Fact]
    public async Task TheCanvasSaysItIsLoadingTheImageUntilItIsDrawn()
    {
        await using var world = await OpenAsync(Fixtures.Good("coffee.png"), open: false);
        var page = world.Page;
        // The image file is held back (as a large download would be) until the test has seen the indicator.
        var held = new TaskCompletionSource<IRoute>(TaskCreationOptions.RunContinuationsAsynchronously);
        await page.RouteAsync("**/images/*/file", route =>
        {
            held.TrySetResult(route);
            return Task.CompletedTask;
        });
        await page.GotoAsync($"/projects/{world.Project}/images/{world.Image}");
        var route = await held.Task.WaitAsync(TimeSpan.FromMilliseconds(ChromiumFixture.Timeout));
        var loading = page.GetByTestId("canvas-loading");
        await Expect(loading).ToBeVisibleAsync();
        await Expect(loading).ToContainTextAsync("Loading image…");
        await ShotAsync(page, "image-loading");
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(0);

        await route.ContinueAsync();
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await Expect(loading).ToHaveCountAsync(0);

        // A file that does not come says so instead of leaving the canvas blank.
        await page.UnrouteAllAsync();
        await page.RouteAsync("**/images/*/file", route => route.AbortAsync());
        await page.ReloadAsync();
        await Expect(loading).ToContainTextAsync("could not be loaded");
        await ShotAsync(page, "image-failed");
    }
}
