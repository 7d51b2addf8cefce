using Annotator.Core.Accounts;
using Annotator.Tests.Infrastructure;

namespace Annotator.Tests.Reliability;

/// <summary>
/// A client that was away: after many changes by others it catches up (without reloading) to exactly the state the
/// others and the database have; asking from a sequence number the set never reached gets "reload".
/// </summary>
public sealed class CatchUpReliability(SqliteKestrelApp fixture) : IClassFixture<SqliteKestrelApp>
{
    private const int ChangesWhileAway = 150;

    [Fact]
    public async Task AClientAwayWhileOthersMadeManyChangesCatchesUpToTheSameState()
    {
        var app = fixture.App;
        var world = await HubWorld.BuildAsync(app);
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var away = new LiveReplica(() => app.ServerAddress, (await app.MintApiTokenAsync(world.Ann)).Secret, world.Image);
        await using var bob = new LiveReplica(() => app.ServerAddress, (await app.MintApiTokenAsync(world.Bob)).Secret, world.Image);
        await using var admin = new LiveReplica(() => app.ServerAddress,
            (await app.MintApiTokenAsync(world.Admin, role: AppRoles.Admin)).Secret, world.Image);
        await away.ConnectAsync(fromSnapshot: true, cancellationToken);
        await bob.ConnectAsync(fromSnapshot: true, cancellationToken);
        await admin.ConnectAsync(fromSnapshot: true, cancellationToken);
        var script = new EditScript(world.Taxonomy, bob.Width, bob.Height, new Random(42));
        for (var i = 0; i < 5; i++)
        {
            await away.SubmitAsync(script.Create(), cancellationToken);
        }
        await away.DisconnectAsync();
        var leftAt = away.LastApplied;

        var committed = 0;
        for (var i = 0; committed < ChangesWhileAway && i < ChangesWhileAway * 3; i++)
        {
            var other = i % 2 == 0 ? bob : admin;
            if (other.HasGap)
            {
                await other.CatchUpAsync(cancellationToken);
            }
            if ((await other.SubmitAsync(script.Next(other.Known), cancellationToken)).GetProperty("ok").GetBoolean())
            {
                committed++;
            }
        }
        Assert.Equal(ChangesWhileAway, committed);
        await away.ConnectAsync(fromSnapshot: false, cancellationToken);
        await bob.CatchUpAsync(cancellationToken);
        await admin.CatchUpAsync(cancellationToken);

        var audit = await OperationLogAudit.ReadAsync(app, world.AdminPrincipal, world.Image);
        Assert.Equal(leftAt + ChangesWhileAway, audit.Log[^1].Sequence);
        Assert.Equal(1, away.Snapshots);
        Assert.Equal(audit.Log[^1].Sequence, away.LastApplied);
        Assert.Equal(audit.Regions, away.Regions);
        Assert.Equal(audit.Answers, away.Answers);
        Assert.Equal(bob.Regions, away.Regions);
        Assert.Equal(admin.Regions, away.Regions);
        Assert.Equal(bob.Answers, away.Answers);

        // What came back is the current state of each changed region and answer, not the history.
        await using var probe = await app.ConnectHubAsync(world.Ann);
        var catchUp = await probe.CatchUpAsync(world.Image, leftAt, cancellationToken);
        var messages = catchUp.GetProperty("messages").GetArrayLength();
        Assert.False(catchUp.GetProperty("reload").GetBoolean());
        Assert.InRange(messages, 1, audit.Revisions.Count + world.Taxonomy.Questions.Count);
        TestContext.Current.TestOutputHelper?.WriteLine($"{ChangesWhileAway} changes while away came back as {messages} messages.");
    }

    [Fact]
    public async Task AResentOperationComesBackWithItsEarlierSequenceAndPrev()
    {
        var app = fixture.App;
        var world = await HubWorld.BuildAsync(app);
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var client = await app.ConnectHubAsync(world.Ann);
        await client.JoinAsync(world.Image, cancellationToken);
        var second = world.CreateBox(x: 60);

        await client.SubmitAsync(world.Image, world.CreateBox(), cancellationToken);
        var first = await client.SubmitAsync(world.Image, second, cancellationToken);
        await client.SubmitAsync(world.Image, world.CreateBox(x: 90), cancellationToken);
        var again = await client.SubmitAsync(world.Image, second, cancellationToken);

        // A client that lost its state applies results by prev: a retry must not claim to follow sequence 0.
        Assert.True(again.GetProperty("ok").GetBoolean(), again.ToString());
        Assert.Equal(first.GetProperty("sequence").GetInt64(), again.GetProperty("sequence").GetInt64());
        Assert.Equal(first.GetProperty("prev").GetInt64(), again.GetProperty("prev").GetInt64());
        Assert.Equal(3, await world.LoggedOperationsAsync(world.Ann));
    }

    [Fact]
    public async Task ASequenceNumberTheSetNeverReachedAsksForAReload()
    {
        var app = fixture.App;
        var world = await HubWorld.BuildAsync(app);
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var client = await app.ConnectHubAsync(world.Ann);
        await client.JoinAsync(world.Image, cancellationToken);

        var beforeAnyEdit = await client.CatchUpAsync(world.Image, 3, cancellationToken);
        await client.SubmitAsync(world.Image, world.CreateBox(), cancellationToken);
        await client.SubmitAsync(world.Image, world.CreateBox(x: 60), cancellationToken);
        var ahead = await client.CatchUpAsync(world.Image, 50, cancellationToken);
        var current = await client.CatchUpAsync(world.Image, 2, cancellationToken);

        Assert.True(beforeAnyEdit.GetProperty("reload").GetBoolean());
        Assert.Equal(0, beforeAnyEdit.GetProperty("lastSequence").GetInt64());
        Assert.True(ahead.GetProperty("reload").GetBoolean());
        Assert.Equal(2, ahead.GetProperty("lastSequence").GetInt64());
        Assert.Equal(0, ahead.GetProperty("messages").GetArrayLength());
        Assert.False(current.GetProperty("reload").GetBoolean());
        Assert.Equal(0, current.GetProperty("messages").GetArrayLength());
    }
}
