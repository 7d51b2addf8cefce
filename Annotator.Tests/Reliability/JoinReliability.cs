using Annotator.Tests.Infrastructure;

namespace Annotator.Tests.Reliability;

/// <summary>
/// Joining while someone else writes: the feed a join starts must go on exactly from the snapshot's
/// <c>lastSequence</c>, so the first message after it says <c>prev</c> = that number and nothing committed during the
/// join is lost.
/// </summary>
public sealed class JoinReliability(SqliteKestrelApp fixture) : IClassFixture<SqliteKestrelApp>
{
    private const int Joins = 40;

    [Fact]
    public async Task AJoinWhileOthersWriteMissesNoOperation()
    {
        var app = fixture.App;
        var world = await HubWorld.BuildAsync(app);
        var cancellationToken = TestContext.Current.CancellationToken;
        var annToken = (await app.MintApiTokenAsync(world.Ann)).Secret;
        await using var writer = await app.ConnectHubAsync(world.Bob);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var writing = Task.Run(async () =>
        {
            for (var i = 0; i < 5_000 && !stop.IsCancellationRequested; i++)
            {
                await writer.SubmitAsync(world.Image, world.CreateBox(x: i % 500), CancellationToken.None);
            }
        }, cancellationToken);

        var gaps = new List<string>();
        try
        {
            for (var i = 0; i < Joins; i++)
            {
                await using var joiner = await HubClient.ConnectAsync(app.ServerAddress, annToken, cancellationToken: cancellationToken);
                var last = (await joiner.JoinAsync(world.Image, cancellationToken)).GetProperty("lastSequence").GetInt64();
                var next = await joiner.WaitForSequenceAsync(world.Image, last + 1);
                if (next.GetProperty("prev").GetInt64() != last)
                {
                    gaps.Add($"joined at {last}, next message {next.GetProperty("sequence").GetInt64()} with prev {next.GetProperty("prev").GetInt64()}");
                }
            }
        }
        finally
        {
            await stop.CancelAsync();
            await writing;
        }
        Assert.True(gaps.Count == 0, $"{gaps.Count} of {Joins} joins missed operations: {string.Join("; ", gaps)}");
    }
}
