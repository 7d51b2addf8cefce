using Microsoft.JSInterop;

namespace Annotator.Web.Components;

/// <summary>
/// One of our ES modules as a component uses it: imported once, its attach function called on the component's
/// elements, the handle it returns called while the component lives, and all of it released when the component goes.
/// </summary>
/// <remarks>
/// <para>
/// The component can be disposed while the import or the attach is still on its way (the user clicks elsewhere at once,
/// a busy server): then the attach is never called (its arguments, such as a <see cref="DotNetObjectReference{T}"/>,
/// may already be disposed) or the handle that arrives is disposed at once, and the module after it. Calls after
/// disposal do nothing.
/// </para>
/// <para>
/// Every handle our scripts' attach functions return has a <c>dispose()</c> that removes its listeners and elements;
/// it is called before the handle's reference is released. <see cref="AttachAsync"/> again (a new image in the
/// workspace) or <see cref="DetachAsync"/> disposes the current handle and keeps the module.
/// </para>
/// <para>
/// <see cref="JSDisconnectedException"/> (the tab or the circuit is gone, so are the script's objects) is swallowed
/// everywhere, and nothing else: a <see cref="TaskCanceledException"/> means the browser did not answer within the
/// circuit's interop timeout or the caller's token gave up, which the caller decides about (the workspace's pushes
/// give up quietly, a call whose answer is needed should not).
/// </para>
/// </remarks>
public sealed class JsModule(IJSRuntime js, string path) : IAsyncDisposable
{
    private readonly Lock _lock = new();

    /// <summary>The import, started by the first attach and awaited by every one (null only from a stand-in runtime).</summary>
    private Task<IJSObjectReference?>? _import;
    private IJSObjectReference? _module;
    private IJSObjectReference? _handle;

    /// <summary>Bumped by every attach, detach and the disposal: an attach that finds it changed lost its place.</summary>
    private int _generation;

    /// <summary>Attaches under way; while there are any, the module is theirs to dispose after disposal.</summary>
    private int _attaching;

    private bool _disposed;
    private bool _moduleDisposed;

    /// <summary>The module's path, as imported.</summary>
    public string Path { get; } = path;

    /// <summary>Whether an attached handle is there to call (false before the attach answered, after a detach or disposal).</summary>
    public bool IsAttached
    {
        get
        {
            lock (_lock)
            {
                return _handle is not null;
            }
        }
    }

    /// <summary>
    /// Imports the module (the first time) and calls its function <paramref name="identifier"/> with
    /// <paramref name="args"/>; the handle it returns becomes the one <see cref="InvokeVoidAsync(string, object?[])"/>
    /// calls. A handle attached before is disposed first. Null, with nothing left attached, when this was disposed,
    /// detached or attached again before the answer came, or the circuit is gone.
    /// </summary>
    public async Task<IJSObjectReference?> AttachAsync(string identifier, params object?[] args)
    {
        IJSObjectReference? previous;
        int generation;
        lock (_lock)
        {
            if (_disposed)
            {
                return null;
            }
            generation = ++_generation;
            previous = _handle;
            _handle = null;
            _attaching++;
        }
        IJSObjectReference? handle = null;
        try
        {
            await DisposeHandleAsync(previous);
            var module = await ImportAsync();
            lock (_lock)
            {
                _module ??= module;
                if (module is null || generation != _generation)
                {
                    // Disposed, detached or attached again meanwhile: attach nothing (the arguments may be disposed).
                    return null;
                }
            }
            handle = await module.InvokeAsync<IJSObjectReference?>(identifier, args);
            lock (_lock)
            {
                if (generation == _generation)
                {
                    _handle = handle;
                    return handle;
                }
            }
            return null; // the finally disposes the handle that came too late
        }
        catch (JSDisconnectedException)
        {
            return null;
        }
        finally
        {
            IJSObjectReference? late;
            IJSObjectReference? module;
            lock (_lock)
            {
                late = handle is not null && !ReferenceEquals(handle, _handle) ? handle : null;
                _attaching--;
                module = TakeModuleIfDone();
            }
            await DisposeHandleAsync(late);
            await DisposeModuleAsync(module);
        }
    }

    /// <summary>Disposes the attached handle (and stops an attach under way from attaching); the module stays loaded.</summary>
    public async Task DetachAsync()
    {
        IJSObjectReference? handle;
        lock (_lock)
        {
            _generation++;
            handle = _handle;
            _handle = null;
        }
        await DisposeHandleAsync(handle);
    }

