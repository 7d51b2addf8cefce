using System.Text.Json;
using Annotator.Core.Taxonomy;
using Annotator.Web.Components.Taxonomy;
using AngleSharp.Dom;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.JSInterop;

namespace Annotator.Tests.Web.Components;

/// <summary>
/// The skeleton editor as an admin and skeleton-editor.js drive it: edits through the table, and the drawing's intents
/// (Moved, Clicked, ClickedEmpty) called directly, as the script calls them. The parent here does not pass the new
/// value back, so the editor's own working copy carries a series of edits.
/// </summary>
public sealed class SkeletonEditorComponent : BunitContext
{
    private readonly List<SkeletonDefinition> _changes = [];

    public SkeletonEditorComponent() => this.AddTestServices();

    private const string ScriptPath = "./js/taxonomy/skeleton-editor.js";

    private static readonly SkeletonDefinition Coco = DemoTaxonomy.CocoPerson;

    private static readonly SkeletonDefinition Three = new()
    {
        Points = ["head", "tail", "paw"],
        Edges = [[0, 1]],
        Sigmas = [0.1, 0.1, 0.1],
        Layout = [[0.5, 0.1], [0.5, 0.9], [0.2, 0.5]],
    };

    private IRenderedComponent<SkeletonEditor> RenderEditor(SkeletonDefinition value, bool readOnly = false) =>
        Render<SkeletonEditor>(p => p.Add(c => c.Value, value).Add(c => c.ValueChanged, v => _changes.Add(v))
            .Add(c => c.LabelName, "person").Add(c => c.ReadOnly, readOnly));

    private SkeletonDefinition Last => Assert.Single(_changes.TakeLast(1));

    private static IElement Row(IRenderedComponent<SkeletonEditor> cut, int index) => cut.FindAll("[data-testid=skeleton-point]")[index];

    private static IElement NameInput(IRenderedComponent<SkeletonEditor> cut, int index) => Row(cut, index).QuerySelector("td.name input")!;

    private static IElement SigmaInput(IRenderedComponent<SkeletonEditor> cut, int index) => Row(cut, index).QuerySelector("td.sigma input")!;

    private static void Mode(IRenderedComponent<SkeletonEditor> cut, string mode) => cut.Find($"[data-testid=mode-{mode}]").Click();

    private static string Edges(SkeletonDefinition s) => string.Join(" ", s.Edges.Select(e => $"{s.Points[e[0]]}-{s.Points[e[1]]}"));

    private static string Pairs(SkeletonDefinition s) => string.Join(" ", s.FlipPairs.Select(e => $"{s.Points[e[0]]}-{s.Points[e[1]]}"));

    private static JsonElement State(string json) => JsonDocument.Parse(json).RootElement;

    [Fact]
    public void DrawsThroughTheModuleAndListsEveryPoint()
    {
        var cut = RenderEditor(Coco);

        Assert.Equal(17, cut.FindAll("[data-testid=skeleton-point]").Count);
        Assert.Equal("19", cut.Find("[data-testid=edge-count]").TextContent);
        var canvas = cut.Find("[data-testid=skeleton-canvas]");
        Assert.Equal("Skeleton of person: 17 points, 19 edges, 8 flip pairs. The table lists every point.", canvas.GetAttribute("aria-label"));
        Assert.Equal("0", canvas.GetAttribute("tabindex"));
        Assert.Contains(JSInterop.Invocations, i => i.Identifier == "import" && Equals(i.Arguments[0], "./js/taxonomy/skeleton-editor.js"));
        var attach = Assert.Single(JSInterop.Invocations, i => i.Identifier == "attach");
        var state = State((string)attach.Arguments[2]!);
        Assert.Equal(17, state.GetProperty("positions").GetArrayLength());
        Assert.Equal(0.08, state.GetProperty("positions")[0][1].GetDouble());
        Assert.Equal("move", state.GetProperty("mode").GetString());
        Assert.Equal("right_shoulder", SelectedPartner(cut, 5));
        Assert.Contains("Sigmas default to COCO's person values for COCO point names, 0.05 otherwise.", cut.Find("[data-testid=sigma-help]").TextContent);
    }

    private static string SelectedPartner(IRenderedComponent<SkeletonEditor> cut, int index)
    {
        var select = Row(cut, index).QuerySelector("td.flip select")!;
        var value = select.GetAttribute("value");
        return select.QuerySelectorAll("option").Single(o => o.GetAttribute("value") == value).TextContent;
    }

