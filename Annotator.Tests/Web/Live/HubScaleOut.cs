using Annotator.Core.Accounts;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Projects;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Live;

/// <summary>
/// Two app nodes on one PostgreSQL database and one Redis (the SignalR backplane and the edit feed), as behind a load
/// balancer: what a program does on one node reaches programs on the other. Runs in CI; locally it is skipped, with the
/// reason, when PostgreSQL or Redis is missing.
/// </summary>
public sealed class HubScaleOut
{
    private static async Task<(AnnotatorFactory A, AnnotatorFactory B)> StartTwoNodesAsync()
    {
        TestEnvironment.RequirePostgres();
        TestEnvironment.RequireRedis();
        // A prefix of its own: test runs (and other tests) sharing the Redis server stay apart.
        var prefix = "annotator-test-" + Guid.NewGuid().ToString("N")[..12];
        var a = new AnnotatorFactory(TestDatabase.Postgres).UseKestrelOnLoopback()
            .With("Annotator:Live:Redis", TestEnvironment.Redis).With("Annotator:Live:ChannelPrefix", prefix);
        _ = a.ServerAddress;
        var b = new AnnotatorFactory(TestDatabase.Postgres).ShareDatabaseOf(a).UseKestrelOnLoopback()
            .With("Annotator:Live:Redis", TestEnvironment.Redis).With("Annotator:Live:ChannelPrefix", prefix);
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
}
