using System.Collections.Concurrent;
using System.Globalization;
using Annotator.Core.Accounts;
using Annotator.Web.Feed;
using Annotator.Web.Projects;
using Annotator.Web.Annotations;
using Annotator.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Live;

/// <summary>
/// Two app nodes on one PostgreSQL database and one Redis (the SignalR backplane and the edit feed), as behind a load
/// balancer: what a program does on one node reaches programs on the other. Runs in CI; locally it is skipped, with the
/// reason, when PostgreSQL or Redis is missing.
/// </summary>
public sealed class HubScaleOut
{
    private static async Task<(AnnotatorFactory A, AnnotatorFactory B)> StartTwoNodesAsync(int feedOrderHoldMilliseconds = 250)
    {
        TestEnvironment.RequirePostgres();
        TestEnvironment.RequireRedis();
        // A prefix of its own: test runs (and other tests) sharing the Redis server stay apart.
        var prefix = "annotator-test-" + Guid.NewGuid().ToString("N")[..12];
        var a = new AnnotatorFactory(TestDatabase.Postgres).UseKestrelOnLoopback()
            .With("Annotator:Live:Redis", TestEnvironment.Redis).With("Annotator:Live:ChannelPrefix", prefix)
            .With("Annotator:Live:FeedOrderHoldMilliseconds", feedOrderHoldMilliseconds.ToString(CultureInfo.InvariantCulture));
        _ = a.ServerAddress;
        var b = new AnnotatorFactory(TestDatabase.Postgres).ShareDatabaseOf(a).UseKestrelOnLoopback()
            .With("Annotator:Live:Redis", TestEnvironment.Redis).With("Annotator:Live:ChannelPrefix", prefix)
            .With("Annotator:Live:FeedOrderHoldMilliseconds", feedOrderHoldMilliseconds.ToString(CultureInfo.InvariantCulture));
        _ = b.ServerAddress;
        return (a, b);
    }

    [Fact]
    public async Task AnEditOnNodeAReachesAClientOnNodeBAndBack()
    {
        var (a, b) = await StartTwoNodesAsync();
        try
        {
            var world = await HubWorld.BuildAsync(a);
            await using var onA = await HubClient.ConnectAsync(a.ServerAddress, (await a.MintApiTokenAsync(world.Ann)).Secret);
            await using var onB = await HubClient.ConnectAsync(b.ServerAddress, (await b.MintApiTokenAsync(world.Bob)).Secret);
            await onA.JoinAsync(world.Image);
            await onB.JoinAsync(world.Image);

            var fromA = await onA.SubmitAsync(world.Image, world.CreateBox());
            var seenOnB = await onB.WaitForSequenceAsync(world.Image, fromA.GetProperty("sequence").GetInt64());
            var fromB = await onB.SubmitAsync(world.Image, world.CreateBox(x: 50));
            var seenOnA = await onA.WaitForSequenceAsync(world.Image, fromB.GetProperty("sequence").GetInt64());

            Assert.True(fromA.GetProperty("ok").GetBoolean(), fromA.ToString());
            Assert.Equal(fromA.GetProperty("regionId").GetGuid(), seenOnB.GetProperty("regionId").GetGuid());
            Assert.Equal(world.Ann.Id, seenOnB.GetProperty("authorId").GetString());
            Assert.True(fromB.GetProperty("ok").GetBoolean(), fromB.ToString());
            Assert.Equal(fromA.GetProperty("sequence").GetInt64() + 1, fromB.GetProperty("sequence").GetInt64());
            Assert.Equal(fromB.GetProperty("regionId").GetGuid(), seenOnA.GetProperty("regionId").GetGuid());
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
        }
    }

    [Fact]
    public async Task RemovingAMemberOnNodeATellsTheirClientOnNodeB()
    {
        var (a, b) = await StartTwoNodesAsync();
        try
        {
            var world = await HubWorld.BuildAsync(a);
            await using var onB = await HubClient.ConnectAsync(b.ServerAddress, (await b.MintApiTokenAsync(world.Bob)).Secret);
            await onB.JoinAsync(world.Image);
            Assert.True((await onB.SubmitAsync(world.Image, world.CreateBox())).GetProperty("ok").GetBoolean());

            await using (var scope = a.Services.CreateAsyncScope())
            {
                await scope.ServiceProvider.GetRequiredService<ProjectService>()
                    .RemoveMemberAsync(TestPrincipals.For(world.Admin, AppRoles.Admin), world.Project, world.Bob.Id);
            }
            var reason = await onB.WaitForAccessChangedAsync();
            var refused = await onB.SubmitAsync(world.Image, world.CreateBox());

            Assert.Contains("You were removed from the project", reason);
            Assert.False(refused.GetProperty("ok").GetBoolean());
            Assert.Equal(1, await world.LoggedOperationsAsync(world.Bob));
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
        }
    }