    [Fact]
    public void RenamingThroughTheTableEmitsANewValue()
    {
        var cut = RenderEditor(Three);

        NameInput(cut, 1).Change("  tail tip ");

        Assert.Equal(["head", "tail tip", "paw"], Last.Points);
        Assert.Equal(Three.Sigmas, Last.Sigmas);
        Assert.Equal("head-tail tip", Edges(Last));
        Assert.Equal(["head", "tail", "paw"], Three.Points);
    }

    [Theory]
    [InlineData("HEAD", "Another point is already called 'head'.")]
    [InlineData("   ", "Every point needs a name.")]
    public void ARefusedNameShowsAnErrorAndEmitsNothing(string name, string error)
    {
        var cut = RenderEditor(Three);

        NameInput(cut, 2).Change(name);

        Assert.Empty(_changes);
        Assert.Contains(error, Row(cut, 2).TextContent);
        Assert.Equal("true", NameInput(cut, 2).GetAttribute("aria-invalid"));

        NameInput(cut, 2).Change("front paw");

        Assert.Equal(["head", "tail", "front paw"], Last.Points);
        Assert.DoesNotContain(error, cut.Markup);
    }

    [Fact]
    public void RemovingAPointThroughTheTableReindexes()
    {
        var cut = RenderEditor(Coco);
        var knee = Coco.Points.ToList().IndexOf("left_knee");

        Row(cut, knee).QuerySelector("[data-testid=remove-point]")!.Click();

        Assert.Equal(16, Last.Points.Count);
        Assert.DoesNotContain("left_knee", Last.Points);
        Assert.Equal(Coco.Edges.Count - 2, Last.Edges.Count);
        Assert.Contains("left_ankle-right_ankle", Pairs(Last));
        Assert.DoesNotContain("right_knee-", Pairs(Last));
        Assert.Equal(0.089, Last.Sigmas[Last.Points.ToList().IndexOf("left_ankle")]);
        Assert.Equal(16, cut.FindAll("[data-testid=skeleton-point]").Count);
        Assert.Equal("right_knee", NameInput(cut, knee).GetAttribute("value"));
        Assert.Equal("17", cut.Find("[data-testid=edge-count]").TextContent);
    }

    [Fact]
    public async Task TheDrawingMovesAPointInMoveMode()
    {
        var cut = RenderEditor(Three);

        var json = await cut.InvokeAsync(() => cut.Instance.Moved(2, 0.25, 1.4));

        Assert.Equal([0.25, 1.0], Last.Layout![2]);
        var state = State(json);
        Assert.Equal(1.0, state.GetProperty("positions")[2][1].GetDouble());
        Assert.Equal(2, state.GetProperty("selected").GetInt32());
        Assert.Contains("selected", Row(cut, 2).ClassList);
    }

    [Fact]
    public async Task TheDrawingConnectsTwoPointsInConnectMode()
    {
        var cut = RenderEditor(Three);
        Mode(cut, "connect");

        var first = State(await cut.InvokeAsync(() => cut.Instance.Clicked(2)));
        Assert.Equal(2, first.GetProperty("pending").GetInt32());
        Assert.Contains("Now click the point to join to paw", cut.Find("[data-testid=skeleton-hint]").TextContent);
        await cut.InvokeAsync(() => cut.Instance.Clicked(0));

        Assert.Equal("head-tail paw-head", Edges(Last));

        // The same two points again, the other way round: the edge goes.
        await cut.InvokeAsync(() => cut.Instance.Clicked(0));
        var state = State(await cut.InvokeAsync(() => cut.Instance.Clicked(2)));
        Assert.Equal("head-tail", Edges(Last));
        Assert.Equal(JsonValueKind.Null, state.GetProperty("pending").ValueKind);
        Assert.Equal("connect", state.GetProperty("mode").GetString());
        // A drag does nothing outside Move mode.
        await cut.InvokeAsync(() => cut.Instance.Moved(0, 0.9, 0.9));
        Assert.Equal(2, _changes.Count);
    }

    [Fact]
    public async Task TheDrawingPairsPointsInFlipPairMode()
    {
        var cut = RenderEditor(Coco);
        Mode(cut, "flip");

        // left_eye (1) with left_ear (3): both leave their pairs with the right eye and ear.
        await cut.InvokeAsync(() => cut.Instance.Clicked(1));
        await cut.InvokeAsync(() => cut.Instance.Clicked(3));

        Assert.Contains("left_eye-left_ear", Pairs(Last));
        Assert.DoesNotContain("right_eye", Pairs(Last));
        Assert.DoesNotContain("right_ear", Pairs(Last));
        Assert.Equal(Coco.FlipPairs.Count - 1, Last.FlipPairs.Count);
        Assert.Equal(Coco.Edges.Count, Last.Edges.Count);
    }

