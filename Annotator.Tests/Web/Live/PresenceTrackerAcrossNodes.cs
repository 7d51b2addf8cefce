using Annotator.Tests.Infrastructure;
using Annotator.Web.Collaboration;
using Annotator.Web.Feed;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Annotator.Tests.Web.Live;

/// <summary>
/// Two trackers (two "nodes") on one real feed: the in-process feed, and Redis pub/sub when it is available. Who views
/// what, pointers and selections reach the other node; blind labelers' sets stay private; silent nodes expire; cursor
/// floods are dropped.
/// </summary>
public sealed class PresenceTrackerAcrossNodes : IAsyncDisposable
{
    private const int Project = 7;
    private const int Image = 70;
    private readonly List<IAsyncDisposable> _owned = [];

    private static PresenceJoin Viewer(string user, int image = Image, string? setOwner = null) =>
        new(Project, image, setOwner, user, user.ToUpperInvariant() + " Tester");

    private PresenceTracker Tracker(IFeed feed, TimeProvider clock)
    {
        var tracker = new PresenceTracker(feed, clock, NullLogger<PresenceTracker>.Instance);
        _owned.Add(tracker);
        return tracker;
    }

    private static InProcessFeed InProcessFeed() => new(NullLogger<InProcessFeed>.Instance);

    private static Task Nothing() => Task.CompletedTask;

    [Fact]
    public async Task AViewerOnOneNodeIsSeenOnTheOtherWithPointerAndSelectionAndGoesWhenLeaving()
    {
        var feed = InProcessFeed();
        var clock = new ManualClock();
        var a = Tracker(feed, clock);
        var b = Tracker(feed, clock);
        var gridCalls = 0;
        using var grid = b.Subscribe(Project, () =>
        {
            Interlocked.Increment(ref gridCalls);
            return Task.CompletedTask;
        });

        var ann = a.Join(Viewer("ann"), Nothing);
        await Eventually.TrueAsync(() => b.Viewers(Project).Count == 1, "B to see Ann");
        var seen = Assert.Single(b.Viewers(Project));
        Assert.Equal(("ann", "ANN Tester", Image, PresenceColors.For("ann")), (seen.UserId, seen.DisplayName, seen.ImageId, seen.Color));
        Assert.Equal("AT", seen.Initials);
        await Eventually.TrueAsync(() => Volatile.Read(ref gridCalls) > 0, "the grid subscriber to be told");

        var bobChanges = 0;
        using var bob = b.Join(Viewer("bob"), () =>
        {
            Interlocked.Increment(ref bobChanges);
            return Task.CompletedTask;
        });
        Assert.Equal("ann", Assert.Single(bob.ImageViewers()).UserId);
        await Eventually.TrueAsync(() => ann.Peers().Count == 1, "A to learn of Bob");

        Assert.True(ann.MoveCursor(new PresencePoint(120.5, 80)));
        var region = Guid.NewGuid();
        ann.Select([region]);
        // State first, then the callback: wait for both.
        await Eventually.TrueAsync(() => bob.Peers() is [{ Cursor: not null, Selection.Count: 1 }] && Volatile.Read(ref bobChanges) > 0,
            "Ann's pointer and selection on B, and Bob told");
        var peer = Assert.Single(bob.Peers());
        Assert.Equal(new PresencePoint(120.5, 80), peer.Cursor);
        Assert.Equal([region], peer.Selection);

        clock.Advance(TimeSpan.FromMilliseconds(200));
        Assert.True(ann.MoveCursor(null));
        await Eventually.TrueAsync(() => bob.Peers() is [{ Cursor: null }], "Ann's pointer to leave the image on B");

        ann.Dispose();
        await Eventually.TrueAsync(() => bob.Peers().Count == 0 && bob.ImageViewers().Count == 0, "Ann to be gone on B");
        Assert.Equal("bob", Assert.Single(b.Viewers(Project)).UserId);
    }

