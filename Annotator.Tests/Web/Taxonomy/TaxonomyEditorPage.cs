using System.Security.Claims;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Annotator.Tests.Web.Components;
using Annotator.Web.Components.Pages.Projects;
using Annotator.Web.Taxonomy;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;
using MudBlazor;

namespace Annotator.Tests.Web.Taxonomy;

/// <summary>
/// The taxonomy editor page rendered with bUnit on the app's real <see cref="TaxonomyService"/> and an SQLite file: the
/// draft is edited in the page (with the model's problems shown and Save held back while there are any), undone, saved
/// as a draft version and discarded; a labeler gets it read-only.
/// </summary>
public sealed class TaxonomyEditorPage : BunitContext, IClassFixture<SqliteApp>
{
    private readonly AnnotatorFactory _app;

    public TaxonomyEditorPage(SqliteApp fixture)
    {
        _app = fixture.App;
        this.AddTestServices();
        Services.AddSingleton(_app.Services.GetRequiredService<TaxonomyService>());
        Services.AddSingleton(_app.Services.GetRequiredService<Annotator.Web.Guidelines.GuidelineAssetService>());
    }

    private async Task<int> ProjectAsync(string role)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var admin = await _app.CreateUserAsync($"admin-{tag}@example.com", AppRoles.Admin);
        var labeler = await _app.CreateUserAsync($"labeler-{tag}@example.com");
        var project = await _app.CreateProjectAsync("Taxonomy " + tag, admin.Id, (labeler.Id, ProjectRole.Labeler));
        var user = role == AppRoles.Admin ? admin : labeler;
        AddAuthorization().SetAuthorized(user.Email!).SetRoles(role).SetClaims(new Claim(ClaimTypes.NameIdentifier, user.Id));
        return project;
    }

    private IRenderedComponent<TaxonomyEditorComponents.Host> RenderPage(int project)
    {
        var page = Render<TaxonomyEditorComponents.Host>(p => p.AddChildContent(b =>
        {
            b.OpenComponent<MudPopoverProvider>(0);
            b.CloseComponent();
            b.OpenComponent<MudDialogProvider>(1);
            b.CloseComponent();
            b.OpenComponent<MudSnackbarProvider>(2);
            b.CloseComponent();
            b.OpenComponent<TaxonomyEditor>(3);
            b.AddComponentParameter(4, nameof(TaxonomyEditor.ProjectId), project);
            b.CloseComponent();
        }));
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll("[data-testid=label-tree]")));
        return page;
    }

    private static string Status(IRenderedComponent<TaxonomyEditorComponents.Host> page) => page.Find("[data-testid=editor-status]").TextContent;

    [Fact]
    public async Task EditsShowTheModelsProblemsUndoAndSaveAsADraftVersion()
    {
        var project = await ProjectAsync(AppRoles.Admin);
        var page = RenderPage(project);
        Assert.Equal("Version 1 is published · edits start a draft", Status(page));
        Assert.True(page.Find("[data-testid=save-draft]").HasAttribute("disabled"));
        Assert.Equal(["person", "animal", "vehicle"], page.FindAll("[role=treeitem] .name").Select(n => n.TextContent));

        page.Find("[data-testid=add-label]").Click();
        Assert.Equal("Unsaved changes", Status(page));
        Assert.Equal("New label", page.Find("input[data-testid=label-name]").GetAttribute("value"));
        page.Find("input[data-testid=label-name]").Change("animal");

        // The model's sentence, and no saving until it is fixed.
        page.WaitForAssertion(() => Assert.Contains("Two labels at the top level are named 'animal'; names must differ among siblings.",
            page.Find("[data-testid=validation-problems]").TextContent));
        Assert.True(page.Find("[data-testid=save-draft]").HasAttribute("disabled"));

        page.Find("[data-testid=undo]").Click();
        Assert.Empty(page.FindAll("[data-testid=validation-problems]"));
        Assert.Single(page.FindAll("[data-testid='label-row-New label']"));
        page.Find("[data-testid=redo]").Click();
        Assert.Single(page.FindAll("[data-testid=validation-problems]"));
        page.Find("input[data-testid=label-name]").Change("bicycle");
        // The text field hands its value on asynchronously (as with 'animal' above).
        page.WaitForAssertion(() => Assert.Empty(page.FindAll("[data-testid=validation-problems]")));
        Assert.False(page.Find("[data-testid=save-draft]").HasAttribute("disabled"));
        Assert.True(page.Find("[data-testid=publish]").HasAttribute("disabled"));

        page.Find("[data-testid=save-draft]").Click();

        page.WaitForAssertion(() => Assert.Equal("Draft of version 2 · saved", Status(page)));
        Assert.False(page.Find("[data-testid=publish]").HasAttribute("disabled"));
        await using (var db = await _app.NewDbContextAsync())
        {
            var draft = await db.TaxonomyVersions.SingleAsync(v => v.ProjectId == project && v.PublishedAt == null);
            Assert.Equal(2, draft.Number);
            Assert.Contains(draft.Definition.Labels, l => l.Name == "bicycle");
        }

        // Undo after saving makes the page dirty again; discarding throws the saved draft away.
        page.Find("[data-testid=undo]").Click();
        Assert.Equal("Unsaved changes", Status(page));
        page.Find("[data-testid=discard-draft]").Click();
        page.WaitForAssertion(() => Assert.NotEmpty(page.FindAll(".mud-message-box, .mud-dialog")));
        page.FindAll(".mud-dialog button").Single(b => b.TextContent.Trim() == "Discard").Click();
        page.WaitForAssertion(() => Assert.Equal("Version 1 is published · edits start a draft", Status(page)));
        Assert.Equal(["person", "animal", "vehicle"], page.FindAll("[role=treeitem] .name").Select(n => n.TextContent));
        await using (var db = await _app.NewDbContextAsync())
        {
            Assert.False(await db.TaxonomyVersions.AnyAsync(v => v.ProjectId == project && v.PublishedAt == null));
        }
    }

    [Fact]
    public async Task AMoveThatMakesACycleIsRefusedAndChangesNothing()
    {
        var project = await ProjectAsync(AppRoles.Admin);
        var page = RenderPage(project);
        page.Find("[data-testid=label-row-animal]").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "ArrowRight", CtrlKey = true });
        Assert.Equal("2", page.Find("[data-testid=label-row-animal]").GetAttribute("aria-level"));

        page.Find("[data-testid=label-row-person]").TriggerEvent("ondragstart", new Microsoft.AspNetCore.Components.Web.DragEventArgs());
        page.Find("[data-testid=label-row-animal]").TriggerEvent("ondrop", new Microsoft.AspNetCore.Components.Web.DragEventArgs { OffsetY = 18 });

        page.WaitForAssertion(() => Assert.Contains("'person' cannot go under 'animal', which is inside it: that would make a cycle.",
            page.Find(".mud-snackbar").TextContent));
        Assert.Equal("1", page.Find("[data-testid=label-row-person]").GetAttribute("aria-level"));
        Assert.Equal("2", page.Find("[data-testid=label-row-animal]").GetAttribute("aria-level"));
    }

    [Fact]
    public async Task AnImportedFileReplacesTheDraftAfterAPreviewAndUndoTakesItBack()
    {
        var project = await ProjectAsync(AppRoles.Admin);
        var page = RenderPage(project);

        page.Find("[data-testid=import-open]").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=import-dialog]")));
        page.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>().UploadFiles(
            InputFileContent.CreateFromText(await File.ReadAllTextAsync(Fixtures.PathOf("taxonomy/cvat-labels.json")), "cvat-labels.json"));
        page.WaitForAssertion(() => Assert.Contains("The file gives", page.Find("[data-testid=import-summary]").TextContent), TimeSpan.FromSeconds(10));
        Assert.Equal("Version 1 is published · edits start a draft", Status(page));
        page.Find("[data-testid=import-confirm]").Click();

        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=label-row-car]")));
        Assert.Equal("Unsaved changes", Status(page));
        page.Find("[data-testid=undo]").Click();
        Assert.Empty(page.FindAll("[data-testid=label-row-car]"));
        Assert.Equal(["person", "animal", "vehicle"], page.FindAll("[role=treeitem] .name").Select(n => n.TextContent));
    }

    [Fact]
    public async Task AFileThatCannotBeReadIsRefusedWithTheReasonAndChangesNothing()
    {
        var project = await ProjectAsync(AppRoles.Admin);
        var page = RenderPage(project);

        page.Find("[data-testid=import-open]").Click();
        page.WaitForAssertion(() => Assert.Single(page.FindAll("[data-testid=import-dialog]")));
        page.FindComponent<Microsoft.AspNetCore.Components.Forms.InputFile>().UploadFiles(
            InputFileContent.CreateFromText(await File.ReadAllTextAsync(Fixtures.PathOf("taxonomy/xxe.xml")), "xxe.xml"));

        page.WaitForAssertion(() => Assert.NotEmpty(page.Find("[data-testid=import-error]").TextContent), TimeSpan.FromSeconds(10));
        Assert.True(page.Find("[data-testid=import-confirm]").HasAttribute("disabled"));
        Assert.Equal("Version 1 is published · edits start a draft", Status(page));
    }

    [Fact]
    public async Task ALabelerSeesThePublishedTaxonomyReadOnly()
    {
        var project = await ProjectAsync(AppRoles.Labeler);
        var page = RenderPage(project);

        Assert.Equal("Version 1", Status(page));
        Assert.Single(page.FindAll("[data-testid=read-only]"));
        Assert.Empty(page.FindAll("[data-testid=add-label], [data-testid=save-draft], [data-testid=publish], [data-testid=delete-label]"));
        Assert.All(page.FindAll("[role=treeitem]"), row => Assert.Equal("false", row.GetAttribute("draggable")));
        Assert.True(page.Find("input[data-testid=label-name]").HasAttribute("readonly"));
        Assert.Empty(page.FindAll("[data-testid=import-open]"));
    }

    private const string KeysPath = "./js/taxonomy/editor-keys.js";

    [Fact]
    public async Task TheShortcutsAreReadyOnceAttachedAndDetachedWhenThePageGoes()
    {
        var project = await ProjectAsync(AppRoles.Admin);
        var js = new ScriptedJs();
        Services.AddSingleton<IJSRuntime>(js);
        var page = RenderPage(project);
        page.WaitForAssertion(() => Assert.Equal("ready", page.Find(".taxonomy-header").GetAttribute("data-keys")));

        await DisposeComponentsAsync();

        var module = js.Module(KeysPath);
        Assert.Equal(["attach", "released"], module.Events);
        Assert.Equal(["dispose", "released"], Assert.Single(module.Handles).Events);
    }

    [Fact]
    public async Task LeftBeforeTheShortcutsLoadedItAttachesNothing()
    {
        var project = await ProjectAsync(AppRoles.Admin);
        var js = new ScriptedJs();
        var import = js.HoldImport(KeysPath);
        Services.AddSingleton<IJSRuntime>(js);
        var page = RenderPage(project);
        Assert.Equal("loading", page.Find(".taxonomy-header").GetAttribute("data-keys"));
        await DisposeComponentsAsync();

        var module = js.Module(KeysPath);
        import.SetResult(module);

        // Attaching then would leave a document-wide key listener calling a disposed reference.
        await module.Released.Task.WaitAsync(TimeSpan.FromSeconds(5), Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(["released"], module.Events);
    }

    [Fact]
    public async Task LeftWhileTheShortcutsAttachedTheyAreDetachedWhenTheyAnswer()
    {
        var project = await ProjectAsync(AppRoles.Admin);
        var js = new ScriptedJs();
        var module = js.Module(KeysPath);
        var attach = module.Hold("attach");
        Services.AddSingleton<IJSRuntime>(js);
        RenderPage(project);
        await DisposeComponentsAsync();

        attach.SetResult();

        await module.Released.Task.WaitAsync(TimeSpan.FromSeconds(5), Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(["dispose", "released"], Assert.Single(module.Handles).Events);
    }

    [Fact]
    public async Task ALabelerGetsNoShortcuts()
    {
        var project = await ProjectAsync(AppRoles.Labeler);
        var js = new ScriptedJs();
        Services.AddSingleton<IJSRuntime>(js);
        RenderPage(project);

        await DisposeComponentsAsync();

        Assert.DoesNotContain(KeysPath, js.Imports);
    }
}
