using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>What a person does in the browser, step by step, shared by the browser tests.</summary>
internal static partial class BrowserSteps
{
    /// <summary>The first admin's password in the browser tests (strong enough for the app's rules).</summary>
    public const string AdminPassword = "correct horse battery staple";

    /// <summary>Fills and submits the setup form.</summary>
    public static async Task SubmitSetupAsync(IPage page, string email, string name, string password, string? confirm = null)
    {
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#name").FillAsync(name);
        await page.Locator("#password").FillAsync(password);
        await page.Locator("#confirm").FillAsync(confirm ?? password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create administrator" }).ClickAsync();
    }

    /// <summary>Opens the fresh app, is sent to /setup, creates the first admin and lands on the project list.</summary>
    public static async Task CompleteSetupAsync(IPage page, string email = "ada@example.com", string name = "Ada Lovelace")
    {
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(EndsWith("/setup"));
        await SubmitSetupAsync(page, email, name, AdminPassword);
        await Expect(page).ToHaveURLAsync(EndsWith("/"));
        await Expect(page.GetByRole(AriaRole.Heading, new() { Name = "Projects", Exact = true })).ToBeVisibleAsync();
    }

    /// <summary>Signs in through the sign-in form and lands on the project list.</summary>
    public static async Task SignInAsync(IPage page, string email, string password)
    {
        await page.GotoAsync("/account/login");
        await page.Locator("#email").FillAsync(email);
        await page.Locator("#password").FillAsync(password);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(EndsWith("/"));
    }

    /// <summary>
    /// Signs in by posting the real sign-in form from the page's browser context, so the browser holds the session
    /// cookie, without rendering the form and the project list it lands on: for tests about what comes after. Tests of
    /// signing in itself use <see cref="SignInAsync"/>.
    /// </summary>
    public static async Task SignInWithCookieAsync(IPage page, string email, string password = Infrastructure.AnnotatorFactory.Password)
    {
        var request = page.Context.APIRequest;
        var login = await request.GetAsync("/account/login");
        var form = request.CreateFormData();
        foreach (var (name, value) in Infrastructure.AnnotatorFactory.FormFields(await login.TextAsync(), "/account/login"))
        {
            form.Set(name, value);
        }
        form.Set("Input.Email", email);
        form.Set("Input.Password", password);
        var response = await request.PostAsync("/account/login", new() { Form = form, MaxRedirects = 0 });
        // A refused sign-in shows the form again (200); a good one goes on to the app.
        var location = response.Headers.GetValueOrDefault("location") ?? "";
        Assert.True(response.Status == 302 && !location.Contains("/account/", StringComparison.Ordinal),
            $"Sign-in of {email} answered {response.Status} {location}.");
    }

    /// <summary>
    /// Waits until the project list is interactive: its controls are prerendered disabled and enabled once the
    /// circuit is up, so clicks before that cannot get lost.
    /// </summary>
    public static async Task WaitForProjectListAsync(IPage page) =>
        await Expect(page.Locator("[data-testid=show-archived] input, input[data-testid=show-archived]")).ToBeEnabledAsync();

    /// <summary>Navigates inside the running circuit, as a click on a link does (no new HTTP request for the page).</summary>
    public static async Task NavigateInAppAsync(IPage page, string path) =>
        await page.EvaluateAsync("path => Blazor.navigateTo(path)", path);

    /// <summary>Matches a URL ending in <paramref name="path"/> (optionally followed by a query).</summary>
    public static Regex EndsWith(string path) => new($"^https?://[^/]+{Regex.Escape(path)}(\\?.*)?$");

    /// <summary>Matches the URL of a project page and captures its id.</summary>
    [GeneratedRegex(@"/projects/(\d+)$")]
    public static partial Regex ProjectUrl();

    /// <summary>Scrolls every thumbnail into view (they load lazily) and returns their natural widths once all settled.</summary>
    public static async Task<int[]> ThumbnailWidthsAsync(IPage page)
    {
        var tiles = page.GetByTestId("image-tile");
        for (var i = 0; i < await tiles.CountAsync(); i++)
        {
            await tiles.Nth(i).ScrollIntoViewIfNeededAsync();
        }
        await page.WaitForFunctionAsync("() => [...document.querySelectorAll('[data-testid=image-tile] img')].every(img => img.complete)",
            null, new() { Timeout = Infrastructure.ChromiumFixture.Timeout });
        return await page.Locator("[data-testid=image-tile] img").EvaluateAllAsync<int[]>("imgs => imgs.map(img => img.naturalWidth)");
    }

    /// <summary>Where image pixel (x, y) of the open workspace is on the page.</summary>
    public static async Task<(float X, float Y)> ClientAsync(IPage page, double x, double y)
    {
        var point = await page.EvaluateAsync<double[]>("([x, y]) => { const p = window.annotatorWorkspace.imageToClient(x, y); return [p.x, p.y]; }",
            new[] { x, y });
        return ((float)point[0], (float)point[1]);
    }

    /// <summary>Moves the mouse to image pixel (x, y).</summary>
    public static async Task MoveToAsync(IPage page, double x, double y, int steps = 1)
    {
        var (cx, cy) = await ClientAsync(page, x, y);
        await page.Mouse.MoveAsync(cx, cy, new() { Steps = steps });
    }

    /// <summary>Drags with the left button from one image pixel to another.</summary>
    public static async Task DragAsync(IPage page, (double X, double Y) from, (double X, double Y) to)
    {
        await MoveToAsync(page, from.X, from.Y);
        await page.Mouse.DownAsync();
        await MoveToAsync(page, to.X, to.Y, steps: 8);
        await page.Mouse.UpAsync();
    }

    /// <summary>Clicks image pixel (x, y).</summary>
    public static async Task ClickAtAsync(IPage page, double x, double y)
    {
        var (cx, cy) = await ClientAsync(page, x, y);
        await page.Mouse.ClickAsync(cx, cy);
    }
}
