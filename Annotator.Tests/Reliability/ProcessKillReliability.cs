using System.Collections.Concurrent;
using System.Text.Json;
using Annotator.Core.Accounts;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Data;

namespace Annotator.Tests.Reliability;

/// <summary>
/// The app process is killed (SIGKILL) while three programs stream operations to it, twice, and started again on the
/// same SQLite folder each time. The programs reconnect and resend every operation whose answer they did not get, with
/// the same opId. Afterwards every acknowledged operation is in the database once, with the sequence number its answer
/// gave; nothing is applied twice (opIds unique, sequence numbers without holes, each region's revision equal to the
/// number of operations on it); a resent operation is either applied once or answered with its earlier result; and the
/// programs hold what the database holds.
/// </summary>
public sealed class ProcessKillReliability
{
    private const int OperationsPerClient = 50;
    private static readonly int[] KillAfterAcknowledged = [30, 80];
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(150);

    [Fact]
    public async Task AcknowledgedOperationsSurviveSigkillAndResentOnesApplyOnce()
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Limit);
        var cancellationToken = timeout.Token;
        var dataPath = Path.Combine(Path.GetTempPath(), "annotator-tests", "kill-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dataPath);
        try
        {
            // Users, project, image and tokens first, through the app in-process on the same folder; then it goes away.
            HubWorld world;
            var tokens = new List<string>();
            await using (var setup = new AnnotatorFactory().With("Annotator:DataPath", dataPath))
            {
                world = await HubWorld.BuildAsync(setup);
                foreach (var (user, role) in new (AppUser, string)[] { (world.Admin, AppRoles.Admin), (world.Ann, AppRoles.Labeler), (world.Bob, AppRoles.Labeler) })
                {
                    tokens.Add((await setup.MintApiTokenAsync(user, role: role)).Secret);
                }
            }

            var app = await AppProcess.StartAsync(dataPath, cancellationToken);
            var current = app;
            var acknowledged = new ConcurrentDictionary<Guid, long>();
            var resent = new ConcurrentBag<(Guid OpId, JsonElement Result, bool Earlier)>();
            var replicas = tokens.Select(t => new LiveReplica(() => current.Address, t, world.Image)).ToList();
            try
            {
                var clients = replicas.Select((replica, i) => Task.Run(
                    () => StreamAsync(replica, new Random(i + 1), world, acknowledged, resent, cancellationToken), cancellationToken)).ToList();
                var kills = 0;
                foreach (var threshold in KillAfterAcknowledged)
                {
                    while (acknowledged.Count < threshold && !clients.All(c => c.IsCompleted))
                    {
                        await Task.Delay(5, cancellationToken);
                    }
                    if (clients.All(c => c.IsCompleted))
                    {
                        break;
                    }
                    await current.KillAsync();
                    kills++;
                    await current.DisposeAsync();
                    current = await AppProcess.StartAsync(dataPath, cancellationToken);
                }
                await Task.WhenAll(clients);
                Assert.Equal(KillAfterAcknowledged.Length, kills);
                foreach (var replica in replicas)
                {
                    await ConnectAsync(replica, cancellationToken);
                    await replica.CatchUpAsync(cancellationToken);
                }
            }
            finally
            {
                foreach (var replica in replicas)
                {
                    await replica.DisposeAsync();
                }
                await current.DisposeAsync();
            }

            await using var check = new AnnotatorFactory().With("Annotator:DataPath", dataPath);
            var audit = await OperationLogAudit.ReadAsync(check, world.AdminPrincipal, world.Image);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{KillAfterAcknowledged.Length} kills; {audit.Log.Count} operations logged, {acknowledged.Count} acknowledged, "
                + $"{resent.Count} resent ({resent.Count(r => r.Earlier)} answered with the earlier result, "
                + $"{resent.Count(r => r.Result.GetProperty("ok").GetBoolean() && !r.Earlier)} applied on resend, "
                + $"{resent.Count(r => !r.Result.GetProperty("ok").GetBoolean())} refused).");

            audit.AssertAppliedOnce();
            audit.AssertContains(acknowledged.Keys);
            var logged = audit.Log.ToDictionary(o => o.OpId, o => o.Sequence);
            foreach (var (opId, sequence) in acknowledged)
            {
                Assert.Equal(sequence, logged[opId]);
            }
            var previous = audit.Log.Zip(audit.Log.Skip(1)).ToDictionary(p => p.Second.OpId, p => p.First.Sequence);
            foreach (var (opId, result, _) in resent)
            {
                if (result.GetProperty("ok").GetBoolean())
                {
                    Assert.Equal(result.GetProperty("sequence").GetInt64(), logged[opId]);
                    Assert.Equal(previous.GetValueOrDefault(opId), result.GetProperty("prev").GetInt64());
                }
                else
                {
                    Assert.DoesNotContain(opId, logged.Keys);
                }
            }
            foreach (var replica in replicas)
            {
                Assert.Equal(audit.Log[^1].Sequence, replica.LastApplied);
                Assert.Equal(audit.Regions, replica.Regions);
                Assert.Equal(audit.Answers, replica.Answers);
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(dataPath, recursive: true);
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>
    /// One program: operations as fast as answers come; when the connection breaks, it reconnects (waiting for the app
    /// to come back) and resends the unanswered operation unchanged.
    /// </summary>
    private static async Task StreamAsync(LiveReplica replica, Random random, HubWorld world, ConcurrentDictionary<Guid, long> acknowledged,
        ConcurrentBag<(Guid, JsonElement, bool)> resent, CancellationToken cancellationToken)
    {
        await ConnectAsync(replica, cancellationToken);
        var script = new EditScript(world.Taxonomy, replica.Width, replica.Height, random);
        string? unanswered = null;
        for (var done = 0; done < OperationsPerClient;)
        {
            if (!replica.IsConnected)
            {
                await replica.DisconnectAsync();
                await ConnectAsync(replica, cancellationToken);
            }
            if (replica.HasGap)
            {
                try
                {
                    await replica.CatchUpAsync(cancellationToken);
                }
                catch (Exception) when (!cancellationToken.IsCancellationRequested)
                {
                    // The app died under the call: connect again (and catch up then).
                    await replica.DisconnectAsync();
                    continue;
                }
            }
            var operation = unanswered ?? script.Next(replica.Known);
            var known = replica.LastApplied;
            JsonElement result;
            try
            {
                result = await replica.SubmitAsync(operation, cancellationToken);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                unanswered = operation;
                await replica.DisconnectAsync();
                continue;
            }
            var opId = EditScript.OpIdOf(operation);
            if (unanswered is not null)
            {
                resent.Add((opId, result, result.GetProperty("ok").GetBoolean() && result.GetProperty("sequence").GetInt64() <= known));
                unanswered = null;
            }
            if (result.GetProperty("ok").GetBoolean())
            {
                acknowledged[opId] = result.GetProperty("sequence").GetInt64();
            }
            done++;
        }
    }

    /// <summary>Connects, retrying while the app is down or starting.</summary>
    private static async Task ConnectAsync(LiveReplica replica, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await replica.ConnectAsync(fromSnapshot: false, cancellationToken);
                return;
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(50, cancellationToken);
            }
        }
    }
}
