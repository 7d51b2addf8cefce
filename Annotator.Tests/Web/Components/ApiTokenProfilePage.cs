using System.Security.Claims;
using Annotator.Core.Accounts;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Accounts;
using Annotator.Web.Components.Pages.Account;
using Annotator.Web.Data;
using Bunit;
using Microsoft.AspNetCore.Components;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Annotator.Tests.Web.Components;

/// <summary>
/// The profile page's API tokens, rendered with bUnit on a real SQLite database (the app's own token service): a
/// token is made and its secret shown once, listed, and revoked after confirming.
/// </summary>
public sealed class ApiTokenProfilePage : BunitContext, IClassFixture<SqliteApp>
{
    private readonly AnnotatorFactory _app;

    public ApiTokenProfilePage(SqliteApp fixture)
    {
        _app = fixture.App;
        this.AddTestServices();
        Services.AddSingleton(_app.Services.GetRequiredService<ApiTokenService>());
        Services.AddSingleton(_app.Services.GetRequiredService<IDbContextFactory<AnnotatorDbContext>>());
        Services.AddSingleton(TimeProvider.System);
    }

    private async Task<AppUser> SignedInAsync()
    {
        var user = await _app.CreateUserAsync($"profile-{Guid.NewGuid():N}@example.com");
        AddAuthorization().SetAuthorized(user.Email!).SetRoles(AppRoles.Labeler).SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id));
        return user;
    }

    private IRenderedComponent<ContainerFragment> RenderPage() => Render<ContainerFragment>(p => p.AddChildContent(b =>
    {
        b.OpenComponent<MudPopoverProvider>(0);
        b.CloseComponent();
        b.OpenComponent<MudDialogProvider>(1);
        b.CloseComponent();
        b.OpenComponent<Profile>(2);
        b.CloseComponent();
    }));

    [Fact]
    public async Task CreatesATokenShowsItsSecretOnceListsItAndRevokesIt()
    {
        var user = await SignedInAsync();
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Contains("No tokens yet.", page.Find("[data-testid=tokens]").TextContent));

        page.Find("input[data-testid=token-name]").Change("nightly import");
        // A MudTextField hands its value on asynchronously: create only once the page has it.
        page.WaitForAssertion(() => Assert.Equal("nightly import", page.Find("input[data-testid=token-name]").GetAttribute("value")));
        page.Find("button[data-testid=token-create]").Click();

        page.WaitForAssertion(() => Assert.StartsWith("ann_", page.Find("input[data-testid=token-secret]").GetAttribute("value")));
        var secret = page.Find("input[data-testid=token-secret]").GetAttribute("value")!;
        var row = page.Find("[data-testid=token-row]");
        Assert.Contains("nightly import", row.TextContent);
        Assert.Contains(secret[..17], row.TextContent);
        Assert.DoesNotContain(secret, row.TextContent);
        Assert.Equal("Active", page.Find("[data-testid=token-status]").TextContent.Trim());
        Assert.True((await _app.Services.GetRequiredService<ApiTokenService>().ValidateAsync(secret)).Ok);

        // Shown once: the page opened again lists the token but not its secret.
        await DisposeComponentsAsync();
        var again = RenderPage();
        again.WaitForAssertion(() => Assert.Single(again.FindAll("[data-testid=token-row]")));
        Assert.Empty(again.FindAll("input[data-testid=token-secret]"));
        Assert.DoesNotContain(secret, again.Markup);

        again.Find("button[data-testid=token-revoke]").Click();
        again.WaitForAssertion(() => Assert.Single(again.FindAll(".mud-dialog")));
        again.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Revoke").Click();

        again.WaitForAssertion(() => Assert.Equal("Revoked", again.Find("[data-testid=token-status]").TextContent.Trim()));
        Assert.Empty(again.FindAll("button[data-testid=token-revoke]"));
        Assert.Contains("revoked", (await _app.Services.GetRequiredService<ApiTokenService>().ValidateAsync(secret)).Error);
        await using var db = await _app.NewDbContextAsync();
        Assert.NotNull((await db.ApiTokens.SingleAsync(t => t.UserId == user.Id)).RevokedAt);
    }

    [Fact]
    public async Task ANamelessTokenIsRefusedWithTheReason()
    {
        var user = await SignedInAsync();
        var page = RenderPage();
        page.WaitForAssertion(() => Assert.Contains("No tokens yet.", page.Find("[data-testid=tokens]").TextContent));

        page.Find("button[data-testid=token-create]").Click();

        page.WaitForAssertion(() => Assert.Contains("Token name is required.", page.Find("[data-testid=token-error]").TextContent));
        Assert.Empty(page.FindAll("input[data-testid=token-secret]"));
        await using var db = await _app.NewDbContextAsync();
        Assert.False(await db.ApiTokens.AnyAsync(t => t.UserId == user.Id));
    }

    /// <summary>Renders its child content: the page together with the providers the layout would give it.</summary>
    public sealed class ContainerFragment : ComponentBase
    {
        [Parameter, EditorRequired]
        public required RenderFragment ChildContent { get; set; }

        protected override void BuildRenderTree(Microsoft.AspNetCore.Components.Rendering.RenderTreeBuilder builder) =>
            builder.AddContent(0, ChildContent);
    }
}
