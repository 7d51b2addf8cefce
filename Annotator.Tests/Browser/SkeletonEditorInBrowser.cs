using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.RegularExpressions;
using Annotator.Core.Taxonomy;
using Annotator.Tests.Infrastructure;
using Annotator.Tests.Web.Components;
using Annotator.Web.Components.Taxonomy;
using Bunit;
using Microsoft.Playwright;
using MudBlazor;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>
/// skeleton-editor.js in Chromium, driving the real <see cref="SkeletonEditor"/> without a page of the app: the
/// component is rendered by bUnit, its markup is served (with our CSS and the module) from a made-up origin that
/// Playwright answers itself, and the module's intents go to the component through an exposed function. Only the
/// drawing is live in the browser; the rest of the markup is copied over from bUnit after each step. The taxonomy
/// editor's browser tests cover the component inside the app.
/// </summary>
public sealed partial class SkeletonEditorInBrowser(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private static readonly Uri Origin = new("http://skeleton-editor.test/");

    /// <summary>Set to a folder to keep a screenshot of the editor there (to look at it).</summary>
    private static readonly string? ScreenshotFolder = Environment.GetEnvironmentVariable("ANNOTATOR_SCREENSHOT_DIR");

    /// <summary>How many of the component's updates for the drawing were passed on to the page.</summary>
    private int _forwarded;

    [Fact]
    public async Task DragsConnectsAndAddsPointsOnTheDrawing()
    {
        TestEnvironment.RequireChromium();
        await using var bunit = new BunitContext();
        bunit.AddTestServices();
        var changes = new ConcurrentQueue<SkeletonDefinition>();
        var cut = bunit.Render<SkeletonEditor>(p => p.Add(c => c.Value, DemoTaxonomy.CocoPerson).Add(c => c.LabelName, "person")
            .Add(c => c.ValueChanged, v => changes.Enqueue(v)));
        var theme = bunit.Render<MudThemeProvider>();
        var intents = new ConcurrentQueue<string>();

        await using var browser = await chromium.NewPageAsync(Origin, 1180, 860);
        var page = browser.Page;
        await page.ExposeFunctionAsync("skeletonIntent", (string name, string argsJson) =>
        {
            intents.Enqueue($"{name}({string.Join(", ", JsonSerializer.Deserialize<JsonElement[]>(argsJson)!.Select(a => a.ToString()))})");
            return Intent(cut, name, argsJson);
        });
        var attach = Assert.Single(bunit.JSInterop.Invocations, i => i.Identifier == "attach");
        var html = Page(theme.Markup, cut.Markup, (string)attach.Arguments[2]!);
        await page.RouteAsync(Origin + "**", route => Serve(route, html));
        await page.GotoAsync("/");
        await Expect(page.Locator("body[data-ready=true]")).ToHaveCountAsync(1);
        var points = page.Locator("[data-testid=skeleton-canvas] g.point");
        await Expect(points).ToHaveCountAsync(17);
        await Expect(page.Locator("[data-testid=skeleton-canvas] line.edge")).ToHaveCountAsync(19);
        await Expect(page.Locator("[data-testid=skeleton-canvas] line.flip")).ToHaveCountAsync(8);
        await Expect(page.Locator("[data-testid=skeleton-canvas]")).ToHaveAttributeAsync("aria-label", new Regex("^Skeleton of person: 17 points"));

        // Drag the left wrist in twelve steps: one Moved, on release, where it was dropped.
        var wrist = DemoTaxonomy.CocoPersonPoints.ToList().IndexOf("left_wrist");
        var from = await CentreAsync(page, "left_wrist");
        var to = await ToScreenAsync(page, 0.9, 0.4);
        await page.Mouse.MoveAsync(from.X, from.Y);
        await page.Mouse.DownAsync();
        await page.Mouse.MoveAsync(to.X, to.Y, new() { Steps = 12 });
        await Expect(page.Locator("[data-testid=skeleton-canvas][data-dragging=true]")).ToHaveCountAsync(1);
        Assert.Empty(intents);
        await page.Mouse.UpAsync();
        await Expect(page.Locator("g.point.selected[data-name=left_wrist]")).ToHaveCountAsync(1);
        Assert.Equal($"Moved({wrist}, ", Assert.Single(intents)[..$"Moved({wrist}, ".Length]);
        var moved = Assert.Single(changes);
        Assert.Equal(0.9, moved.Layout![wrist][0], 2);
        Assert.Equal(0.4, moved.Layout[wrist][1], 2);
        var drawn = await CentreAsync(page, "left_wrist");
        Assert.Equal(to.X, drawn.X, 1.5);
        Assert.Equal(to.Y, drawn.Y, 1.5);

        // The arrow keys nudge the selected point by 1% of the square.
        await page.Keyboard.PressAsync("ArrowUp");
        await Eventually.TrueAsync(() => changes.Count == 2, "the nudged layout", ChromiumFixture.Patience);
        Assert.Equal(0.39, changes.Last().Layout![wrist][1], 3);

        // Connect the nose to the left wrist: the mode is switched in the component, which tells the drawing.
        cut.Find("[data-testid=mode-connect]").Click();
        await SyncAsync(page, bunit, cut);
        await ClickPointAsync(page, "nose");
        await Expect(page.Locator("g.point.pending[data-name=nose]")).ToHaveCountAsync(1);
        await ClickPointAsync(page, "left_wrist");
        await Expect(page.Locator("[data-testid=skeleton-canvas] line.edge")).ToHaveCountAsync(20);
        Assert.Contains(changes.Last().Edges, e => e is [0, var j] && j == wrist);

        // Add a point on an empty spot.
        cut.Find("[data-testid=mode-add]").Click();
        await SyncAsync(page, bunit, cut);
        var empty = await ToScreenAsync(page, 0.12, 0.9);
        await page.Mouse.ClickAsync(empty.X, empty.Y);
        await Expect(page.Locator("g.point.selected[data-name='point 18']")).ToHaveCountAsync(1);
        Assert.Equal([0.12, 0.9], changes.Last().Layout![17].Select(v => Math.Round(v, 2)));

        // Selecting on the drawing selects the row of the table.
        cut.Find("[data-testid=mode-move]").Click();
        await SyncAsync(page, bunit, cut);
        await ClickPointAsync(page, "left_wrist");
        // The drawing shows the state .NET answered with: once it is selected there, the component has it too.
        await Expect(page.Locator("g.point.selected[data-name=left_wrist]")).ToHaveCountAsync(1);
        await SyncAsync(page, bunit, cut);
        await Expect(page.Locator("tr.selected td.name input")).ToHaveValueAsync("left_wrist");

        if (ScreenshotFolder is not null)
        {
            Directory.CreateDirectory(ScreenshotFolder);
            await page.Locator("[data-testid=skeleton-editor]").ScreenshotAsync(new() { Path = Path.Combine(ScreenshotFolder, "skeleton-editor.png") });
        }
        Assert.Equal(
            ["Moved", "Moved", "Clicked", "Clicked", "ClickedEmpty", "Clicked"],
            intents.Select(i => i[..i.IndexOf('(', StringComparison.Ordinal)]));
        browser.AssertNoErrors();
    }

    /// <summary>An intent of the module, applied by the component; answers with the state to draw.</summary>
    private static Task<string> Intent(IRenderedComponent<SkeletonEditor> cut, string name, string argsJson)
    {
        var args = JsonSerializer.Deserialize<JsonElement[]>(argsJson)!;
        return name switch
        {
            "Moved" => cut.InvokeAsync(() => cut.Instance.Moved(args[0].GetInt32(), args[1].GetDouble(), args[2].GetDouble())),
            "Clicked" => cut.InvokeAsync(() => cut.Instance.Clicked(args[0].GetInt32())),
            "ClickedEmpty" => cut.InvokeAsync(() => cut.Instance.ClickedEmpty(args[0].GetDouble(), args[1].GetDouble())),
            _ => throw new InvalidOperationException($"No intent {name}."),
        };
    }

    /// <summary>What .NET sends after a render: the newest state for the drawing, and the rest of the markup.</summary>
    private async Task SyncAsync(IPage page, BunitContext bunit, IRenderedComponent<SkeletonEditor> cut)
    {
        var updates = bunit.JSInterop.Invocations.Where(i => i.Identifier == "update").ToList();
        foreach (var update in updates.Skip(_forwarded))
        {
            await page.EvaluateAsync("json => window.editor.update(json)", (string)update.Arguments[0]!);
        }
        _forwarded = updates.Count;
        await page.EvaluateAsync(
            """
            html => {
                const t = document.createElement('template');
                t.innerHTML = html;
                for (const part of ['.skeleton-toolbar', '.skeleton-side', '.skeleton-hint']) {
                    document.querySelector(part).replaceWith(t.content.querySelector(part));
                }
            }
            """, WithoutBlazorAttributes(cut.Markup));
    }

    private static async Task ClickPointAsync(IPage page, string name)
    {
        var p = await CentreAsync(page, name);
        await page.Mouse.ClickAsync(p.X, p.Y);
    }

    private static async Task<(float X, float Y)> CentreAsync(IPage page, string name)
    {
        var box = await page.Locator($"[data-testid=skeleton-canvas] g.point[data-name='{name}'] circle.dot").BoundingBoxAsync();
        Assert.NotNull(box);
        return (box.X + box.Width / 2, box.Y + box.Height / 2);
    }

    /// <summary>Where a point of the unit square is on the screen (the drawing's own mapping, through the module).</summary>
    private static async Task<(float X, float Y)> ToScreenAsync(IPage page, double u, double v)
    {
        var p = await page.EvaluateAsync<float[]>(
            """
            ([u, v]) => {
                const svg = document.querySelector('[data-testid=skeleton-canvas]');
                const frame = svg.querySelector('rect.frame');
                const x = frame.x.baseVal.value + u * frame.width.baseVal.value;
                const y = frame.y.baseVal.value + v * frame.height.baseVal.value;
                const q = new DOMPoint(x, y).matrixTransform(svg.getScreenCTM());
                return [q.x, q.y];
            }
            """, new[] { u, v });
        return (p[0], p[1]);
    }

    private static string Page(string theme, string markup, string state) =>
        $$"""
        <!DOCTYPE html>
        <html lang="en">
        <head>
            <meta charset="utf-8" />
            <title>Skeleton editor</title>
            <link rel="stylesheet" href="/mudblazor/MudBlazor.min.css" />
            <link rel="stylesheet" href="/css/app.css" />
            <link rel="stylesheet" href="/css/skeleton-editor.css" />
            {{theme}}
        </head>
        <body class="mud-typography-body1" style="padding: 20px 24px; background: #fff">
            <main style="max-width: 1120px">{{WithoutBlazorAttributes(markup)}}</main>
            <script type="module">
                import { attach } from '/js/taxonomy/skeleton-editor.js';
                const dotNet = { invokeMethodAsync: (name, ...args) => window.skeletonIntent(name, JSON.stringify(args)) };
                window.editor = attach(document.querySelector('[data-testid=skeleton-canvas]'), dotNet, {{JsonSerializer.Serialize(state)}});
                document.body.dataset.ready = 'true';
            </script>
        </body>
        </html>
        """;

    private static Task Serve(IRoute route, string html)
    {
        var path = new Uri(route.Request.Url).AbsolutePath;
        if (path == "/")
        {
            return route.FulfillAsync(new() { ContentType = "text/html", Body = html });
        }
        var file = path.StartsWith("/mudblazor/", StringComparison.Ordinal)
            ? Path.Combine(MudBlazorAssets(), path["/mudblazor/".Length..])
            : Path.Combine(WebRoot(), path.TrimStart('/'));
        if (!File.Exists(file))
        {
            return route.FulfillAsync(new() { Status = 404 });
        }
        var type = Path.GetExtension(file) switch
        {
            ".js" => "text/javascript",
            ".css" => "text/css",
            _ => "application/octet-stream",
        };
        return route.FulfillAsync(new() { ContentType = type, BodyBytes = File.ReadAllBytes(file) });
    }

    private static string WebRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            var root = Path.Combine(dir.FullName, "Annotator.Web", "wwwroot");
            if (Directory.Exists(root))
            {
                return root;
            }
        }
        throw new DirectoryNotFoundException("Annotator.Web/wwwroot not found above the test output.");
    }

    /// <summary>MudBlazor's static files, in its NuGet package (without them the page is unstyled, the test unchanged).</summary>
    private static string MudBlazorAssets()
    {
        var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
            ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
        var version = typeof(MudButton).Assembly.GetName().Version!;
        return Path.Combine(packages, "mudblazor", $"{version.Major}.{version.Minor}.{version.Build}", "staticwebassets");
    }

    /// <summary>bUnit's markup carries the renderer's bookkeeping (event handler ids, element references) as attributes.</summary>
    private static string WithoutBlazorAttributes(string markup) => BlazorAttribute().Replace(markup, "");

    [GeneratedRegex("""\sblazor:[^\s=>]+(="[^"]*")?""")]
    private static partial Regex BlazorAttribute();
}
