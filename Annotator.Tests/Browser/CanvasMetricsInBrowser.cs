using System.Text.Json;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>
/// What <c>window.annotatorWorkspace.metrics()</c> reports beside the annotation layer, in Debian's Chromium: the image
/// layer's draws, when the view became sharp again after a zoom, and the long animation frames the browser saw (whole
/// frames, rendering included, which per-layer timings miss).
/// </summary>
public sealed class CanvasMetricsInBrowser(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task AZoomIsReportedSharpAgainWithTheImageLayerAndALongFrameShowsUp()
    {
        TestEnvironment.RequireChromium();
        await using var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        var labeler = await app.CreateUserAsync("lee@example.com", AppRoles.Labeler);
        var project = await app.CreateProjectAsync("Metrics", admin.Id, (labeler.Id, ProjectRole.Labeler));
        var image = await app.AddImageAsync(project, admin.Id, Fixtures.Good("coffee.png"));
        await using var browser = await chromium.NewPageAsync(app.ServerAddress);
        var page = browser.Page;
        await SignInWithCookieAsync(page, "lee@example.com");
        await page.GotoAsync($"/projects/{project}/images/{image}");
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);

        var before = await page.EvaluateAsync<int>("() => window.annotatorWorkspace.metrics().sharpCount");
        await page.EvaluateAsync("""
            () => {
              const host = document.querySelector('[data-testid=canvas]');
              const box = host.getBoundingClientRect();
              host.dispatchEvent(new WheelEvent('wheel', { deltaY: -120, deltaMode: 0, clientX: box.left + box.width / 2,
                clientY: box.top + box.height / 2, bubbles: true, cancelable: true }));
            }
            """);
        await page.WaitForFunctionAsync($"() => window.annotatorWorkspace.metrics().sharpCount > {before}");
        // A frame whose script blocks for 120 ms: the Long Animation Frames API reports it.
        await page.EvaluateAsync("() => new Promise((done) => requestAnimationFrame(() => { const t = performance.now(); while (performance.now() - t < 120) { } setTimeout(done, 0); }))");
        await page.WaitForFunctionAsync("() => window.annotatorWorkspace.metrics().longFrames.some((f) => f.duration >= 120)");

        using var metrics = JsonDocument.Parse(await page.EvaluateAsync<string>("() => JSON.stringify(window.annotatorWorkspace.metrics())"));
        var m = metrics.RootElement;
        Assert.True(m.GetProperty("imageFrames").GetArrayLength() >= 2, "The image layer's draws (the first and the one after the zoom) are listed.");
        Assert.True(m.GetProperty("lastSharpMs").GetDouble() > 0);
        Assert.True(m.GetProperty("sharp").GetArrayLength() >= 1);
        var longest = m.GetProperty("longFrames").EnumerateArray().MaxBy(f => f.GetProperty("duration").GetDouble());
        Assert.True(longest.GetProperty("duration").GetDouble() >= 120, longest.ToString());
        Assert.True(longest.GetProperty("blockingMs").GetDouble() > 0, longest.ToString());
    }
}
