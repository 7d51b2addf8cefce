using System.Security.Claims;
using Annotator.Core.Accounts;
using Annotator.Web.Components.Shared;
using Annotator.Web.Data;
using Annotator.Web.Feed;
using Annotator.Web.Projects;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor;

namespace Annotator.Tests.Web.Components;

/// <summary>The dialog behind "New project", up to the point where it would save.</summary>
public sealed class CreateProjectDialogComponent : BunitContext
{
    public CreateProjectDialogComponent()
    {
        this.AddTestServices();
        Services.AddSingleton<IDbContextFactory<AnnotatorDbContext>, NoDatabase>();
        Services.AddSingleton(TimeProvider.System);
        Services.AddSingleton<ProjectAccess>();
        Services.AddSingleton<IFeed, InProcessFeed>();
        Services.AddScoped<ProjectService>();
        AddAuthorization().SetAuthorized("Ada").SetRoles(AppRoles.Admin).SetClaims(new Claim(ClaimTypes.NameIdentifier, "admin-1"));
    }

    private async Task<(IRenderedComponent<MudDialogProvider> Provider, IDialogReference Dialog)> OpenAsync()
    {
        var provider = Render<MudDialogProvider>();
        var dialogs = Services.GetRequiredService<IDialogService>();
        var dialog = await provider.InvokeAsync(() => dialogs.ShowAsync<CreateProjectDialog>("New project"));
        return (provider, dialog);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    public async Task ExplainsAMissingNameAndStaysOpen(string name)
    {
        var (provider, dialog) = await OpenAsync();

        provider.Find("input[data-testid=project-name]").Change(name);
        provider.Find("[data-testid=create-project]").Click();

        Assert.Contains("Project name is required.", provider.Find(".mud-alert").TextContent);
        Assert.False(dialog.Result.IsCompleted);
        Assert.Single(provider.FindAll(".mud-dialog"));
    }

    [Fact]
    public async Task CancelClosesWithoutAResult()
    {
        var (provider, dialog) = await OpenAsync();

        provider.FindAll("button").Single(b => b.TextContent.Trim() == "Cancel").Click();

        var result = await dialog.Result.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(result!.Canceled);
        Assert.Empty(provider.FindAll(".mud-dialog"));
    }
}
