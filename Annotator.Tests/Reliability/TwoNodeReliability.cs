using System.Collections.Concurrent;
using System.Diagnostics;
using Annotator.Core.Accounts;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Data;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Reliability;

/// <summary>
/// Two app processes on one PostgreSQL database and one Redis, as two nodes behind a load balancer, and eight programs
/// (four on each node) submitting operations on ONE image as fast as their answers come. Every Submit answers: committed,
/// or refused with the reason in words — never the hub's generic "An unexpected error occurred invoking 'Submit'". The
/// operation log holds every acknowledged operation once with sequence numbers 1…n, every program ends up holding what
/// the database holds, and neither node logs an error (a commit that collides with the other node's is not an error).
/// </summary>
public sealed class TwoNodeReliability
{
    private const int Clients = 8;
    private const int OperationsPerClient = 60;
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(420);

    [Fact]
    public async Task ProgramsOnTwoNodesHammeringOneImageAllGetAnswersAndConverge()
    {
        TestEnvironment.RequirePostgres();
        TestEnvironment.RequireRedis();
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(Limit);
        var cancellationToken = timeout.Token;

        // The database, users, project, image and tokens, made through the app in-process; it then stays idle (it owns
        // the test database) while the two nodes run as processes of their own on the same database.
        await using var setup = new AnnotatorFactory(TestDatabase.Postgres);
        var world = await HubWorld.BuildAsync(setup);
        var users = new (AppUser User, string Role)[] { (world.Ann, AppRoles.Labeler), (world.Bob, AppRoles.Labeler), (world.Admin, AppRoles.Admin) };
        var tokens = new List<string>();
        for (var i = 0; i < Clients; i++)
        {
            var (user, role) = users[i % users.Length];
            tokens.Add((await setup.MintApiTokenAsync(user, name: $"client {i}", role: role)).Secret);
        }
        var settings = new Dictionary<string, string>
        {
            ["Annotator:Database:Provider"] = "Postgres",
            ["Annotator:Database:ConnectionString"] = setup.Services.GetRequiredService<IConfiguration>()["Annotator:Database:ConnectionString"]!,
            ["Annotator:Live:Redis"] = TestEnvironment.Redis,
            ["Annotator:Live:ChannelPrefix"] = "annotator-test-" + Guid.NewGuid().ToString("N")[..12],
            // Each node puts an image's operations back in order before it sends them to its hub clients; given all
            // the time it could need on a loaded machine, none may arrive after a later one.
            ["Annotator:Live:FeedOrderHoldMilliseconds"] = "5000",
        };
        var starting = new[] { AppProcess.StartAsync(setup.DataPath, settings, cancellationToken), AppProcess.StartAsync(setup.DataPath, settings, cancellationToken) };
        await Task.WhenAll(starting.Select(s => s.ContinueWith(_ => { }, TaskScheduler.Default)));
        var nodes = starting.Where(s => s.IsCompletedSuccessfully).Select(s => s.Result).ToArray();
        var replicas = tokens.Select((token, i) => new LiveReplica(() => nodes[i % 2].Address, token, world.Image)).ToList();
        var failures = new ConcurrentBag<string>();
        var refusals = new ConcurrentBag<string>();
        try
        {
            await Task.WhenAll(starting);
            var (nodeA, nodeB) = (nodes[0], nodes[1]);
            foreach (var replica in replicas)
            {
                await replica.ConnectAsync(fromSnapshot: true, cancellationToken);
            }
            var clock = Stopwatch.StartNew();
            await Task.WhenAll(replicas.Select((replica, i) => Task.Run(
                () => HammerAsync(replica, new Random(i + 1), world, failures, refusals, cancellationToken), cancellationToken)));
            var hammering = clock.Elapsed;
            foreach (var replica in replicas)
            {
                await replica.CatchUpAsync(cancellationToken);
            }

            var audit = await OperationLogAudit.ReadAsync(setup, world.AdminPrincipal, world.Image);
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"{audit.Log.Count} operations committed in {hammering.TotalSeconds:N1} s by {Clients} programs on two nodes; "
                + $"{replicas.Sum(r => r.Acknowledged.Count)} acknowledged, {refusals.Count} refused with a reason "
                + $"({replicas.Sum(r => r.Conflicts)} conflicts), {failures.Count} failed; "
                + $"{replicas.Sum(r => r.OutOfOrderPushes)} pushes arrived after a later one; "
                + $"{nodes.Sum(n => n.Failures.Count)} fail: log lines.");

            Assert.True(failures.IsEmpty, $"{failures.Count} Submits failed without a reason, e.g. {failures.FirstOrDefault()}\n"
                + $"node A:\n{string.Join('\n', nodeA.Failures.Take(6))}\nnode B:\n{string.Join('\n', nodeB.Failures.Take(6))}");
            Assert.All(refusals, reason => Assert.False(string.IsNullOrWhiteSpace(reason)));
            audit.AssertAppliedOnce();
            audit.AssertContains(replicas.SelectMany(r => r.Acknowledged));
            Assert.Equal(replicas.Sum(r => r.Acknowledged.Count), audit.Log.Count);
            foreach (var replica in replicas)
            {
                Assert.Equal(audit.Log[^1].Sequence, replica.LastApplied);
                Assert.Equal(audit.Regions, replica.Regions);
                Assert.Equal(audit.Answers, replica.Answers);
            }
            Assert.Equal(0, replicas.Sum(r => r.OutOfOrderPushes));
            Assert.True(nodeA.Failures.Count == 0 && nodeB.Failures.Count == 0,
                $"The nodes logged errors:\n{string.Join('\n', nodeA.Failures.Concat(nodeB.Failures).Take(12))}");
        }
        finally
        {
            foreach (var replica in replicas)
            {
                await replica.DisposeAsync();
            }
            foreach (var node in nodes)
            {
                await node.DisposeAsync();
            }
        }
    }

    /// <summary>One program: its operations back to back, each decided on its own view of the image.</summary>
    private static async Task HammerAsync(LiveReplica replica, Random random, HubWorld world, ConcurrentBag<string> failures,
        ConcurrentBag<string> refusals, CancellationToken cancellationToken)
    {
        var script = new EditScript(world.Taxonomy, replica.Width, replica.Height, random);
        for (var i = 0; i < OperationsPerClient; i++)
        {
            if (replica.HasGap)
            {
                await replica.CatchUpAsync(cancellationToken);
            }
            try
            {
                var result = await replica.SubmitAsync(script.Next(replica.Known), cancellationToken);
                if (!result.GetProperty("ok").GetBoolean())
                {
                    refusals.Add(result.GetProperty("error").GetString() ?? "");
                }
            }
            catch (HubException e)
            {
                failures.Add(e.Message);
            }
        }
    }
}
