using Annotator.Web.Components;
using Microsoft.JSInterop;

namespace Annotator.Tests.Web.Components;

/// <summary>
/// <see cref="JsModule"/> with JS whose answers the test times: the component it serves is disposed while the import or
/// the attach is on its way, attaches again (a new image in the workspace), calls after it went, and the tab closes.
/// </summary>
public sealed class JsModuleLifecycle
{
    private const string Path = "./js/thing.js";

    private readonly ScriptedJs _js = new();

    private ScriptObject Module => _js.Module(Path);

    private static CancellationToken Token => Xunit.TestContext.Current.CancellationToken;

    [Fact]
    public async Task ImportsOnceAttachesAndCallsTheHandle()
    {
        var script = new JsModule(_js, Path);
        Assert.False(script.IsAttached);

        var handle = await script.AttachAsync("attach", "element", 7);
        await script.InvokeVoidAsync("update", "{}");

        Assert.Equal([Path], _js.Imports);
        Assert.Equal(["attach"], Module.Events);
        Assert.Equal(["element", 7], Module.Arguments[0]);
        var attached = Assert.Single(Module.Handles);
        Assert.Same(attached, handle);
        Assert.True(script.IsAttached);
        Assert.Equal(["update"], attached.Events);
        Assert.Equal(["{}"], attached.Arguments[0]);
    }

    [Fact]
    public async Task DisposalCallsTheHandlesDisposeThenReleasesTheHandleAndTheModule()
    {
        var script = new JsModule(_js, Path);
        await script.AttachAsync("attach");
        var handle = Assert.Single(Module.Handles);

        await script.DisposeAsync();

        Assert.Equal(["dispose", "released"], handle.Events);
        Assert.Equal(["attach", "released"], Module.Events);
        Assert.False(script.IsAttached);
    }

    [Fact]
    public async Task DisposedWhileTheImportIsOnItsWayItNeverAttachesAndReleasesTheModuleWhenItArrives()
    {
        var import = _js.HoldImport(Path);
        var script = new JsModule(_js, Path);
        var attaching = script.AttachAsync("attach", "a reference disposed with the component");

        await script.DisposeAsync();
        import.SetResult(Module);

        Assert.Null(await attaching.WaitAsync(TimeSpan.FromSeconds(10), Token));
        Assert.Equal(["released"], Module.Events);
        Assert.False(script.IsAttached);
    }

    [Fact]
    public async Task DisposedWhileTheAttachIsOnItsWayItDisposesTheHandleWhenItArrivesThenTheModule()
    {
        var attach = Module.Hold("attach");
        var script = new JsModule(_js, Path);
        var attaching = script.AttachAsync("attach");
        Assert.Equal(["attach"], Module.Events);

        await script.DisposeAsync();
        Assert.Equal(["attach"], Module.Events); // the attach still needs the module
        attach.SetResult();

        Assert.Null(await attaching.WaitAsync(TimeSpan.FromSeconds(10), Token));
        var handle = Assert.Single(Module.Handles);
        Assert.Equal(["dispose", "released"], handle.Events);
        Assert.Equal(["attach", "released"], Module.Events);
        Assert.False(script.IsAttached);
        await script.InvokeVoidAsync("update");
        Assert.Equal(["dispose", "released"], handle.Events);
    }

    [Fact]
    public async Task AClosedTabIsNoErrorAnywhere()
    {
        var script = new JsModule(_js, Path);
        await script.AttachAsync("attach");
        var handle = Assert.Single(Module.Handles);
        handle.Fails = Module.Fails = new JSDisconnectedException("The circuit is gone.");

        await script.InvokeVoidAsync("update");
        Assert.Equal("unanswered", await script.InvokeAsync("ask", "unanswered"));
        await script.DisposeAsync();

        Assert.Equal(["update", "ask", "dispose", "released"], handle.Events);
        Assert.Equal(["attach", "released"], Module.Events);
    }

    [Fact]
    public async Task AnImportOnAClosedTabAttachesNothing()
    {
        var import = _js.HoldImport(Path);
        var script = new JsModule(_js, Path);
        var attaching = script.AttachAsync("attach");

        import.SetException(new JSDisconnectedException("The circuit is gone."));

        Assert.Null(await attaching.WaitAsync(TimeSpan.FromSeconds(10), Token));
        Assert.False(script.IsAttached);
        await script.DisposeAsync();
    }

    [Fact]
    public async Task AnImportRefusedAtOnceOnAClosedTabAttachesNothingAndLeavesNothingUnderWay()
    {
        var script = new JsModule(_js, Path);
        _js.Fails = new JSDisconnectedException("The circuit is gone.");

        Assert.Null(await script.AttachAsync("attach"));

        // A refusal at once was not an attach left under way: disposal releases what a later attach got.
        _js.Fails = null;
        await script.AttachAsync("attach");
        await script.DisposeAsync();
        Assert.Equal(["attach", "released"], Module.Events);
        Assert.Equal(["dispose", "released"], Assert.Single(Module.Handles).Events);
    }

    [Fact]
    public async Task OtherFailuresReachTheCaller()
    {
        // A timeout or a script error is not a closed tab: the caller decides (the workspace's pushes give up quietly).
        var script = new JsModule(_js, Path);
        await script.AttachAsync("attach");
        var handle = Assert.Single(Module.Handles);

        handle.Fails = new TaskCanceledException("No answer within the interop timeout.");
        await Assert.ThrowsAsync<TaskCanceledException>(() => script.InvokeVoidAsync("update"));
        handle.Fails = new JSException("update is not a function");
        await Assert.ThrowsAsync<JSException>(() => script.InvokeAsync("ask", 0));
    }