    /// <summary>
    /// Both nodes commit to one image at the same moment, many times (four callers on each, as four browser tabs or
    /// programs would): every operation is committed — none fails because the other node's commit came in between — with
    /// sequence numbers 1…n, and the feed subscribers of both nodes (open workspaces) receive them in that order. The
    /// hold time is long here so that the order does not depend on how loaded the machine is.
    /// </summary>
    [Fact]
    public async Task CommitsFromBothNodesToOneImageAtOnceAllSucceedInOneSequenceSeenInOrderOnBoth()
    {
        const int CallersPerNode = 4;
        const int OperationsPerCaller = 15;
        var (a, b) = await StartTwoNodesAsync(feedOrderHoldMilliseconds: 30_000);
        try
        {
            var world = await HubWorld.BuildAsync(a);
            var key = FeedTopics.EditKey(world.Image, null);
            var seen = new[] { new ConcurrentQueue<long>(), new ConcurrentQueue<long>() };
            using var onA = Subscribe(a, key, seen[0]);
            using var onB = Subscribe(b, key, seen[1]);
            var callers = new[] { (a, TestPrincipals.For(world.Ann, AppRoles.Labeler)), (b, TestPrincipals.For(world.Bob, AppRoles.Labeler)) };
            // A first operation that both nodes have seen: from here on each knows the image's last sequence number.
            var first = await a.Services.GetRequiredService<AnnotationService>().ApplyJsonAsync(callers[0].Item2, world.Image, world.CreateBox());
            Assert.True(first.Ok, first.Error);
            await UntilAsync(() => seen.All(s => s.Count == 1));

            var outcomes = await Task.WhenAll(callers.SelectMany(caller => Enumerable.Range(0, CallersPerNode).Select(c => Task.Run(async () =>
            {
                var service = caller.Item1.Services.GetRequiredService<AnnotationService>();
                var results = new List<EditOutcome>();
                for (var i = 0; i < OperationsPerCaller; i++)
                {
                    results.Add(await service.ApplyJsonAsync(caller.Item2, world.Image, world.CreateBox(x: 10 + c, y: 10 + i)));
                }
                return results;
            }))));
            var all = outcomes.SelectMany(o => o).ToList();
            var total = 1 + (2 * CallersPerNode * OperationsPerCaller);
            await UntilAsync(() => seen.All(s => s.Count >= total));

            Assert.All(all, o => Assert.True(o.Ok, o.Error));
            Assert.Equal(Enumerable.Range(2, total - 1).Select(i => (long)i), all.Select(o => o.Sequence).Order());
            await using (var db = await a.NewDbContextAsync())
            {
                var logged = await db.OperationLog.Where(o => o.ImageId == world.Image).OrderBy(o => o.Sequence).Select(o => o.Sequence).ToListAsync();
                Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), logged);
            }
            Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), seen[0]);
            Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), seen[1]);
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
        }
    }

    /// <summary>
    /// Node B publishes sequence 2 after node A has published 3 (as when B committed 2 first but was slower to publish):
    /// the open workspaces on both nodes still receive 1, 2, 3.
    /// </summary>
    [Fact]
    public async Task OperationsPublishedOutOfOrderByTwoNodesReachSubscribersOnBothInSequenceOrder()
    {
        var (a, b) = await StartTwoNodesAsync(feedOrderHoldMilliseconds: 30_000);
        try
        {
            var key = FeedTopics.EditKey(424242, null);
            var seen = new[] { new ConcurrentQueue<long>(), new ConcurrentQueue<long>() };
            using var onA = Subscribe(a, key, seen[0]);
            using var onB = Subscribe(b, key, seen[1]);
            var feedA = a.Services.GetRequiredService<IFeed>();
            var feedB = b.Services.GetRequiredService<IFeed>();

            await feedA.PublishAsync(Committed(key, 1, 0));
            await UntilAsync(() => seen.All(s => s.Count == 1));
            await feedA.PublishAsync(Committed(key, 3, 2));
            await feedB.PublishAsync(Committed(key, 2, 1));
            await UntilAsync(() => seen.All(s => s.Count == 3));

            Assert.Equal([1, 2, 3], seen[0]);
            Assert.Equal([1, 2, 3], seen[1]);
        }
        finally
        {
            await b.DisposeAsync();
            await a.DisposeAsync();
        }
    }

    private static FeedEnvelope Committed(string key, long sequence, long previous) =>
        new(FeedTopics.Edit, key, $$"""{"ok":true,"opId":"{{Guid.NewGuid()}}","imageId":424242,"sequence":{{sequence}},"prev":{{previous}},"type":"create"}""");

    private static IDisposable Subscribe(AnnotatorFactory node, string key, ConcurrentQueue<long> seen) =>
        node.Services.GetRequiredService<IFeed>().Subscribe(FeedTopics.Edit, key, message =>
        {
            seen.Enqueue(EditSequencer.ReadSequence(message.Payload)!.Value.Sequence);
            return Task.CompletedTask;
        });

    private static Task UntilAsync(Func<bool> condition) => Eventually.TrueAsync(condition, "the messages", TimeSpan.FromSeconds(60));
}