    [Fact]
    public async Task BlindLabelersSeeWhoIsOnTheImageButNotEachOthersPointersOrSelections()
    {
        var feed = InProcessFeed();
        var clock = new ManualClock();
        var a = Tracker(feed, clock);
        var b = Tracker(feed, clock);
        using var ann = a.Join(Viewer("ann", setOwner: "ann"), Nothing);
        using var bob = b.Join(Viewer("bob", setOwner: "bob"), Nothing);
        using var cyd = b.Join(Viewer("cyd", setOwner: "ann"), Nothing);
        await Eventually.TrueAsync(() => bob.ImageViewers().Count == 2 && ann.ImageViewers().Count == 2, "both nodes to see everyone");

        Assert.True(ann.MoveCursor(new PresencePoint(10, 10)));
        ann.Select([Guid.NewGuid()]);
        // The one in Ann's set (a reviewer looking at it) gets them; the other blind labeler never does.
        await Eventually.TrueAsync(() => cyd.Peers() is [{ Cursor: not null, Selection.Count: 1 }], "the viewer of Ann's set to get them");
        Assert.Empty(bob.Peers());
        Assert.Equal(["ann", "cyd"], bob.ImageViewers().Select(v => v.UserId));
    }

    [Fact]
    public async Task PointerUpdatesBeyondTwelveASecondAreDroppedButAJitteredOneIsNot()
    {
        var clock = new ManualClock();
        var tracker = Tracker(InProcessFeed(), clock);
        using var ann = tracker.Join(Viewer("ann"), Nothing);
        using var bob = tracker.Join(Viewer("bob"), Nothing);

        // A browser sends one every 100 ms at most; two may arrive 40 ms apart. Both pass: a burst of three does.
        Assert.True(ann.MoveCursor(new PresencePoint(1, 1)));
        clock.Advance(TimeSpan.FromMilliseconds(40));
        Assert.True(ann.MoveCursor(new PresencePoint(2, 2)));
        clock.Advance(TimeSpan.FromMilliseconds(10));
        Assert.True(ann.MoveCursor(new PresencePoint(3, 3)));
        clock.Advance(TimeSpan.FromMilliseconds(10));
        // A fourth back to back is more than the burst: dropped; the others see the last one that passed.
        Assert.False(ann.MoveCursor(new PresencePoint(4, 4)));
        Assert.Equal(new PresencePoint(3, 3), Assert.Single(bob.Peers()).Cursor);
        // One update's worth of time later (1/12 s), one more passes.
        clock.Advance(TimeSpan.FromMilliseconds(84));
        Assert.True(ann.MoveCursor(new PresencePoint(5, 5)));
        Assert.False(ann.MoveCursor(new PresencePoint(6, 6)));
        Assert.False(ann.MoveCursor(new PresencePoint(double.NaN, 3)));
        // Leaving the image always gets through, so no pointer is left behind.
        Assert.True(ann.MoveCursor(null));
        Assert.Null(Assert.Single(bob.Peers()).Cursor);
        // Sustained, no more than twelve a second pass.
        var passed = 0;
        for (var i = 0; i < 100; i++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            passed += ann.MoveCursor(new PresencePoint(10 + i, 10)) ? 1 : 0;
        }
        Assert.InRange(passed, 12, 12 + (int)PresenceTracker.CursorBurst);
        await Task.CompletedTask;
    }

    [Fact]
    public async Task ViewersOfANodeThatFallsSilentExpireAndALateNodeLearnsTheOthersAtOnce()
    {
        var feed = InProcessFeed();
        var clock = new ManualClock();
        var a = Tracker(feed, clock);
        // B's clock never moves: it never sends a heartbeat, like a node that died without saying goodbye.
        var b = Tracker(feed, new ManualClock());
        using var bob = b.Join(Viewer("bob"), Nothing);
        // A joins after Bob: its hello makes B publish Bob at once, not at the next heartbeat.
        using var ann = a.Join(Viewer("ann"), Nothing);
        await Eventually.TrueAsync(() => ann.Peers().Count == 1, "A to learn of Bob");

        clock.Advance(TimeSpan.FromSeconds(25));
        Assert.Single(ann.Peers());
        // Expiry is checked at each heartbeat: gone by the first one more than 30 s after Bob was last heard of.
        clock.Advance(TimeSpan.FromSeconds(16));
        Assert.Empty(ann.Peers());
        Assert.Equal("ann", Assert.Single(a.Viewers(Project)).UserId);
        // A keeps its heartbeat, so B keeps seeing Ann.
        Assert.Single(bob.Peers());
    }

