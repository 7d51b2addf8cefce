using System.Collections.Concurrent;
using Microsoft.Playwright;

namespace Annotator.Tests.Infrastructure;

/// <summary>
/// One headless Chromium per test class, launched on first use (so a machine without Chromium skips the class test by
/// test, as <see cref="AppFixture"/> does for PostgreSQL). Each test gets its own browser context: no shared cookies.
/// </summary>
public sealed class ChromiumFixture : IAsyncDisposable
{
    /// <summary>Longest wait for anything in the browser, in milliseconds.</summary>
    public const float Timeout = 30_000;

    /// <summary><see cref="Timeout"/> as the patience of an <see cref="Eventually"/> wait in a browser test.</summary>
    public static TimeSpan Patience { get; } = TimeSpan.FromMilliseconds(Timeout);

    private static readonly string[] Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update", "--disable-sync",
        "--no-first-run",
    ];

    private readonly SemaphoreSlim _gate = new(1, 1);
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>
    /// A new page in a new context, with <paramref name="app"/>'s address as base URL; <paramref name="colorScheme"/>
    /// emulates the system's light or dark setting (prefers-color-scheme; light when not given).
    /// </summary>
    public async Task<BrowserPage> NewPageAsync(Uri app, int width = 1366, int height = 850, ColorScheme? colorScheme = null)
    {
        var browser = await BrowserAsync();
        var context = await browser.NewContextAsync(new BrowserNewContextOptions
        {
            BaseURL = app.ToString(),
            ViewportSize = new ViewportSize { Width = width, Height = height },
            Locale = "en-US",
            ColorScheme = colorScheme ?? ColorScheme.Light,
        });
        context.SetDefaultTimeout(Timeout);
        context.SetDefaultNavigationTimeout(Timeout);
        return new BrowserPage(context, await context.NewPageAsync());
    }

    private async Task<IBrowser> BrowserAsync()
    {
        TestEnvironment.RequireChromium();
        await _gate.WaitAsync();
        try
        {
            if (_browser is null)
            {
                Assertions.SetDefaultExpectTimeout(Timeout);
                _playwright = await Playwright.CreateAsync();
                _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
                {
                    ExecutablePath = TestEnvironment.ChromiumPath,
                    Headless = true,
                    Args = Args,
                    Timeout = Timeout,
                });
            }
            return _browser;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.DisposeAsync();
        }
        _playwright?.Dispose();
        _gate.Dispose();
    }
}

/// <summary>A page in its own browser context; collects script and console errors so a test can check for them.</summary>
public sealed class BrowserPage : IAsyncDisposable
{
    private readonly IBrowserContext _context;

    internal BrowserPage(IBrowserContext context, IPage page)
    {
        _context = context;
        Page = page;
        page.PageError += (_, error) => Errors.Enqueue("page error: " + error);
        page.Console += (_, message) =>
        {
            if (message.Type == "error")
            {
                Errors.Enqueue("console: " + message.Text);
            }
        };
    }

    /// <summary>The page.</summary>
    public IPage Page { get; }

    /// <summary>Uncaught script errors and console errors so far (events arrive on Playwright's thread).</summary>
    public ConcurrentQueue<string> Errors { get; } = [];

    /// <summary>Fails if a script threw or the console logged an error (a CSP refusal, a failed asset, ...).</summary>
    public void AssertNoErrors() => Assert.True(Errors.IsEmpty, "Errors in the browser:\n" + string.Join("\n", Errors));

    public async ValueTask DisposeAsync() => await _context.DisposeAsync();
}
