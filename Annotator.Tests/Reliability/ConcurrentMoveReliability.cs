using Annotator.Tests.Infrastructure;

namespace Annotator.Tests.Reliability;

/// <summary>
/// Two people move the same box at the same moment, both from the same revision, over the real hub: one move wins,
/// the other is refused as a conflict carrying the winner's shape, the database holds the winner, and both clients end
/// with the same state. Several rounds, each from the revision the last one left.
/// </summary>
public abstract class ConcurrentMoveReliability<TApp>(TApp fixture) where TApp : AppFixture
{
    private const int Rounds = 8;

    [Fact]
    public async Task TwoUsersMovingOneBoxAtOnceOneWinsAndBothConverge()
    {
        var app = fixture.App;
        var world = await HubWorld.BuildAsync(app);
        var cancellationToken = TestContext.Current.CancellationToken;
        await using var ann = new LiveReplica(() => app.ServerAddress, (await app.MintApiTokenAsync(world.Ann)).Secret, world.Image);
        await using var bob = new LiveReplica(() => app.ServerAddress, (await app.MintApiTokenAsync(world.Bob)).Secret, world.Image);
        await ann.ConnectAsync(fromSnapshot: true, cancellationToken);
        await bob.ConnectAsync(fromSnapshot: true, cancellationToken);
        var script = new EditScript(world.Taxonomy, ann.Width, ann.Height, new Random(7));
        var created = await ann.SubmitAsync(script.Create(), cancellationToken);
        var id = created.GetProperty("regionId").GetGuid();
        await bob.CatchUpAsync(cancellationToken);

        var wins = new Dictionary<string, int> { ["ann"] = 0, ["bob"] = 0 };
        for (var round = 0; round < Rounds; round++)
        {
            var baseRevision = ann.Known[id].Revision;
            Assert.Equal(baseRevision, bob.Known[id].Revision);
            var moves = new[] { script.Move(id, baseRevision), script.Move(id, baseRevision) };
            // Who sends first alternates, so both sides get to win.
            var results = round % 2 == 0
                ? await Task.WhenAll(ann.SubmitAsync(moves[0], cancellationToken), bob.SubmitAsync(moves[1], cancellationToken))
                : (await Task.WhenAll(bob.SubmitAsync(moves[1], cancellationToken), ann.SubmitAsync(moves[0], cancellationToken))).Reverse().ToArray();

            var winners = results.Where(r => r.GetProperty("ok").GetBoolean()).ToList();
            var winner = Assert.Single(winners);
            var loser = Assert.Single(results, r => !r.GetProperty("ok").GetBoolean());
            wins[winner.GetProperty("authorId").GetString() == world.Ann.Id ? "ann" : "bob"]++;
            Assert.Equal("changed", loser.GetProperty("conflict").GetString());
            Assert.Equal(id, loser.GetProperty("regionId").GetGuid());
            Assert.Equal(baseRevision + 1, winner.GetProperty("revision").GetInt32());
            Assert.Equal(winner.GetProperty("region").GetRawText(), loser.GetProperty("region").GetRawText());
            Assert.NotEqual(baseRevision + 2, loser.GetProperty("revision").GetInt32());

            var audit = await OperationLogAudit.ReadAsync(app, world.AdminPrincipal, world.Image);
            Assert.Equal(winner.GetProperty("region").GetRawText(), audit.Regions[id]);
            Assert.Equal(audit.Regions, ann.Regions);
            Assert.Equal(audit.Regions, bob.Regions);
        }
        await ann.CatchUpAsync(cancellationToken);
        await bob.CatchUpAsync(cancellationToken);
        var final = await OperationLogAudit.ReadAsync(app, world.AdminPrincipal, world.Image);
        final.AssertAppliedOnce();
        final.AssertContains([.. ann.Acknowledged, .. bob.Acknowledged]);
        Assert.Equal(1 + Rounds, final.Log.Count);
        Assert.Equal(final.Regions, ann.Regions);
        Assert.Equal(final.Regions, bob.Regions);
        TestContext.Current.TestOutputHelper?.WriteLine($"{Rounds} rounds: Ann won {wins["ann"]}, Bob won {wins["bob"]}.");
    }
}

public sealed class ConcurrentMoveReliabilityOnSqlite(SqliteKestrelApp app)
    : ConcurrentMoveReliability<SqliteKestrelApp>(app), IClassFixture<SqliteKestrelApp>;

public sealed class ConcurrentMoveReliabilityOnPostgres(PostgresKestrelApp app)
    : ConcurrentMoveReliability<PostgresKestrelApp>(app), IClassFixture<PostgresKestrelApp>;
