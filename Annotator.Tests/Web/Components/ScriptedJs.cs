using System.Collections.Concurrent;
using Microsoft.JSInterop;

namespace Annotator.Tests.Web.Components;

/// <summary>
/// JS interop whose answers the test times: an import the test held waits until the test hands over the module,
/// any other import answers at once with the module of that path (one <see cref="ScriptObject"/> per path).
/// </summary>
public sealed class ScriptedJs : IJSRuntime
{
    private readonly ConcurrentDictionary<string, ScriptObject> _modules = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource<IJSObjectReference>> _held = new();
    private readonly ConcurrentQueue<string> _imports = new();

    /// <summary>Thrown at once by every import (as the runtime does once the circuit is gone).</summary>
    public Exception? Fails { get; set; }

    /// <summary>The paths imported, in order.</summary>
    public IReadOnlyList<string> Imports => [.. _imports];

    /// <summary>The module an import of <paramref name="path"/> answers with.</summary>
    public ScriptObject Module(string path) => _modules.GetOrAdd(path, p => new ScriptObject(p));

    /// <summary>Makes the next import of <paramref name="path"/> wait until the test sets the result (or an exception).</summary>
    public TaskCompletionSource<IJSObjectReference> HoldImport(string path)
    {
        var held = new TaskCompletionSource<IJSObjectReference>(TaskCreationOptions.RunContinuationsAsynchronously);
        _held[path] = held;
        return held;
    }

    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => InvokeAsync<TValue>(identifier, CancellationToken.None, args);

    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args)
    {
        if (identifier != "import" || args is not [string path])
        {
            return ValueTask.FromResult(default(TValue)!); // MudBlazor's own calls
        }
        _imports.Enqueue(path);
        if (Fails is { } failure)
        {
            throw failure;
        }
        return _held.TryRemove(path, out var held)
            ? new ValueTask<TValue>(held.Task.ContinueWith(t => (TValue)t.GetAwaiter().GetResult(), cancellationToken, TaskContinuationOptions.None, TaskScheduler.Default))
            : ValueTask.FromResult((TValue)(object)Module(path));
    }
}

/// <summary>
/// A JS object (a module, or the handle its attach function returned) that records what is done to it. A call whose
/// result is an object reference answers with a new <see cref="ScriptObject"/> (kept in <see cref="Handles"/>); other
/// calls answer with the default, or with <see cref="Answer"/>. A call the test held waits for the test.
/// </summary>
public sealed class ScriptObject(string name) : IJSObjectReference
{
    private readonly Lock _lock = new();
    private readonly List<string> _events = [];
    private readonly List<object?[]> _arguments = [];
    private readonly List<ScriptObject> _handles = [];
    private readonly Dictionary<string, TaskCompletionSource> _holds = [];

    /// <summary>What the object is (a path, or the function that made it).</summary>
    public string Name { get; } = name;

    /// <summary>Thrown by every later call and by the disposal (e.g. a <see cref="JSDisconnectedException"/>: the tab closed).</summary>
    public Exception? Fails { get; set; }

    /// <summary>What calls not returning an object reference answer with (default: the type's default).</summary>
    public object? Answer { get; set; }

    /// <summary>Each call's function name, and "released" for <see cref="DisposeAsync"/>, in order.</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_lock)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>The arguments of each call, in order.</summary>
    public IReadOnlyList<object?[]> Arguments
    {
        get
        {
            lock (_lock)
            {
                return [.. _arguments];
            }
        }
    }

    /// <summary>The objects the calls on this one returned, in order.</summary>
    public IReadOnlyList<ScriptObject> Handles
    {
        get
        {
            lock (_lock)
            {
                return [.. _handles];
            }
        }
    }

    /// <summary>Completes when <see cref="DisposeAsync"/> was called.</summary>
    public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Makes the next call of <paramref name="identifier"/> wait until the test completes what this returns.</summary>
    public TaskCompletionSource Hold(string identifier)
    {
        var hold = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_lock)
        {
            _holds[identifier] = hold;
        }
        return hold;
    }

    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, object?[]? args) => InvokeAsync<TValue>(identifier, CancellationToken.None, args);

    public ValueTask<TValue> InvokeAsync<TValue>(string identifier, CancellationToken cancellationToken, object?[]? args)
    {
        TaskCompletionSource? hold;
        TValue result;
        lock (_lock)
        {
            _events.Add(identifier);
            _arguments.Add(args ?? []);
            if (Fails is { } failure)
            {
                return ValueTask.FromException<TValue>(failure);
            }
            if (typeof(TValue) == typeof(IJSObjectReference))
            {
                var handle = new ScriptObject($"{Name}:{identifier}");
                _handles.Add(handle);
                result = (TValue)(object)handle;
            }
            else
            {
                result = Answer is TValue answer ? answer : default!;
            }
            _holds.Remove(identifier, out hold);
        }
        return hold is null
            ? ValueTask.FromResult(result)
            : new ValueTask<TValue>(hold.Task.WaitAsync(cancellationToken).ContinueWith(t =>
            {
                t.GetAwaiter().GetResult();
                return result;
            }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default));
    }

    public ValueTask DisposeAsync()
    {
        lock (_lock)
        {
            _events.Add("released");
        }
        Released.TrySetResult();
        return Fails is { } failure ? ValueTask.FromException(failure) : ValueTask.CompletedTask;
    }
}
