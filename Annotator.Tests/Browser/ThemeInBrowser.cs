using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Microsoft.Playwright;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>
/// Light and dark mode: the app follows the system's setting (prefers-color-scheme) until the user picks one in the
/// app bar, remembers the pick in the browser, and every page stays readable in both. With ANNOTATOR_SCREENSHOTS=1 it
/// leaves screenshots of each page in both modes in <c>$TMPDIR/annotator-screenshots/theme</c>.
/// </summary>
public sealed class ThemeInBrowser(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly bool Screenshots = Environment.GetEnvironmentVariable("ANNOTATOR_SCREENSHOTS") == "1";

    /// <summary>
    /// The lowest contrast ratio (WCAG) between the text of the matched elements and what is behind it (the first
    /// ancestor with a background colour), over the elements that have text.
    /// </summary>
    private const string LowestContrast = """
        selector => {
          const rgb = c => { const m = c.match(/[\d.]+/g).map(Number); return { r: m[0], g: m[1], b: m[2], a: m.length > 3 ? m[3] : 1 }; };
          const lum = ({ r, g, b }) => { const f = v => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); }; return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b); };
          const behind = el => { for (let e = el; e; e = e.parentElement) { const c = rgb(getComputedStyle(e).backgroundColor); if (c.a > 0.5) return c; } return rgb(getComputedStyle(document.body).backgroundColor); };
          let lowest = 99;
          for (const el of document.querySelectorAll(selector)) {
            if (!el.textContent.trim() || !el.checkVisibility()) continue;
            const a = lum(rgb(getComputedStyle(el).color)), b = lum(behind(el));
            lowest = Math.min(lowest, (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05));
          }
          return lowest;
        }
        """;

    private static async Task<(AnnotatorFactory App, int Project, int Image)> ProjectAsync()
    {
        TestEnvironment.RequireChromium();
        var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        var project = await app.CreateProjectAsync("Colours", admin.Id, (admin.Id, ProjectRole.Reviewer));
        var images = await app.AddImagesAsync(project, admin.Id, Fixtures.Good("horse.png"), Fixtures.Good("coins.png"));
        return (app, project, images[^1]);
    }

    private static async Task ThemeIsAsync(IPage page, string theme)
    {
        await Expect(page.GetByTestId("app-theme")).ToHaveAttributeAsync("data-theme", theme);
        var background = await page.EvaluateAsync<double[]>(
            "() => getComputedStyle(document.body).backgroundColor.match(/[\\d.]+/g).map(Number)");
        var brightness = (background[0] + background[1] + background[2]) / 3;
        Assert.True(theme == "dark" ? brightness < 60 : brightness > 200, $"The page's background is {string.Join(",", background)} in {theme} mode.");
    }

    private static async Task ChooseAsync(IPage page, string mode)
    {
        await page.GetByTestId("theme-menu").Locator("button").First.ClickAsync();
        await page.GetByTestId($"theme-{mode}").ClickAsync();
    }

    private static async Task ReadableAsync(IPage page, string what, string selector)
    {
        var lowest = await page.EvaluateAsync<double>(LowestContrast, selector);
        Assert.True(lowest >= 4.5, $"{what} ({selector}) has text at contrast {lowest:0.00}:1 (at least 4.5:1 is readable).");
    }

    private static async Task ShotAsync(IPage page, string name)
    {
        if (Screenshots)
        {
            var folder = Path.Combine(Path.GetTempPath(), "annotator-screenshots", "theme");
            Directory.CreateDirectory(folder);
            await page.ScreenshotAsync(new() { Path = Path.Combine(folder, name + ".png") });
        }
    }

    [Fact]
    public async Task FollowsTheSystemUntilTheUserChoosesAndRemembersTheChoice()
    {
        var (app, project, _) = await ProjectAsync();
        await using var _app = app;
        await using var browser = await chromium.NewPageAsync(app.ServerAddress, colorScheme: ColorScheme.Dark);
        var page = browser.Page;
        await SignInAsync(page, "admin@example.com", AnnotatorFactory.Password);
        await page.GotoAsync($"/projects/{project}");
        await Expect(page.GetByTestId("theme-menu").Locator("button").First).ToBeEnabledAsync();
        await ThemeIsAsync(page, "dark");

        await ChooseAsync(page, "light");
        await ThemeIsAsync(page, "light");
        // Remembered: the next page is light from its first render, although the system is dark.
        await page.ReloadAsync();
        await ThemeIsAsync(page, "light");
        await Expect(page.GetByTestId("theme-menu").Locator("button").First).ToBeEnabledAsync();
        await ThemeIsAsync(page, "light");

        // Back to following the system, which then changes: the app follows at once.
        await ChooseAsync(page, "system");
        await ThemeIsAsync(page, "dark");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await ThemeIsAsync(page, "light");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await ThemeIsAsync(page, "dark");
        await ChooseAsync(page, "light");
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Light });
        await page.EmulateMediaAsync(new() { ColorScheme = ColorScheme.Dark });
        await ThemeIsAsync(page, "light");
        browser.AssertNoErrors();
    }

    [Theory]
    [InlineData("light")]
    [InlineData("dark")]
    public async Task EveryPageIsReadable(string scheme)
    {
        var (app, project, image) = await ProjectAsync();
        await using var _app = app;
        await using var browser = await chromium.NewPageAsync(app.ServerAddress,
            colorScheme: scheme == "dark" ? ColorScheme.Dark : ColorScheme.Light);
        var page = browser.Page;
        await SignInAsync(page, "admin@example.com", AnnotatorFactory.Password);

        await page.GotoAsync($"/projects/{project}");
        await Expect(page.GetByTestId("theme-menu").Locator("button").First).ToBeEnabledAsync();
        await ThemeIsAsync(page, scheme);
        await Expect(page.GetByTestId("image-tile")).ToHaveCountAsync(2);
        await ThumbnailWidthsAsync(page);
        await ReadableAsync(page, "The project page", "h1, .file-name, .upload-row .name, .drop-zone *");
        await ShotAsync(page, $"project-{scheme}");

        await page.GotoAsync($"/projects/{project}/images/{image}");
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await page.Keyboard.PressAsync("b");
        await DragAsync(page, (40, 40), (220, 180));
        await Expect(page.GetByTestId("region-count")).ToHaveTextAsync("1");
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
        await ThemeIsAsync(page, scheme);
        await ReadableAsync(page, "The workspace's tool bar and side panel",
            ".ws-title h1, .image-counter, .label-chip, .region-row .name, .image-facts dt, .image-facts dd, .ws-panel .mud-typography, .question legend, .question .option");
        await ShotAsync(page, $"workspace-{scheme}");
        await page.Keyboard.PressAsync("Shift+Slash");
        await Expect(page.Locator(".mud-dialog")).ToBeVisibleAsync();
        await ReadableAsync(page, "The keyboard help", ".mud-dialog td, .mud-dialog caption, .mud-dialog kbd");
        await ShotAsync(page, $"help-{scheme}");
        await page.Keyboard.PressAsync("Escape");

        await page.GotoAsync($"/projects/{project}/taxonomy");
        await Expect(page.GetByTestId("label-tree")).ToBeVisibleAsync();
        await Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
        await page.GetByTestId("label-row-person").ClickAsync();
        await Expect(page.Locator(".label-panel")).ToBeVisibleAsync();
        await ReadableAsync(page, "The taxonomy editor", ".label-row .name, .label-row .usage, .label-row kbd, .tx-caption, .tx-muted, .tree-hint, .attribute-name, .attribute-summary");
        await ShotAsync(page, $"taxonomy-{scheme}");
        browser.AssertNoErrors();
    }
}