    [Fact]
    public async Task AViewerWhoseConnectionDropsIsHiddenEverywhereUntilItComesBack()
    {
        var feed = InProcessFeed();
        var clock = new ManualClock();
        var a = Tracker(feed, clock);
        var b = Tracker(feed, clock);
        using var ann = a.Join(Viewer("ann"), Nothing);
        var bobChanges = 0;
        using var bob = b.Join(Viewer("bob"), () =>
        {
            Interlocked.Increment(ref bobChanges);
            return Task.CompletedTask;
        });
        await Eventually.TrueAsync(() => ann.Peers().Count == 1 && bob.Peers().Count == 1, "both to see each other");

        bob.SetConnected(false);
        await Eventually.TrueAsync(() => ann.Peers().Count == 0 && a.Viewers(Project).Count == 1, "Bob to be hidden on A");
        Assert.DoesNotContain(b.ViewersOfImage(Image), v => v.UserId == "bob");
        // Heartbeats do not bring a disconnected viewer back.
        clock.Advance(TimeSpan.FromSeconds(11));
        await Task.Delay(100, TestContext.Current.CancellationToken);
        Assert.Empty(ann.Peers());

        var before = Volatile.Read(ref bobChanges);
        bob.SetConnected(true);
        await Eventually.TrueAsync(() => ann.Peers().Count == 1 && Volatile.Read(ref bobChanges) > before, "Bob back, and told to re-read");
        Assert.Equal("ann", Assert.Single(bob.Peers()).UserId);
    }

    [Fact]
    public async Task TwoNodesOnRedisSeeEachOthersViewersPointersAndSelections()
    {
        TestEnvironment.RequireRedis();
        var prefix = "annotator-test-" + Guid.NewGuid().ToString("N")[..8];
        var options = Options.Create(new Annotator.Web.Feed.FeedOptions { Redis = TestEnvironment.Redis, ChannelPrefix = prefix });
        var feedA = new RedisFeed(options, NullLogger<RedisFeed>.Instance);
        var feedB = new RedisFeed(options, NullLogger<RedisFeed>.Instance);
        _owned.Add(feedA);
        _owned.Add(feedB);
        await feedA.StartAsync();
        await feedB.StartAsync();
        var a = Tracker(feedA, TimeProvider.System);
        var b = Tracker(feedB, TimeProvider.System);

        using var ann = a.Join(Viewer("ann"), Nothing);
        using var bob = b.Join(Viewer("bob"), Nothing);
        await Eventually.TrueAsync(() => ann.Peers().Count == 1 && bob.Peers().Count == 1, "both nodes to see each other through Redis");
        Assert.True(ann.MoveCursor(new PresencePoint(33, 44)));
        var region = Guid.NewGuid();
        ann.Select([region]);
        await Eventually.TrueAsync(() => bob.Peers() is [{ Cursor: { X: 33, Y: 44 } }] && bob.Peers()[0].Selection.SequenceEqual([region]),
            "Ann's pointer and selection through Redis");
        Assert.Equal(["ann", "bob"], b.Viewers(Project).Select(v => v.UserId));

        // A node shutting down says goodbye: its viewers disappear at once, not after the expiry.
        _owned.Remove(a);
        await a.DisposeAsync();
        await Eventually.TrueAsync(() => bob.Peers().Count == 0, "Ann's node to be gone on B");
    }

    public async ValueTask DisposeAsync()
    {
        // Trackers first (they say goodbye on their feed), then the feeds.
        foreach (var owned in _owned.OrderBy(o => o is PresenceTracker ? 0 : 1))
        {
            await owned.DisposeAsync();
        }
    }
}
