using System.Text;
using System.Text.Json;

namespace Annotator.Web.Feed;

/// <summary>
/// Puts the edit messages of each key (image and set) back into sequence order where a feed from several nodes comes
/// in. Every node publishes after its own commit, so node B's operation 11 can reach Redis before node A's 10. A message
/// whose <c>prev</c> is not the last sequence number delivered for its key waits, at most <c>hold</c>, for the missing
/// one; then it is delivered anyway (with whatever waited before it, in order), and the receivers see the gap and catch
/// up from the operation log. Messages of other topics, and edits of a key not seen before, pass straight through.
/// </summary>
/// <remarks>
/// Thread-safe: Redis's receive loop and the hold timer both hand messages on, one at a time, under one lock, so
/// <c>deliver</c> must not block (the feed's subscriptions only queue).
/// </remarks>
public sealed class EditSequencer : IDisposable
{
    /// <summary>A key not heard of for this long is forgotten (its next message passes straight through).</summary>
    private static readonly TimeSpan Idle = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, KeyState> _keys = [];
    private readonly TimeSpan _hold;
    private readonly TimeProvider _clock;
    private readonly Action<FeedEnvelope> _deliver;
    private readonly ITimer _timer;
    private DateTimeOffset _swept;

    /// <summary>Delivers through <paramref name="deliver"/>, holding a message out of order at most <paramref name="hold"/>.</summary>
    public EditSequencer(TimeSpan hold, TimeProvider clock, Action<FeedEnvelope> deliver)
    {
        ArgumentNullException.ThrowIfNull(clock);
        ArgumentOutOfRangeException.ThrowIfLessThan(hold, TimeSpan.Zero);
        _hold = hold;
        _clock = clock;
        _deliver = deliver;
        _swept = clock.GetUtcNow();
        _timer = clock.CreateTimer(_ => Expire(), null, Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Messages waiting for an earlier one right now (for tests and metrics).</summary>
    public int Waiting
    {
        get
        {
            lock (_gate)
            {
                return _keys.Values.Sum(k => k.Waiting.Count);
            }
        }
    }

    /// <summary>Takes a message from the feed: delivers it now, or holds it until the one before it has come.</summary>
    public void Receive(FeedEnvelope message)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (message.Topic != FeedTopics.Edit || _hold == TimeSpan.Zero || ReadSequence(message.Payload) is not var (sequence, previous))
        {
            _deliver(message);
            return;
        }
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            Sweep(now);
            if (!_keys.TryGetValue(message.Key, out var key))
            {
                _keys[message.Key] = new KeyState { Last = sequence, Touched = now };
                _deliver(message);
                return;
            }
            key.Touched = now;
            if (sequence <= key.Last)
            {
                // It comes after its wait ran out and later ones went ahead: late beats never (a receiver that caught up
                // meanwhile ignores it).
                _deliver(message);
                return;
            }
            if (previous <= key.Last && key.Waiting.Count == 0)
            {
                key.Last = sequence;
                _deliver(message);
                return;
            }
            key.Waiting[sequence] = new Held(message, previous, now + _hold);
            Drain(key);
            Schedule(now);
        }
    }

    /// <summary>Delivers the waiting messages of <paramref name="key"/> that follow on from its last delivered one.</summary>
    private void Drain(KeyState key)
    {
        while (key.Waiting.Count > 0 && key.Waiting.GetValueAtIndex(0) is var first && first.Previous <= key.Last)
        {
            var sequence = key.Waiting.GetKeyAtIndex(0);
            key.Waiting.RemoveAt(0);
            key.Last = Math.Max(key.Last, sequence);
            _deliver(first.Message);
        }
    }

    /// <summary>The hold timer: for each key, everything up to its newest message whose wait is over goes out, in order.</summary>
    private void Expire()
    {
        lock (_gate)
        {
            var now = _clock.GetUtcNow();
            foreach (var key in _keys.Values)
            {
                var due = -1;
                for (var i = 0; i < key.Waiting.Count; i++)
                {
                    if (key.Waiting.GetValueAtIndex(i).Due <= now)
                    {
                        due = i;
                    }
                }
                for (; due >= 0; due--)
                {
                    var sequence = key.Waiting.GetKeyAtIndex(0);
                    var held = key.Waiting.GetValueAtIndex(0);
                    key.Waiting.RemoveAt(0);
                    key.Last = Math.Max(key.Last, sequence);
                    _deliver(held.Message);
                }
                Drain(key);
            }
            Schedule(now);
        }
    }

    /// <summary>Sets the timer to the earliest wait that ends (or off when nothing waits).</summary>
    private void Schedule(DateTimeOffset now)
    {
        DateTimeOffset? next = null;
        foreach (var key in _keys.Values)
        {
            foreach (var held in key.Waiting.Values)
            {
                if (next is null || held.Due < next)
                {
                    next = held.Due;
                }
            }
        }
        _timer.Change(next is { } due ? (due > now ? due - now : TimeSpan.Zero) : Timeout.InfiniteTimeSpan, Timeout.InfiniteTimeSpan);
    }

    /// <summary>Forgets keys idle for a while, so memory follows the images being edited, not every image ever edited.</summary>
    private void Sweep(DateTimeOffset now)
    {
        if (now - _swept < Idle)
        {
            return;
        }
        _swept = now;
        foreach (var (name, key) in _keys.Where(k => k.Value.Waiting.Count == 0 && now - k.Value.Touched >= Idle).ToList())
        {
            _keys.Remove(name);
        }
    }

    /// <summary>How much of a message is read for its numbers: the result JSON writes them near the start.</summary>
    private const int Prefix = 1024;

    /// <summary>The <c>sequence</c> and <c>prev</c> of a committed operation's result JSON; null for anything else.</summary>
    /// <param name="payload">A message of the edit topic.</param>
    public static (long Sequence, long Previous)? ReadSequence(string payload)
    {
        var whole = payload.Length <= Prefix;
        var reader = new Utf8JsonReader(Encoding.UTF8.GetBytes(whole ? payload : payload[..Prefix]), whole, default);
        long? sequence = null;
        long? previous = null;
        try
        {
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return null;
            }
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var isSequence = reader.ValueTextEquals("sequence"u8);
                var isPrevious = reader.ValueTextEquals("prev"u8);
                if (!reader.Read())
                {
                    return null;
                }
                if ((isSequence || isPrevious) && reader.TokenType == JsonTokenType.Number && reader.TryGetInt64(out var value))
                {
                    if (isSequence)
                    {
                        sequence = value;
                    }
                    else
                    {
                        previous = value;
                    }
                    if (sequence is { } s && previous is { } p)
                    {
                        return (s, p);
                    }
                }
                else if (!reader.TrySkip())
                {
                    return null;
                }
            }
            return null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <inheritdoc />
    public void Dispose() => _timer.Dispose();

    private sealed class KeyState
    {
        public long Last { get; set; }

        public DateTimeOffset Touched { get; set; }

        public SortedList<long, Held> Waiting { get; } = [];
    }

    private sealed record Held(FeedEnvelope Message, long Previous, DateTimeOffset Due);
}