    [Fact]
    public async Task TheDrawingAddsAPointInAddModeWithAFreshName()
    {
        var cut = RenderEditor(Coco);
        Mode(cut, "add");

        var state = State(await cut.InvokeAsync(() => cut.Instance.ClickedEmpty(0.9, 0.15)));

        Assert.Equal("point 18", Last.Points[17]);
        Assert.Equal([0.9, 0.15], Last.Layout![17]);
        Assert.Equal(0.05, Last.Sigmas[17]);
        Assert.Equal(17, state.GetProperty("selected").GetInt32());
        Assert.Equal(18, cut.FindAll("[data-testid=skeleton-point]").Count);
        await cut.InvokeAsync(() => cut.Instance.ClickedEmpty(0.1, 0.15));
        Assert.Equal("point 19", Last.Points[18]);
    }

    [Fact]
    public async Task ANewPointNamedLikeACocoPointGetsCocosSigma()
    {
        var cut = RenderEditor(Three);
        Mode(cut, "add");
        await cut.InvokeAsync(() => cut.Instance.ClickedEmpty(0.7, 0.7));
        Assert.Equal(0.05, Last.Sigmas[3]);

        NameInput(cut, 3).Change("left_knee");

        Assert.Equal(0.087, Last.Sigmas[3]);
        Assert.Equal("0.087", SigmaInput(cut, 3).GetAttribute("value"));
    }

    [Fact]
    public async Task APointAddedOnTheDrawingLeavesTheFocusThere()
    {
        var cut = RenderEditor(Three);
        Mode(cut, "add");

        await cut.InvokeAsync(() => cut.Instance.ClickedEmpty(0.7, 0.7));

        Assert.Equal(4, Last.Points.Count);
        Assert.DoesNotContain(JSInterop.Invocations, i => i.Identifier == "mudElementRef.select");
    }

    [Fact]
    public async Task AClickOnNothingOutsideAddModeOnlyClearsTheSelection()
    {
        var cut = RenderEditor(Three);
        await cut.InvokeAsync(() => cut.Instance.Clicked(1));
        Assert.Contains("selected", Row(cut, 1).ClassList);

        var state = State(await cut.InvokeAsync(() => cut.Instance.ClickedEmpty(0.5, 0.5)));

        Assert.Empty(_changes);
        Assert.Equal(JsonValueKind.Null, state.GetProperty("selected").ValueKind);
        Assert.DoesNotContain("selected", Row(cut, 1).ClassList);
    }

    [Fact]
    public async Task DeleteRemovesTheSelectedPoint()
    {
        var cut = RenderEditor(Three);
        await cut.InvokeAsync(() => cut.Instance.Clicked(0));

        cut.Find("[data-testid=skeleton-canvas]").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Delete" });

        Assert.Equal(["tail", "paw"], Last.Points);
        Assert.Empty(Last.Edges);
        Assert.True(cut.Find("[data-testid=delete-selected]").HasAttribute("disabled"));
    }

    [Fact]
    public void TheRemoveButtonRemovesThePointPickedInTheTable()
    {
        var cut = RenderEditor(Three);
        Assert.True(cut.Find("[data-testid=delete-selected]").HasAttribute("disabled"));

        Row(cut, 1).QuerySelector("button.pick")!.Click();
        Assert.Equal("true", Row(cut, 1).QuerySelector("button.pick")!.GetAttribute("aria-pressed"));
        cut.Find("[data-testid=delete-selected]").Click();

        Assert.Equal(["head", "paw"], Last.Points);
    }

    [Fact]
    public void SigmasOutsideZeroToOneAreRefused()
    {
        var cut = RenderEditor(Three);

        SigmaInput(cut, 0).Change("0");
        Assert.Empty(_changes);
        Assert.Contains("A sigma must be above 0 and at most 1.", Row(cut, 0).TextContent);
        SigmaInput(cut, 0).Change("1.5");
        Assert.Empty(_changes);

        SigmaInput(cut, 0).Change("0.072");

        Assert.Equal([0.072, 0.1, 0.1], Last.Sigmas);
        Assert.DoesNotContain("A sigma must be", cut.Markup);
    }

