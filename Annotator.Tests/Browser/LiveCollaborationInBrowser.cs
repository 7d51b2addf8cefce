using System.Text.Json;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>
/// Two people in two Chromium contexts on one image of the real app: each sees the other's edits without a reload,
/// a deletion of what one of them is editing can be undone on the spot, edits made while the connection is down are
/// kept and sent when it is back — also after the server forgot the session (circuit retention) and the page reloads.
/// </summary>
public sealed class LiveCollaborationInBrowser(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    private sealed record World(AnnotatorFactory App, BrowserPage Ada, BrowserPage Grace, int Project, int Image, string AdaId)
        : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await Ada.DisposeAsync();
            await Grace.DisposeAsync();
            await App.DisposeAsync();
        }
    }

    private async Task<World> OpenAsync(int retentionSeconds = 180)
    {
        TestEnvironment.RequireChromium();
        var app = new AnnotatorFactory(TestDatabase.Sqlite)
            .With("Annotator:Live:CircuitRetentionSeconds", retentionSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture))
            .With("Annotator:Live:SessionCheckSeconds", "1")
            .UseKestrelOnLoopback();
        var admin = await app.CreateUserAsync("admin@example.com", AppRoles.Admin);
        var ada = await app.CreateUserAsync("ada@example.com", AppRoles.Labeler);
        var grace = await app.CreateUserAsync("grace@example.com", AppRoles.Labeler);
        var project = await app.CreateProjectAsync("Together", admin.Id, (ada.Id, ProjectRole.Labeler), (grace.Id, ProjectRole.Labeler));
        var image = await app.AddImageAsync(project, admin.Id, Fixtures.Good("coffee.png"));
        var adaPage = await chromium.NewPageAsync(app.ServerAddress);
        var gracePage = await chromium.NewPageAsync(app.ServerAddress);
        await SignInWithCookieAsync(adaPage.Page, "ada@example.com");
        await SignInWithCookieAsync(gracePage.Page, "grace@example.com");
        var world = new World(app, adaPage, gracePage, project, image, ada.Id);
        await OpenImageAsync(world, adaPage.Page);
        await OpenImageAsync(world, gracePage.Page);
        return world;
    }

    private static async Task OpenImageAsync(World world, IPage page)
    {
        await page.GotoAsync($"/projects/{world.Project}/images/{world.Image}");
        await Expect(page.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await Expect(page.Locator("[data-interactive=true]")).ToHaveCountAsync(1);
    }

    private static async Task SettledAsync(IPage page, int count)
    {
        await Expect(page.GetByTestId("region-count")).ToHaveTextAsync(count.ToString(System.Globalization.CultureInfo.InvariantCulture));
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
    }

    /// <summary>The regions the canvas shows, as comparable JSON (id, label, geometry, revision), ordered by id.</summary>
    private static Task<string> CanvasAsync(IPage page) => page.EvaluateAsync<string>(
        "() => JSON.stringify(window.annotatorWorkspace.regions().map(r => [r.id, r.labelId, r.geometry, r.revision]).sort())");

    private static async Task<int> StoredCountAsync(World world)
    {
        await using var db = await world.App.NewDbContextAsync();
        var sets = db.AnnotationSets.Where(s => s.ImageId == world.Image).Select(s => s.Id);
        return await db.Regions.CountAsync(r => sets.Contains(r.AnnotationSetId) && !r.IsDeleted);
    }

    /// <summary>Cuts the tab off the server: the circuit's connection is closed and reconnecting is blocked.</summary>
    private static async Task GoOfflineAsync(IPage page)
    {
        await page.RouteAsync("**/_blazor/**", route => route.AbortAsync());
        await page.EvaluateAsync("() => Blazor._internal.forceCloseConnection()");
        await Expect(page.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "offline");
        await Expect(page.GetByTestId("reconnect-banner")).ToBeVisibleAsync();
    }

    private static async Task GoOnlineAsync(IPage page)
    {
        await page.UnrouteAllAsync(new PageUnrouteAllOptions { Behavior = UnrouteBehavior.IgnoreErrors });
        // What "Retry now" does; Blazor also retries by itself, on a backoff.
        await page.EvaluateAsync("() => { const b = document.getElementById('components-reconnect-button'); if (b && getComputedStyle(b).display !== 'none') b.click(); }");
    }

    [Fact]
    public async Task EachSeesTheOthersEditsWithoutAReloadAndADeletionCanBeRestored()
    {
        await using var world = await OpenAsync();
        var (ada, grace) = (world.Ada.Page, world.Grace.Page);

        await ada.Keyboard.PressAsync("b");
        await DragAsync(ada, (100, 80), (300, 200));
        await SettledAsync(ada, 1);
        await SettledAsync(grace, 1);
        Assert.Equal(await CanvasAsync(ada), await CanvasAsync(grace));

        // Grace moves it; Ada's canvas follows.
        await grace.Keyboard.PressAsync("v");
        await DragAsync(grace, (200, 140), (260, 180));
        await Expect(grace.GetByTestId("save-status")).ToHaveAttributeAsync("data-state", "saved");
        await ada.WaitForFunctionAsync("() => window.annotatorWorkspace.regions()[0]?.revision === 2");
        Assert.Equal(await CanvasAsync(grace), await CanvasAsync(ada));
        var moved = JsonDocument.Parse(await CanvasAsync(ada)).RootElement[0][2];
        Assert.InRange(moved.GetProperty("x").GetDouble(), 150, 170);

        // Ada has it selected; Grace deletes it: Ada is told, and restores it.
        await ada.Keyboard.PressAsync("v");
        await ClickAtAsync(ada, 250, 200);
        await ada.WaitForFunctionAsync("() => window.annotatorWorkspace.metrics().selected.length === 1");
        await grace.Keyboard.PressAsync("Delete");
        await SettledAsync(grace, 0);
        await Expect(ada.GetByTestId("region-count")).ToHaveTextAsync("0");
        var restore = ada.Locator(".ws-toast", new() { HasText = "deleted the region you were editing" }).GetByRole(AriaRole.Button, new() { Name = "Restore" });
        await restore.ClickAsync();
        await SettledAsync(ada, 1);
        await SettledAsync(grace, 1);
        Assert.Equal(await CanvasAsync(ada), await CanvasAsync(grace));
        Assert.Equal(1, await StoredCountAsync(world));
        world.Ada.AssertNoErrors();
        world.Grace.AssertNoErrors();
    }

    [Fact]
    public async Task EditsMadeWhileOfflineAreKeptAndSentWhenTheConnectionIsBack()
    {
        await using var world = await OpenAsync();
        var (ada, grace) = (world.Ada.Page, world.Grace.Page);

        await GoOfflineAsync(ada);
        await ada.Keyboard.PressAsync("b");
        await DragAsync(ada, (100, 80), (300, 200));
        await DragAsync(ada, (350, 80), (450, 200));
        await Expect(ada.GetByTestId("save-status")).ToHaveTextAsync("Offline: 2 changes kept here");
        await Expect(ada.GetByTestId("reconnect-safety")).ToContainTextAsync("2 changes kept in this browser");
        // Meanwhile Grace, online, draws too.
        await grace.Keyboard.PressAsync("b");
        await DragAsync(grace, (100, 300), (200, 400));
        await SettledAsync(grace, 1);
        Assert.Equal(1, await StoredCountAsync(world));

        await GoOnlineAsync(ada);
        await SettledAsync(ada, 3);
        await SettledAsync(grace, 3);
        await Expect(ada.GetByTestId("reconnect-banner")).ToBeHiddenAsync();
        Assert.Equal(3, await StoredCountAsync(world));
        Assert.Equal(await CanvasAsync(ada), await CanvasAsync(grace));
    }

    [Fact]
    public async Task AfterTheServerForgotTheSessionThePageReloadsAndSendsWhatWasKept()
    {
        await using var world = await OpenAsync(retentionSeconds: 1);
        var ada = world.Ada.Page;

        await ada.Keyboard.PressAsync("b");
        await DragAsync(ada, (100, 80), (300, 200));
        await SettledAsync(ada, 1);
        await GoOfflineAsync(ada);
        await ada.Keyboard.PressAsync("v");
        await DragAsync(ada, (200, 140), (240, 160));
        await ada.Keyboard.PressAsync("b");
        await DragAsync(ada, (350, 80), (450, 200));
        await Expect(ada.GetByTestId("save-status")).ToHaveTextAsync("Offline: 2 changes kept here");
        await Task.Delay(2500); // longer than the circuit retention: the server drops the session

        await GoOnlineAsync(ada);
        await ada.WaitForURLAsync($"**/projects/{world.Project}/images/{world.Image}");
        await Expect(ada.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await SettledAsync(ada, 2);
        Assert.Equal(2, await StoredCountAsync(world));
        await using var db = await world.App.NewDbContextAsync();
        var movedBox = await db.Regions.AsNoTracking().Where(r => r.Revision == 2).SingleAsync();
        Assert.Contains("\"x\":140", movedBox.Geometry, StringComparison.Ordinal);
        await SettledAsync(world.Grace.Page, 2);
    }

    [Fact]
    public async Task WhenTheUserIsRemovedFromTheProjectFurtherEditsAreRefusedAndNothingSavedIsLost()
    {
        await using var world = await OpenAsync();
        var ada = world.Ada.Page;
        await ada.Keyboard.PressAsync("b");
        await DragAsync(ada, (100, 80), (300, 200));
        await SettledAsync(ada, 1);

        await using (var db = await world.App.NewDbContextAsync())
        {
            var project = await db.Projects.Include(p => p.Members).SingleAsync(p => p.Id == world.Project);
            project.RemoveMember(world.AdaId);
            await db.SaveChangesAsync();
        }
        await DragAsync(ada, (350, 80), (450, 200));

        await Expect(ada.Locator(".ws-toast-error").Last).ToContainTextAsync("not a member of its project");
        await SettledAsync(ada, 1);
        Assert.Equal(1, await StoredCountAsync(world));
    }

    [Fact]
    public async Task WhenTheSessionEndsMidEditTheUserIsToldWhyAndComesBackToTheirSavedWork()
    {
        await using var world = await OpenAsync();
        var ada = world.Ada.Page;
        await ada.Keyboard.PressAsync("b");
        await DragAsync(ada, (100, 80), (300, 200));
        await SettledAsync(ada, 1);

        // Signed out everywhere (as a password change or "sign out other sessions" does).
        using (var scope = world.App.Services.CreateScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<Microsoft.AspNetCore.Identity.UserManager<Annotator.Web.Data.AppUser>>();
            await users.UpdateSecurityStampAsync((await users.FindByIdAsync(world.AdaId))!);
        }

        await Expect(ada.GetByTestId("session-ended")).ToBeVisibleAsync();
        await ada.Locator("#email").FillAsync("ada@example.com");
        await ada.Locator("#password").FillAsync(AnnotatorFactory.Password);
        await ada.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await ada.WaitForURLAsync($"**/projects/{world.Project}/images/{world.Image}");
        await Expect(ada.Locator("[data-testid=canvas][data-ready=true]")).ToHaveCountAsync(1);
        await SettledAsync(ada, 1);
        Assert.Equal(1, await StoredCountAsync(world));
    }
}
