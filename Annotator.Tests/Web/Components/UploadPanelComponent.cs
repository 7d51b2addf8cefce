using System.Text.Json;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Api;
using Annotator.Web.Components.Shared;
using Annotator.Web.Data;
using Annotator.Web.Images;
using Annotator.Web.Projects;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;

namespace Annotator.Tests.Web.Components;

/// <summary>
/// The upload panel as upload.js drives it: the script's callbacks (Queued, Done) are called directly, in the orders
/// a browser can produce.
/// </summary>
public sealed class UploadPanelComponent : BunitContext
{
    private readonly string _dataPath = Path.Combine(Path.GetTempPath(), "annotator-tests", Guid.NewGuid().ToString("N"));
    private int _ingested;

    public UploadPanelComponent()
    {
        this.AddTestServices();
        Services.AddSingleton<IDbContextFactory<AnnotatorDbContext>, NoDatabase>();
        Services.AddSingleton<AntiforgeryStateProvider, FixedAntiforgery>();
        Services.AddSingleton(TimeProvider.System);
        Services.Configure<AnnotatorOptions>(o => o.DataPath = _dataPath);
        Services.AddSingleton<ProjectAccess>();
        Services.AddAnnotatorImages(new Microsoft.Extensions.Configuration.ConfigurationBuilder().Build());
    }

    private IRenderedComponent<UploadPanel> RenderPanel() =>
        Render<UploadPanel>(p => p.Add(u => u.ProjectId, 3).Add(u => u.OnIngested, () => _ingested++));

    private static string Body(IngestResult result) => JsonSerializer.Serialize(IngestResponse.From([result]), ApiClient.Json);

    private static readonly string Added = Body(new IngestResult("horse.png", IngestOutcome.Added, 1));
    private static readonly string Refused = Body(IngestResult.Refused("script.svg", "SVG files are not accepted."));

    [Fact]
    public void AttachesTheScriptAndThenEnablesThePicker()
    {
        var cut = RenderPanel();

        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "import" && Equals(i.Arguments[0], "./js/upload.js"));
        Assert.False(cut.Find("[data-testid=file-input]").HasAttribute("disabled"));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task RefreshesTheGridOnceTheBatchIsAnsweredWhateverAnswersLast(bool refusalLast)
    {
        var cut = RenderPanel();
        await cut.InvokeAsync(() => cut.Instance.Queued([new QueuedFile(0, "horse.png", 100), new QueuedFile(1, "script.svg", 50)]));

        await cut.InvokeAsync(() => refusalLast ? cut.Instance.Done(0, 200, Added) : cut.Instance.Done(1, 200, Refused));
        Assert.Equal(0, _ingested);
        await cut.InvokeAsync(() => refusalLast ? cut.Instance.Done(1, 200, Refused) : cut.Instance.Done(0, 200, Added));

        Assert.Equal(1, _ingested);
        var summary = cut.Find("[data-testid=upload-summary]").TextContent;
        Assert.Contains("2 of 2 files", summary);
        Assert.Contains("1 added", summary);
        Assert.Contains("1 refused", summary);
    }

    [Fact]
    public async Task DoesNotRefreshWhenNothingWasAdded()
    {
        var cut = RenderPanel();
        await cut.InvokeAsync(() => cut.Instance.Queued([new QueuedFile(0, "script.svg", 50)]));

        await cut.InvokeAsync(() => cut.Instance.Done(0, 200, Refused));

        Assert.Equal(0, _ingested);
        Assert.Contains("1 refused", cut.Find("[data-testid=upload-summary]").TextContent);
    }

    [Fact]
    public async Task ShowsWhyAFileWasRefused()
    {
        var cut = RenderPanel();
        await cut.InvokeAsync(() => cut.Instance.Queued([new QueuedFile(0, "horse.png", 100), new QueuedFile(1, "script.svg", 50)]));

        await cut.InvokeAsync(() => cut.Instance.Done(1, 200, Refused));
        await cut.InvokeAsync(() => cut.Instance.Done(0, 0, ""));

        var rows = cut.FindAll("[data-testid=upload-row]");
        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.Contains("refused", r.ClassList));
        Assert.Contains("The connection to the server was lost.", rows[0].TextContent);
        Assert.Contains("SVG files are not accepted.", rows[1].TextContent);
    }

    [Fact]
    public async Task LeftBeforeItsScriptLoadedItAttachesNothing()
    {
        // The user clicks away from the project page while upload.js is still loading (a busy server, a slow link).
        var js = new ScriptedJs();
        var import = js.HoldImport("./js/upload.js");
        Services.AddSingleton<IJSRuntime>(js);
        var cut = RenderPanel();
        Assert.True(cut.Find("[data-testid=file-input]").HasAttribute("disabled"));
        await DisposeComponentsAsync();

        var module = js.Module("./js/upload.js");
        import.SetResult(module);

        // Before the fix the panel went on to attach with its disposed reference, which ended the whole circuit.
        await module.Released.Task.WaitAsync(TimeSpan.FromSeconds(5), Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(["released"], module.Events);
    }

    [Fact]
    public async Task LeftWhileItsScriptAttachedItDetachesTheScriptWhenItAnswers()
    {
        var js = new ScriptedJs();
        var module = js.Module("./js/upload.js");
        var attach = module.Hold("attach");
        Services.AddSingleton<IJSRuntime>(js);
        RenderPanel();
        await DisposeComponentsAsync();

        attach.SetResult();

        // The drop zone's listeners would otherwise stay on a page that moved on, calling a disposed reference.
        await module.Released.Task.WaitAsync(TimeSpan.FromSeconds(5), Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(["dispose", "released"], Assert.Single(module.Handles).Events);
    }

    [Fact]
    public async Task LeavingDetachesTheScript()
    {
        var js = new ScriptedJs();
        Services.AddSingleton<IJSRuntime>(js);
        var cut = RenderPanel();
        cut.WaitForAssertion(() => Assert.False(cut.Find("[data-testid=file-input]").HasAttribute("disabled")));

        await DisposeComponentsAsync();

        var module = js.Module("./js/upload.js");
        Assert.Equal(["attach", "released"], module.Events);
        Assert.Equal(["dispose", "released"], Assert.Single(module.Handles).Events);
    }

    // xunit disposes asynchronously when it can; remove the image store the panel's services created either way.
    protected override async ValueTask DisposeAsyncCore()
    {
        await base.DisposeAsyncCore();
        DeleteDataPath();
    }

    protected override void Dispose(bool disposing)
    {
        base.Dispose(disposing);
        if (disposing)
        {
            DeleteDataPath();
        }
    }

    private void DeleteDataPath()
    {
        if (Directory.Exists(_dataPath))
        {
            Directory.Delete(_dataPath, recursive: true);
        }
    }
}
