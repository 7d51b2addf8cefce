using Annotator.Core.Annotations;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Feed;
using Annotator.Web.Annotations;

namespace Annotator.Tests.Web.Live;

/// <summary>
/// The receive side of the feed across nodes puts each image's operations back into sequence order: a message that
/// arrives before the one it follows waits for it, but never longer than the hold time (on a clock moved by hand).
/// </summary>
public sealed class EditSequencerOrder : IDisposable
{
    private static readonly TimeSpan Hold = TimeSpan.FromMilliseconds(250);
    private const string Key = "7/";

    private readonly ManualClock _clock = new();
    private readonly List<FeedEnvelope> _delivered = [];
    private readonly EditSequencer _sequencer;

    public EditSequencerOrder() => _sequencer = new EditSequencer(Hold, _clock, _delivered.Add);

    public void Dispose() => _sequencer.Dispose();

    private static FeedEnvelope Edit(long sequence, long previous, string key = Key) =>
        new(FeedTopics.Edit, key, $$"""{"ok":true,"opId":"{{Guid.NewGuid()}}","imageId":7,"sequence":{{sequence}},"prev":{{previous}},"type":"create"}""");

    private List<long> Sequences(string key = Key) =>
        [.. _delivered.Where(m => m.Key == key).Select(m => EditSequencer.ReadSequence(m.Payload)!.Value.Sequence)];

    [Fact]
    public void MessagesInOrderPassStraightThrough()
    {
        _sequencer.Receive(Edit(4, 0));
        _sequencer.Receive(Edit(5, 4));
        _sequencer.Receive(Edit(9, 5));

        Assert.Equal([4, 5, 9], Sequences());
        Assert.Equal(0, _sequencer.Waiting);
    }

    [Fact]
    public void AMessageAheadOfItsPredecessorWaitsForIt()
    {
        _sequencer.Receive(Edit(10, 9));
        _sequencer.Receive(Edit(12, 11));
        _sequencer.Receive(Edit(13, 12));

        Assert.Equal([10], Sequences());
        Assert.Equal(2, _sequencer.Waiting);

        _sequencer.Receive(Edit(11, 10));

        Assert.Equal([10, 11, 12, 13], Sequences());
        Assert.Equal(0, _sequencer.Waiting);
    }

    [Fact]
    public void AMissingMessageHoldsTheLaterOnesForTheHoldTimeOnlyAndThenTheyGoInOrder()
    {
        _sequencer.Receive(Edit(1, 0));
        _sequencer.Receive(Edit(4, 3));
        _clock.Advance(TimeSpan.FromMilliseconds(100));
        _sequencer.Receive(Edit(3, 2));

        _clock.Advance(Hold - TimeSpan.FromMilliseconds(101));
        Assert.Equal([1], Sequences());

        // The wait of 4 ends first; 3, which came later, goes with it, before it.
        _clock.Advance(TimeSpan.FromMilliseconds(1));
        Assert.Equal([1, 3, 4], Sequences());
        Assert.Equal(0, _sequencer.Waiting);

        // The missing one turns up after all: late, not never. What follows on from 4 is not held.
        _sequencer.Receive(Edit(2, 1));
        _sequencer.Receive(Edit(5, 4));
        Assert.Equal([1, 3, 4, 2, 5], Sequences());
    }

    [Fact]
    public void OneImageWaitingHoldsUpNeitherOtherImagesNorOtherTopics()
    {
        _sequencer.Receive(Edit(1, 0));
        _sequencer.Receive(Edit(1, 0, key: "8/"));
        _sequencer.Receive(Edit(3, 2));

        _sequencer.Receive(Edit(2, 1, key: "8/"));
        _sequencer.Receive(new FeedEnvelope(FeedTopics.Presence, "1", """{"sequence":1,"prev":0}"""));
        _sequencer.Receive(Edit(2, 1, key: "7/alice"));

        Assert.Equal([1], Sequences());
        Assert.Equal([1, 2], Sequences("8/"));
        Assert.Equal([2], Sequences("7/alice"));
        Assert.Single(_delivered, m => m.Topic == FeedTopics.Presence);
    }

    [Fact]
    public void WithNoHoldTimeNothingWaits()
    {
        using var sequencer = new EditSequencer(TimeSpan.Zero, _clock, _delivered.Add);
        sequencer.Receive(Edit(1, 0));
        sequencer.Receive(Edit(3, 2));

        Assert.Equal([1, 3], Sequences());
    }

    [Fact]
    public void ReadsTheNumbersOfACommittedResultAndNothingFromOtherMessages()
    {
        var region = new RegionData(Guid.NewGuid(), Guid.NewGuid(), Annotator.Core.Geometry.ShapeKind.Box,
            """{"x":1,"y":2,"w":3,"h":4}""", "{}", 0, false, false);
        var committed = new EditOutcome(Guid.NewGuid(), null, new CreateRegionOp(Guid.NewGuid(), region), 42, "user",
            Region: region, Revision: 1, ImageId: 7, Previous: 40);

        Assert.Equal((42L, 40L), EditSequencer.ReadSequence(committed.ToJson()));
        Assert.Null(EditSequencer.ReadSequence(EditOutcome.Refused(Guid.NewGuid(), "No.").ToJson()));
        Assert.Null(EditSequencer.ReadSequence("not json"));
        Assert.Null(EditSequencer.ReadSequence("""{"sequence":{"nested":1},"prev":2}"""));
    }
}
