using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Core.Taxonomy;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Guidelines;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;
using Vips = NetVips;

namespace Annotator.Tests.Browser;

/// <summary>
/// Guidelines in Debian's Chromium against the real app: a labeler opens the guide panel and reads the project's and
/// the labels' guidelines with their example image, and HTML planted in a guideline never runs. With
/// ANNOTATOR_SCREENSHOTS=1 the open panel is also saved as the README's docs/screenshots/guidelines.png.
/// </summary>
public sealed class GuidelinesInBrowser(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private const string Hostile = "<img src=x onerror=\"window.__pwned=1\"> <script>window.__pwned=1</script>";

    private static readonly bool SaveScreenshot = Environment.GetEnvironmentVariable("ANNOTATOR_SCREENSHOTS") == "1";

    /// <summary>Publishes version 2 of the project's taxonomy: the demo labels with guidelines, one of them hostile.</summary>
    private static async Task PublishGuidelinesAsync(AnnotatorFactory app, int project, string exampleUrl)
    {
        await using var db = await app.NewDbContextAsync();
        var current = await db.TaxonomyVersions.Where(t => t.ProjectId == project).OrderByDescending(t => t.Number).FirstAsync();
        var definition = current.Definition;
        string? GuidelineOf(string name) => name switch
        {
            "person" => "Whole body, head to feet. Include what a person wears or carries (bags, hats), not the bicycle or horse they ride.\n\n" +
                        "- [x] Keypoints for people taller than 100 px\n- [ ] Reflections in mirrors and windows",
            "animal" => "Pets, farm animals and wildlife. **Cats and dogs:** include the tail and the whiskers' base, not the shadow.\n\n" +
                        "> When unsure whether it is a toy, label it and tick *occluded* only if it is covered.",
            "vehicle" => "Cars, trucks, buses and bicycles. " + Hostile + "\n\n| kind | draw |\n|---|---|\n| car | box |\n| bicycle | polygon |",
            _ => null,
        };
        definition = definition with
        {
            Guideline = "## How we label\n\nLabel **every** person, animal and vehicle you can recognise, even when it is small or partly hidden.\n\n" +
                        "- One shape per object, never one box around a group.\n- Boxes are tight: they touch the outermost visible pixels.\n" +
                        "- Tick *occluded* when something covers more than a quarter of the object.\n\n" +
                        $"![A tight box: every edge touches the animal]({exampleUrl})\n\nQuestions? Ask in [the team handbook](https://example.com/handbook).",
            Labels = [.. definition.Labels.Select(l => GuidelineOf(l.Name) is { } guideline ? l with { Guideline = guideline } : l)],
        };
        var version = new TaxonomyVersion(project, current.Number + 1, definition, DateTime.UtcNow);
        version.Publish("Guidelines.", DateTime.UtcNow);
        db.TaxonomyVersions.Add(version);
        await db.SaveChangesAsync();
    }

    [Fact]
    public async Task ALabelerReadsTheGuidelinesWithTheirImageAndPlantedHtmlNeverRuns()
    {
        TestEnvironment.RequireChromium();
        await using var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        await app.CreateUserAsync("lee@example.com", AppRoles.Labeler);
        var labeler = await app.CreateUserAsync("lena@example.com", AppRoles.Labeler);
        var project = await app.CreateProjectAsync("Guided", admin.Id, (labeler.Id, ProjectRole.Labeler));
        var image = await app.AddImageAsync(project, admin.Id, Fixtures.Good("chelsea.png"));
        GuidelineAsset example;
        using (var stream = new MemoryStream(BoxedExample()))
        {
            var upload = await app.Services.GetRequiredService<GuidelineAssetService>()
                .UploadAsync(TestPrincipals.For(admin, AppRoles.Admin), project, "tight-box.png", stream);
            example = upload.Asset ?? throw new InvalidOperationException(upload.Error);
        }
        await PublishGuidelinesAsync(app, project, example.Url);

        await using var browser = await chromium.NewPageAsync(app.ServerAddress, 1366, 850);
        var page = browser.Page;
        await SignInWithCookieAsync(page, "lena@example.com");
        await page.GotoAsync($"/projects/{project}/images/{image}");
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);

        // Animal is the label in hand (hotkey 2); the panel opens with the project guideline and that label first.
        await page.Keyboard.PressAsync("2");
        await Expect(page.GetByTestId("label-animal")).ToHaveAttributeAsync("aria-selected", "true");
        await page.GetByRole(AriaRole.Button, new() { Name = "Guidelines", Exact = true }).ClickAsync();
        var panel = page.GetByTestId("guide-panel");
        await Expect(panel).ToBeVisibleAsync();
        await Expect(panel.GetByRole(AriaRole.Heading, new() { Name = "How we label" })).ToBeVisibleAsync();
        var picture = panel.Locator("[data-testid=project-guideline] img");
        await Expect(picture).ToHaveAttributeAsync("src", example.Url);
        await page.WaitForFunctionAsync("img => img.complete && img.naturalWidth > 0", await picture.ElementHandleAsync());
        Assert.Equal(example.Width, await picture.EvaluateAsync<int>("img => img.naturalWidth"));
        var labels = panel.GetByTestId("guide-label");
        await Expect(labels).ToHaveCountAsync(3);
        await Expect(labels.First).ToContainTextAsync("animal");
        Assert.True(await labels.First.EvaluateAsync<bool>("details => details.open"));
        Assert.False(await labels.Nth(1).EvaluateAsync<bool>("details => details.open"));
        await Expect(labels.First.GetByText("Cats and dogs:")).ToBeVisibleAsync();
        await Expect(page.Locator(".ws-guide .guideline a[href='https://example.com/handbook']")).ToHaveAttributeAsync("rel", "noopener noreferrer nofollow");
        if (SaveScreenshot)
        {
            await page.Mouse.MoveAsync(5, 840);
            await page.WaitForTimeoutAsync(300);
            await page.ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder(), "guidelines.png") });
        }

        // The hostile guideline, opened: its HTML is shown as text and nothing of it ran.
        var vehicle = labels.Filter(new() { HasText = "vehicle" });
        await vehicle.Locator("summary").ClickAsync();
        await Expect(vehicle.GetByTestId("guide-label-guideline")).ToContainTextAsync("<script>window.__pwned=1</script>");
        await Expect(vehicle.Locator("table td").First).ToHaveTextAsync("car");
        Assert.Equal(0, await panel.Locator("script, iframe, img:not([src^='/projects/'])").CountAsync());

        // Beside the chip: the info button shows the same guide, rendered the same way.
        await page.GetByTestId("label-info-vehicle").HoverAsync();
        var tip = page.GetByTestId("label-guide-vehicle");
        await Expect(tip).ToBeVisibleAsync();
        await Expect(tip).ToContainTextAsync("Cars, trucks, buses and bicycles.");
        await Expect(tip).ToContainTextAsync("onerror=\"window.__pwned=1\"");
        Assert.Equal(0, await tip.Locator("script, img").CountAsync());

        // Still nothing ran, and the panel closes again.
        Assert.True(await page.EvaluateAsync<bool>("() => window.__pwned === undefined"));
        await page.Mouse.MoveAsync(5, 840);
        await Expect(tip).ToBeHiddenAsync();
        await panel.GetByTestId("guide-close").ClickAsync();
        await Expect(panel).ToHaveCountAsync(0);
        browser.AssertNoErrors();
    }

    /// <summary>The example a guideline shows: the horse with a tight box drawn around it, as a PNG.</summary>
    private static byte[] BoxedExample()
    {
        using var horse = Vips.Image.NewFromFile(Fixtures.Good("horse.png"));
        using var flat = horse.HasAlpha() ? horse.Flatten(background: [255]) : horse.Copy();
        using var rgb = flat.Colourspace(Vips.Enums.Interpretation.Srgb);
        var trim = rgb.FindTrim(threshold: 40, background: [255, 255, 255]);
        var (left, top, width, height) = (Convert.ToInt32(trim[0]), Convert.ToInt32(trim[1]), Convert.ToInt32(trim[2]), Convert.ToInt32(trim[3]));
        using var boxed = rgb.Mutate(m =>
        {
            for (var i = 2; i < 5; i++)
            {
                m.DrawRect([230, 25, 75], left - i, top - i, width + 2 * i, height + 2 * i);
            }
        });
        return boxed.PngsaveBuffer();
    }

    private static string ScreenshotFolder()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Annotator.sln")))
            {
                var folder = Path.Combine(dir.FullName, "docs", "screenshots");
                Directory.CreateDirectory(folder);
                return folder;
            }
        }
        throw new InvalidOperationException("Annotator.sln not found above " + AppContext.BaseDirectory);
    }
}
