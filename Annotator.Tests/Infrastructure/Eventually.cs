using System.Diagnostics;

namespace Annotator.Tests.Infrastructure;

/// <summary>
/// Waits for a condition that another thread, node or browser makes true (a commit after a gesture, a message from
/// another node): asks again every few milliseconds and fails, naming what it waited for, once the patience is spent.
/// A wait, not a timed assertion: the patience only bounds a test that would otherwise hang.
/// </summary>
public static class Eventually
{
    /// <summary>Patience when a test gives none.</summary>
    public static readonly TimeSpan DefaultPatience = TimeSpan.FromSeconds(10);

    /// <summary>Pause between two looks when a test gives none.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromMilliseconds(20);

    /// <summary>Waits until <paramref name="condition"/> holds; fails with "… waiting for <paramref name="what"/>" otherwise.</summary>
    /// <param name="condition">Looked at first at once, then after each pause.</param>
    /// <param name="what">What is awaited, for the failure message ("the box moved right").</param>
    /// <param name="patience">How long to wait (<see cref="DefaultPatience"/> when not given).</param>
    /// <param name="interval">Pause between two looks (<see cref="DefaultInterval"/> when not given).</param>
    /// <param name="lastSeen">What was last seen instead, added to the failure message.</param>
    public static Task TrueAsync(Func<bool> condition, string what, TimeSpan? patience = null, TimeSpan? interval = null,
        Func<string>? lastSeen = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        return TrueAsync(() => Task.FromResult(condition()), what, patience, interval, lastSeen);
    }

    /// <inheritdoc cref="TrueAsync(Func{bool}, string, TimeSpan?, TimeSpan?, Func{string}?)"/>
    public static async Task TrueAsync(Func<Task<bool>> condition, string what, TimeSpan? patience = null, TimeSpan? interval = null,
        Func<string>? lastSeen = null)
    {
        ArgumentNullException.ThrowIfNull(condition);
        var limit = patience ?? DefaultPatience;
        var clock = Stopwatch.StartNew();
        while (!await condition())
        {
            if (clock.Elapsed >= limit)
            {
                Assert.Fail($"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}." + (lastSeen is null ? "" : $" Last seen: {lastSeen()}."));
            }
            await Task.Delay(interval ?? DefaultInterval, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>
    /// Waits until <paramref name="probe"/> returns something (not null) and returns it; fails with "… waiting for
    /// <paramref name="what"/>" otherwise.
    /// </summary>
    /// <param name="probe">Looked at first at once, then after each pause.</param>
    /// <param name="what">What is awaited, for the failure message.</param>
    /// <param name="patience">How long to wait (<see cref="DefaultPatience"/> when not given).</param>
    /// <param name="interval">Pause between two looks (<see cref="DefaultInterval"/> when not given).</param>
    public static async Task<T> ValueAsync<T>(Func<T?> probe, string what, TimeSpan? patience = null, TimeSpan? interval = null)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(probe);
        T? found = null;
        await TrueAsync(() => (found = probe()) is not null, what, patience, interval);
        return found!;
    }
}
