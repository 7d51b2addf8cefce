using System.Diagnostics;
using Annotator.Core.Accounts;
using Annotator.Web.Data;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;

namespace Annotator.Tests.Reliability;

/// <summary>
/// Five programs edit one image at once over the real hub (Kestrel on 127.0.0.1, WebSockets), each from its own view
/// of it: seeded random creates, moves, relabels, reorders, deletes, restores and answers, with small random pauses,
/// dropped connections (between operations and while one is on its way, which is then resent with the same opId) and
/// reconnects that either catch up or load a snapshot. Conflicts are expected; each client adopts the state they
/// carry. In the end every client, after a last CatchUp, holds exactly what the database holds, and every acknowledged
/// operation is in the operation log once.
/// </summary>
public abstract class HubConvergenceReliability<TApp>(TApp fixture) where TApp : AppFixture
{
    private const int Clients = 5;
    private const int OperationsPerClient = 60;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    protected async Task ConvergesAsync(int seed)
    {
        var app = fixture.App;
        var world = await HubWorld.BuildAsync(app);
        var users = new List<(AppUser User, string Role)> { (world.Admin, AppRoles.Admin), (world.Ann, AppRoles.Labeler), (world.Bob, AppRoles.Labeler) };
        for (var i = users.Count; i < Clients; i++)
        {
            var extra = await app.CreateUserAsync($"labeler{i}-{Guid.NewGuid():N}@example.com");
            await app.AddMemberAsync(world.Project, extra.Id, ProjectRole.Labeler);
            users.Add((extra, AppRoles.Labeler));
        }
        var replicas = new List<LiveReplica>();
        foreach (var (user, role) in users)
        {
            var token = await app.MintApiTokenAsync(user, role: role);
            replicas.Add(new LiveReplica(() => app.ServerAddress, token.Secret, world.Image));
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Limit);
        var clock = Stopwatch.StartNew();
        try
        {
            var resent = new (int Resent, int Repeated)[Clients];
            await Task.WhenAll(replicas.Select((replica, i) => Task.Run(async () =>
            {
                resent[i] = await EditAsync(replica, new Random(seed * 100 + i), world, timeout.Token);
            }, timeout.Token)));
            var editing = clock.Elapsed;

            foreach (var replica in replicas)
            {
                if (!replica.IsConnected)
                {
                    await replica.ConnectAsync(fromSnapshot: false, timeout.Token);
                }
                await replica.CatchUpAsync(timeout.Token);
            }
            var audit = await OperationLogAudit.ReadAsync(app, world.AdminPrincipal, world.Image);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"seed {seed}: {audit.Log.Count} operations committed in {editing.TotalSeconds:N1} s; "
                + $"{replicas.Sum(r => r.Acknowledged.Count)} acknowledged, {replicas.Sum(r => r.Refused)} refused "
                + $"({replicas.Sum(r => r.Conflicts)} conflicts), {resent.Sum(r => r.Resent)} resent after a lost answer ({resent.Sum(r => r.Repeated)} of them answered as applied before), "
                + $"{replicas.Sum(r => r.CatchUps)} catch-ups, {replicas.Sum(r => r.Snapshots)} snapshots; "
                + $"{audit.Regions.Count} regions live, {audit.Answers.Count} answers.");

            audit.AssertAppliedOnce();
            audit.AssertContains(replicas.SelectMany(r => r.Acknowledged));
            Assert.True(audit.Regions.Count > 0, "The run left no region to compare.");
            foreach (var replica in replicas)
            {
                Assert.Equal(audit.Log[^1].Sequence, replica.LastApplied);
                Assert.Equal(audit.Regions, replica.Regions);
                Assert.Equal(audit.Answers, replica.Answers);
            }
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
        }
    }

    /// <summary>One client's run; returns how many operations it resent after losing their answer, and how many of those had been applied.</summary>
    private static async Task<(int Resent, int Repeated)> EditAsync(LiveReplica replica, Random random, HubWorld world, CancellationToken cancellationToken)
    {
        await replica.ConnectAsync(fromSnapshot: true, cancellationToken);
        var script = new EditScript(world.Taxonomy, replica.Width, replica.Height, random);
        var resent = 0;
        var repeated = 0;
        for (var i = 0; i < OperationsPerClient; i++)
        {
            await Task.Delay(random.Next(0, 15), cancellationToken);
            if (random.Next(12) == 0)
            {
                await replica.DisconnectAsync();
                await Task.Delay(random.Next(0, 40), cancellationToken);
                await replica.ConnectAsync(fromSnapshot: random.Next(2) == 0, cancellationToken);
            }
            if (replica.HasGap)
            {
                await replica.CatchUpAsync(cancellationToken);
            }
            var operation = script.Next(replica.Known);
            if (random.Next(12) != 0)
            {
                await replica.SubmitAsync(operation, cancellationToken);
                continue;
            }
            // The connection drops while the operation is on its way: it may or may not have been applied.
            var submit = replica.SubmitAsync(operation, cancellationToken);
            await Task.Delay(random.Next(0, 4), cancellationToken);
            await replica.DisconnectAsync();
            var answered = true;
            try
            {
                await submit;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                answered = false;
            }
            await replica.ConnectAsync(fromSnapshot: random.Next(2) == 0, cancellationToken);
            if (!answered)
            {
                resent++;
                var known = replica.LastApplied;
                var again = await replica.SubmitAsync(operation, cancellationToken);
                Assert.Equal(EditScript.OpIdOf(operation), again.GetProperty("opId").GetGuid());
                if (again.GetProperty("ok").GetBoolean() && again.GetProperty("sequence").GetInt64() <= known)
                {
                    // It had been applied before the connection dropped: the earlier result came back.
                    repeated++;
                }
            }
        }
        return (resent, repeated);
    }
}

public sealed class HubConvergenceReliabilityOnSqlite(SqliteKestrelApp app)
    : HubConvergenceReliability<SqliteKestrelApp>(app), IClassFixture<SqliteKestrelApp>
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public Task FiveClientsEditingAtRandomWithDroppedConnectionsConverge(int seed) => ConvergesAsync(seed);
}

public sealed class HubConvergenceReliabilityOnPostgres(PostgresKestrelApp app)
    : HubConvergenceReliability<PostgresKestrelApp>(app), IClassFixture<PostgresKestrelApp>
{
    [Theory]
    [InlineData(11)]
    public Task FiveClientsEditingAtRandomWithDroppedConnectionsConverge(int seed) => ConvergesAsync(seed);
}