    [Fact]
    public void TheFlipPartnerIsChosenInTheTable()
    {
        var cut = RenderEditor(Three);

        Row(cut, 2).QuerySelector("td.flip select")!.Change("1");
        Assert.Equal("paw-tail", Pairs(Last));
        Assert.Equal("paw", SelectedPartner(cut, 1));

        Row(cut, 1).QuerySelector("td.flip select")!.Change("");
        Assert.Empty(Last.FlipPairs);
    }

    [Fact]
    public void EdgesAreRemovedFromTheList()
    {
        var cut = RenderEditor(Coco);
        var first = cut.FindAll("[data-testid=skeleton-edge]")[0];
        Assert.Contains("left_ankle – left_knee", first.TextContent);

        first.QuerySelector("button")!.Click();

        Assert.Equal(Coco.Edges.Count - 1, Last.Edges.Count);
        Assert.DoesNotContain("left_ankle-left_knee", Edges(Last));
    }

    [Fact]
    public void AddPointInTheTableFindsAFreeSpot()
    {
        var cut = RenderEditor(new SkeletonDefinition { Points = ["centre"], Layout = [[0.5, 0.5]] });

        cut.Find("[data-testid=add-point]").Click();

        Assert.Equal(["centre", "point 2"], Last.Points);
        Assert.NotEqual([0.5, 0.5], Last.Layout![1]);
        Assert.Contains("selected", Row(cut, 1).ClassList);
    }

    [Fact]
    public void StartFromCocoFillsAnEmptySkeletonAtOnce()
    {
        var cut = RenderEditor(new SkeletonDefinition { Points = [] });
        Assert.Single(cut.FindAll("[data-testid=skeleton-empty]"));

        cut.Find("[data-testid=start-from-coco]").Click();

        Assert.Equal(Coco.Points, Last.Points);
        Assert.Equal(Edges(Coco), Edges(Last));
        Assert.Equal(Pairs(Coco), Pairs(Last));
        Assert.Equal(Coco.Sigmas, Last.Sigmas);
        Assert.NotSame(Coco.Edges, Last.Edges);
        Assert.Equal(17, cut.FindAll("[data-testid=skeleton-point]").Count);
    }

    [Fact]
    public void StartFromCocoAsksBeforeReplacingPoints()
    {
        var cut = RenderEditor(Three);

        cut.Find("[data-testid=start-from-coco]").Click();
        Assert.Empty(_changes);
        Assert.Contains("Replace the 3 points", cut.Find("[data-testid=coco-confirm]").TextContent);
        cut.Find("[data-testid=coco-cancel]").Click();
        Assert.Empty(cut.FindAll("[data-testid=coco-confirm]"));
        Assert.Empty(_changes);

        cut.Find("[data-testid=start-from-coco]").Click();
        cut.Find("[data-testid=coco-replace]").Click();

        Assert.Equal(Coco.Points, Last.Points);
        Assert.Empty(cut.FindAll("[data-testid=coco-confirm]"));
    }

    [Fact]
    public async Task ReadOnlyOffersNoChange()
    {
        var cut = RenderEditor(Three, readOnly: true);

        Assert.All(cut.FindAll("td.name input, td.sigma input, td.flip select"), e => Assert.True(e.HasAttribute("disabled")));
        Assert.All(cut.FindAll("[data-testid=remove-point], [data-testid=add-point], [data-testid=start-from-coco], [data-testid=delete-selected]"),
            e => Assert.True(e.HasAttribute("disabled")));
        Assert.All(cut.FindAll("[data-testid=skeleton-modes] button"), e => Assert.True(e.HasAttribute("disabled")));
        Assert.Equal("Read only.", cut.Find("[data-testid=skeleton-hint]").TextContent);
        var attach = Assert.Single(JSInterop.Invocations, i => i.Identifier == "attach");
        Assert.True(State((string)attach.Arguments[2]!).GetProperty("readOnly").GetBoolean());

        await cut.InvokeAsync(() => cut.Instance.Moved(0, 0.9, 0.9));
        await cut.InvokeAsync(() => cut.Instance.ClickedEmpty(0.3, 0.3));
        await cut.InvokeAsync(() => cut.Instance.Clicked(1));
        cut.Find("[data-testid=skeleton-canvas]").KeyDown(new Microsoft.AspNetCore.Components.Web.KeyboardEventArgs { Key = "Delete" });
        NameInput(cut, 0).Change("beak");
        cut.FindAll("[data-testid=skeleton-edge] button")[0].Click();

        Assert.Empty(_changes);
        // Looking stays possible: the clicked point is selected.
        Assert.Contains("selected", Row(cut, 1).ClassList);
    }

