using Annotator.Tests.Infrastructure;
using Annotator.Web.Collaboration;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Live;

/// <summary>
/// One API token may hold at most <c>Annotator:Live:MaxConnectionsPerToken</c> hub connections at a time: the next is
/// closed with the reason, over real SignalR WebSockets.
/// </summary>
public sealed class HubConnectionCap(HubConnectionCap.CappedApp fixture) : IClassFixture<HubConnectionCap.CappedApp>
{
    private const int Cap = 3;

    private AnnotatorFactory App => fixture.App;

    [Fact]
    public async Task TheConnectionAboveTheCapIsClosedWithTheReason()
    {
        var world = await HubWorld.BuildAsync(App);
        var token = await App.MintApiTokenAsync(world.Ann, "busy script");
        var open = new List<HubClient>();
        try
        {
            for (var i = 0; i < Cap; i++)
            {
                open.Add(await HubClient.ConnectAsync(App.ServerAddress, token.Secret));
            }

            var reason = await RefusalAsync(token.Secret);

            Assert.Contains($"This API token already has {Cap} connections open", reason, StringComparison.Ordinal);
            Assert.Contains("MaxConnectionsPerToken", reason, StringComparison.Ordinal);
            // The open ones go on working, and another token of the same user is not affected.
            Assert.Equal(world.Image, (await open[0].JoinAsync(world.Image)).GetProperty("imageId").GetInt32());
            await using var other = await App.ConnectHubAsync(world.Ann);
            Assert.Equal(world.Image, (await other.JoinAsync(world.Image)).GetProperty("imageId").GetInt32());

            // Closing one makes room.
            var registry = App.Services.GetRequiredService<HubConnectionRegistry>();
            var before = registry.Count;
            await open[^1].DisposeAsync();
            open.RemoveAt(open.Count - 1);
            await Eventually.TrueAsync(() => registry.Count < before, "the closed connection to leave the registry", HubClient.DefaultTimeout);
            open.Add(await HubClient.ConnectAsync(App.ServerAddress, token.Secret));
            Assert.Equal(world.Image, (await open[^1].JoinAsync(world.Image)).GetProperty("imageId").GetInt32());
        }
        finally
        {
            foreach (var client in open)
            {
                await client.DisposeAsync();
            }
        }
    }

    /// <summary>Connects with <paramref name="token"/> and returns the message the server closed the connection with.</summary>
    private async Task<string> RefusalAsync(string token)
    {
        var closed = new TaskCompletionSource<Exception?>(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var connection = new HubConnectionBuilder()
            .WithUrl(new Uri(App.ServerAddress, AnnotationsHub.Path), HttpTransportType.WebSockets,
                o => o.AccessTokenProvider = () => Task.FromResult<string?>(token))
            .Build();
        connection.Closed += e =>
        {
            closed.TrySetResult(e);
            return Task.CompletedTask;
        };
        try
        {
            await connection.StartAsync();
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            closed.TrySetResult(e);
        }
        var error = await closed.Task.WaitAsync(HubClient.DefaultTimeout);
        Assert.NotNull(error);
        return error.Message;
    }

    /// <summary>The app on Kestrel with a cap of three connections per token.</summary>
    public sealed class CappedApp() : AppFixture(TestDatabase.Sqlite)
    {
        protected override void Configure(AnnotatorFactory factory) => factory.UseKestrelOnLoopback()
            .With("Annotator:Live:MaxConnectionsPerToken", Cap.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