    /// <summary>Calls <paramref name="identifier"/> on the attached handle; nothing when there is none or the circuit is gone.</summary>
    public Task InvokeVoidAsync(string identifier, params object?[] args) => InvokeVoidAsync(identifier, CancellationToken.None, args);

    /// <inheritdoc cref="InvokeVoidAsync(string, object?[])"/>
    /// <param name="identifier">The handle's function.</param>
    /// <param name="cancellationToken">Gives up waiting for the browser (a <see cref="TaskCanceledException"/>).</param>
    /// <param name="args">Its arguments.</param>
    public async Task InvokeVoidAsync(string identifier, CancellationToken cancellationToken, params object?[] args)
    {
        if (Current() is not { } handle)
        {
            return;
        }
        try
        {
            await handle.InvokeVoidAsync(identifier, cancellationToken, args);
        }
        catch (JSDisconnectedException)
        {
            // The tab is gone; so is what the call was for.
        }
    }

    /// <summary>
    /// Calls <paramref name="identifier"/> on the attached handle and returns its answer, or <paramref name="unanswered"/>
    /// when there is no handle (not attached yet, detached, disposed) or the circuit is gone.
    /// </summary>
    public Task<TValue> InvokeAsync<TValue>(string identifier, TValue unanswered, params object?[] args) =>
        InvokeAsync(identifier, unanswered, CancellationToken.None, args);

    /// <inheritdoc cref="InvokeAsync{TValue}(string, TValue, object?[])"/>
    /// <param name="identifier">The handle's function.</param>
    /// <param name="unanswered">What to return when no handle can answer.</param>
    /// <param name="cancellationToken">Gives up waiting for the browser (a <see cref="TaskCanceledException"/>).</param>
    /// <param name="args">Its arguments.</param>
    public async Task<TValue> InvokeAsync<TValue>(string identifier, TValue unanswered, CancellationToken cancellationToken, params object?[] args)
    {
        if (Current() is not { } handle)
        {
            return unanswered;
        }
        try
        {
            return await handle.InvokeAsync<TValue>(identifier, cancellationToken, args);
        }
        catch (JSDisconnectedException)
        {
            return unanswered;
        }
    }

    /// <summary>
    /// Disposes the attached handle, then the module; an attach still under way disposes what it gets when it gets it.
    /// Safe to call more than once, and while an attach is under way.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        IJSObjectReference? handle;
        IJSObjectReference? module;
        lock (_lock)
        {
            _disposed = true;
            _generation++;
            handle = _handle;
            _handle = null;
            module = TakeModuleIfDone();
        }
        try
        {
            await DisposeHandleAsync(handle);
        }
        finally
        {
            await DisposeModuleAsync(module);
        }
    }

    /// <summary>The import every attach awaits; started by the first (again after one that failed at once).</summary>
    private Task<IJSObjectReference?> ImportAsync()
    {
        lock (_lock)
        {
            // The runtime throws at once when the circuit is already gone: then no import is kept.
            return _import ??= js.InvokeAsync<IJSObjectReference?>("import", Path).AsTask();
        }
    }

    private IJSObjectReference? Current()
    {
        lock (_lock)
        {
            return _handle;
        }
    }

    /// <summary>The module, once, when this is disposed and no attach is left to use it. Under the lock.</summary>
    private IJSObjectReference? TakeModuleIfDone()
    {
        if (!_disposed || _attaching > 0 || _moduleDisposed || _module is null)
        {
            return null;
        }
        _moduleDisposed = true;
        return _module;
    }

    private static async Task DisposeHandleAsync(IJSObjectReference? handle)
    {
        if (handle is null)
        {
            return;
        }
        try
        {
            try
            {
                await handle.InvokeVoidAsync("dispose");
            }
            finally
            {
                await handle.DisposeAsync();
            }
        }
        catch (JSDisconnectedException)
        {
            // The tab closed first: the script's listeners and elements went with it.
        }
    }

    private static async Task DisposeModuleAsync(IJSObjectReference? module)
    {
        if (module is null)
        {
            return;
        }
        try
        {
            await module.DisposeAsync();
        }
        catch (JSDisconnectedException)
        {
        }
    }
}