    [Fact]
    public void ANewValueFromThePageReplacesTheOneBeingEdited()
    {
        var cut = RenderEditor(Three);
        NameInput(cut, 0).Change("tail");
        Assert.Contains("Another point is already called", cut.Markup);

        cut.Render(p => p.Add(c => c.Value, Coco));

        Assert.Equal(17, cut.FindAll("[data-testid=skeleton-point]").Count);
        Assert.DoesNotContain("Another point is already called", cut.Markup);
        Assert.Equal("nose", NameInput(cut, 0).GetAttribute("value"));
    }

    [Fact]
    public async Task AnEqualValueFromThePageKeepsTheSelection()
    {
        var cut = RenderEditor(Three);
        await cut.InvokeAsync(() => cut.Instance.Clicked(2));

        cut.Render(p => p.Add(c => c.Value, SkeletonEdits.Copy(Three)));
        Assert.Contains("selected", Row(cut, 2).ClassList);

        cut.Render(p => p.Add(c => c.Value, SkeletonEdits.MovePoint(Three, 0, 0.2, 0.2)));
        Assert.Empty(cut.FindAll("tr.selected"));
    }

    [Fact]
    public void AddPointInTheTableFocusesTheNewName()
    {
        var cut = RenderEditor(Three);

        cut.Find("[data-testid=add-point]").Click();

        var input = NameInput(cut, 3);
        Assert.Equal("point 4", input.GetAttribute("value"));
        // MudTextField.SelectAsync: focus, with the generated name selected to be typed over.
        var select = Assert.Single(JSInterop.Invocations, i => i.Identifier == "mudElementRef.select");
        Assert.Equal(input.GetAttribute("blazor:elementReference"), ((Microsoft.AspNetCore.Components.ElementReference)select.Arguments[0]!).Id);
    }

    [Fact]
    public void TheDrawingIsUpdatedWhenTheTableChangesTheSkeleton()
    {
        var cut = RenderEditor(Three);

        NameInput(cut, 0).Change("snout");

        var update = JSInterop.Invocations.Last(i => i.Identifier == "update");
        Assert.Equal("snout", State((string)update.Arguments[0]!).GetProperty("points")[0].GetString());
    }

    [Fact]
    public async Task TheDrawingGetsNoUpdateForTheStateAnIntentAnswered()
    {
        var cut = RenderEditor(Three);

        await cut.InvokeAsync(() => cut.Instance.Moved(0, 0.4, 0.4));

        Assert.DoesNotContain(JSInterop.Invocations, i => i.Identifier == "update");
    }

    [Fact]
    public async Task RemovedBeforeItsScriptLoadedItAttachesNothing()
    {
        // Another label picked at once: the editor goes while skeleton-editor.js is still loading.
        var js = new ScriptedJs();
        var import = js.HoldImport(ScriptPath);
        Services.AddSingleton<IJSRuntime>(js);
        RenderEditor(Three);
        await DisposeComponentsAsync();

        var module = js.Module(ScriptPath);
        import.SetResult(module);

        // Attaching then would hand the script a disposed reference, which ends the circuit on its first call.
        await module.Released.Task.WaitAsync(TimeSpan.FromSeconds(5), Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(["released"], module.Events);
    }

    [Fact]
    public async Task RemovedWhileTheDrawingAttachedItDisposesTheDrawingWhenItAnswers()
    {
        var js = new ScriptedJs();
        var module = js.Module(ScriptPath);
        var attach = module.Hold("attach");
        Services.AddSingleton<IJSRuntime>(js);
        RenderEditor(Three);
        await DisposeComponentsAsync();

        attach.SetResult();

        await module.Released.Task.WaitAsync(TimeSpan.FromSeconds(5), Xunit.TestContext.Current.CancellationToken);
        Assert.Equal(["dispose", "released"], Assert.Single(module.Handles).Events);
        Assert.Equal(["attach", "released"], module.Events);
    }

    [Fact]
    public async Task RemovingItDisposesTheDrawing()
    {
        var js = new ScriptedJs();
        Services.AddSingleton<IJSRuntime>(js);
        var cut = RenderEditor(Three);
        NameInput(cut, 0).Change("snout");

        await DisposeComponentsAsync();

        var module = js.Module(ScriptPath);
        var drawing = Assert.Single(module.Handles);
        Assert.Equal(["update", "dispose", "released"], drawing.Events);
        Assert.Equal(["attach", "released"], module.Events);
    }
}