    [Fact]
    public async Task TheCallersTokenGivesUpWaitingForTheBrowser()
    {
        var script = new JsModule(_js, Path);
        await script.AttachAsync("attach");
        var handle = Assert.Single(Module.Handles);
        handle.Hold("receive");
        using var timeout = new CancellationTokenSource();

        var pushing = script.InvokeVoidAsync("receive", timeout.Token, "{}");
        await timeout.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => pushing.WaitAsync(TimeSpan.FromSeconds(10), Token));
        Assert.Equal(["{}"], handle.Arguments[0]);
    }

    [Fact]
    public async Task DisposedTwiceEvenAtOnceItReleasesEverythingOnce()
    {
        var script = new JsModule(_js, Path);
        await script.AttachAsync("attach");
        var handle = Assert.Single(Module.Handles);

        await Task.WhenAll(script.DisposeAsync().AsTask(), script.DisposeAsync().AsTask());
        await script.DisposeAsync();

        Assert.Equal(["dispose", "released"], handle.Events);
        Assert.Equal(["attach", "released"], Module.Events);
    }

    [Fact]
    public async Task AfterDisposalCallsAndAttachesDoNothing()
    {
        var script = new JsModule(_js, Path);
        await script.AttachAsync("attach");
        var handle = Assert.Single(Module.Handles);
        await script.DisposeAsync();

        await script.InvokeVoidAsync("update");
        Assert.Equal("unanswered", await script.InvokeAsync("ask", "unanswered"));
        Assert.Null(await script.AttachAsync("attach"));

        Assert.Equal(["dispose", "released"], handle.Events);
        Assert.Equal(["attach", "released"], Module.Events);
        Assert.Equal([Path], _js.Imports);
    }

    [Fact]
    public async Task BeforeAnythingIsAttachedCallsDoNothing()
    {
        var script = new JsModule(_js, Path);

        await script.InvokeVoidAsync("update");
        Assert.Equal("unanswered", await script.InvokeAsync("ask", "unanswered"));
        await script.DisposeAsync();

        Assert.Empty(_js.Imports);
    }

    [Fact]
    public async Task AskingTheHandleReturnsItsAnswer()
    {
        var script = new JsModule(_js, Path);
        await script.AttachAsync("attach");
        Assert.Single(Module.Handles).Answer = "The point is not on the image.";

        Assert.Equal("The point is not on the image.", await script.InvokeAsync<string?>("setKeypointVisibility", "unanswered", "id", 3, 2));
    }

    [Fact]
    public async Task AttachingAgainDisposesTheOldHandleFirstAndKeepsTheModule()
    {
        var script = new JsModule(_js, Path);
        await script.AttachAsync("open", "first image");
        await script.AttachAsync("open", "second image");
        await script.InvokeVoidAsync("setTool", "box");

        var (first, second) = (Module.Handles[0], Module.Handles[1]);
        Assert.Equal(["dispose", "released"], first.Events);
        Assert.Equal(["setTool"], second.Events);
        Assert.Equal(["open", "open"], Module.Events);
        Assert.Equal([Path], _js.Imports);
    }

    [Fact]
    public async Task DetachingDisposesTheHandleAndKeepsTheModuleForTheNextAttach()
    {
        var script = new JsModule(_js, Path);
        await script.AttachAsync("open", "first image");

        await script.DetachAsync();
        Assert.False(script.IsAttached);
        await script.InvokeVoidAsync("setTool", "box");
        await script.AttachAsync("open", "second image");

        Assert.Equal(["dispose", "released"], Module.Handles[0].Events);
        Assert.True(script.IsAttached);
        Assert.Equal(["open", "open"], Module.Events);
        Assert.Equal([Path], _js.Imports);
    }

    [Fact]
    public async Task DetachedWhileTheAttachIsOnItsWayItDisposesTheHandleWhenItArrives()
    {
        var attach = Module.Hold("open");
        var script = new JsModule(_js, Path);
        var attaching = script.AttachAsync("open", "first image");

        await script.DetachAsync();
        attach.SetResult();

        Assert.Null(await attaching.WaitAsync(TimeSpan.FromSeconds(10), Token));
        Assert.Equal(["dispose", "released"], Assert.Single(Module.Handles).Events);
        Assert.False(script.IsAttached);
        Assert.Equal(["open"], Module.Events); // the module stays for the next image
    }

    [Fact]
    public async Task AnAttachOvertakenByANewerOneLosesWhenItArrives()
    {
        // Two images opened in quick succession: the first canvas answers after the second.
        var firstAttach = Module.Hold("open");
        var script = new JsModule(_js, Path);
        var first = script.AttachAsync("open", "first image");
        var second = await script.AttachAsync("open", "second image");

        firstAttach.SetResult();

        Assert.Null(await first.WaitAsync(TimeSpan.FromSeconds(10), Token));
        Assert.Equal(["dispose", "released"], Module.Handles[0].Events);
        Assert.Same(Module.Handles[1], second);
        await script.InvokeVoidAsync("setTool", "box");
        Assert.Equal(["setTool"], Module.Handles[1].Events);
    }

    [Fact]
    public async Task TwoAttachesWaitingForTheImportShareIt()
    {
        var import = _js.HoldImport(Path);
        var script = new JsModule(_js, Path);
        var first = script.AttachAsync("open", "first image");
        var second = script.AttachAsync("open", "second image");

        import.SetResult(Module);

        Assert.Null(await first.WaitAsync(TimeSpan.FromSeconds(10), Token));
        Assert.NotNull(await second.WaitAsync(TimeSpan.FromSeconds(10), Token));
        Assert.Equal([Path], _js.Imports);
        Assert.Equal(["open"], Module.Events); // the overtaken one never opened its canvas
        Assert.Equal(["second image"], Module.Arguments[0]);
    }
}
