using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Annotations;
using Annotator.Web.Feed;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Workspace;

/// <summary>
/// Two people on one image through the real service and the app's feed: committed operations are published in order
/// with their sequence chain, stale updates are merged or refused with the current state, and a viewer that fell
/// behind catches up from the operation log.
/// </summary>
public abstract class LiveEdits<TApp>(TApp fixture) where TApp : AppFixture
{
    private AnnotatorFactory App => fixture.App;
    private AnnotationService Service => App.Services.GetRequiredService<AnnotationService>();
    private IFeed Feed => App.Services.GetRequiredService<IFeed>();

    private sealed record Pair(ClaimsPrincipal Ada, ClaimsPrincipal Grace, string GraceName, int Project, int Image,
        AnnotationServiceApply<TApp>.World World);

    private async Task<Pair> BuildAsync(int overlap = 1)
    {
        var world = await AnnotationServiceApply<TApp>.BuildAsync(App);
        var tag = Guid.NewGuid().ToString("N")[..8];
        var grace = await App.CreateUserAsync($"grace-{tag}@example.com", AppRoles.Labeler);
        await App.AddMemberAsync(world.Project, grace.Id, ProjectRole.Labeler);
        await App.SetOverlapAsync(world.Project, overlap);
        return new Pair(world.Labeler, TestPrincipals.For(grace, AppRoles.Labeler), grace.DisplayName, world.Project, world.Image, world);
    }

    private static string Move(Guid id, int baseRevision, double x) =>
        $$$$"""{"opId":"{{{{Guid.NewGuid()}}}}","type":"update","regionId":"{{{{id}}}}","baseRevision":{{{{baseRevision}}}},"set":{"geometry":{"x":{{{{x}}}},"y":20,"w":30,"h":40}}}""";

    private static string Relabel(Guid id, int baseRevision, Guid label) =>
        $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"update","regionId":"{{{id}}}","baseRevision":{{{baseRevision}}},"set":{"labelId":"{{{label}}}"}}""";

    private static string Delete(Guid id, int baseRevision) =>
        $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"delete","regionId":"{{{id}}}","baseRevision":{{{baseRevision}}}}""";

    private sealed class Listener : IDisposable
    {
        private readonly IDisposable _subscription;
        private readonly SemaphoreSlim _arrived = new(0);

        public Listener(IFeed feed, int imageId, string? owner) =>
            _subscription = feed.Subscribe(FeedTopics.Edit, FeedTopics.EditKey(imageId, owner), m =>
            {
                Messages.Enqueue(JsonDocument.Parse(m.Payload).RootElement.Clone());
                _arrived.Release();
                return Task.CompletedTask;
            });

        public ConcurrentQueue<JsonElement> Messages { get; } = new();

        public async Task<JsonElement[]> TakeAsync(int count)
        {
            for (var i = 0; i < count; i++)
            {
                Assert.True(await _arrived.WaitAsync(TimeSpan.FromSeconds(10)), $"Only {i} of {count} messages arrived.");
            }
            return [.. Messages];
        }

        public void Dispose() => _subscription.Dispose();
    }

    [Fact]
    public async Task EveryCommittedOperationIsPublishedInOrderWithItsPredecessor()
    {
        var pair = await BuildAsync();
        using var listener = new Listener(Feed, pair.Image, null);
        var id = Guid.NewGuid();

        var create = await Service.ApplyJsonAsync(pair.Ada, pair.Image, AnnotationServiceApply<TApp>.CreateBox(pair.World, id));
        var move = await Service.ApplyJsonAsync(pair.Grace, pair.Image, Move(id, 1, 50));
        var refused = await Service.ApplyJsonAsync(pair.Grace, pair.Image, Move(id, 7, 60));

        Assert.True(move.Ok, move.Error);
        Assert.False(refused.Ok);
        var messages = await listener.TakeAsync(2);
        await Task.Delay(200);
        Assert.Equal(2, listener.Messages.Count); // the refusal was not published
        Assert.Equal([create.Sequence, move.Sequence], messages.Select(m => m.GetProperty("sequence").GetInt64()));
        Assert.Equal([0, create.Sequence], messages.Select(m => m.GetProperty("prev").GetInt64()));
        Assert.Equal(pair.Image, messages[1].GetProperty("imageId").GetInt32());
        Assert.Equal(pair.GraceName, messages[1].GetProperty("authorName").GetString());
        Assert.Equal(2, messages[1].GetProperty("revision").GetInt32());
        Assert.Equal(50, messages[1].GetProperty("region").GetProperty("geometry").GetProperty("x").GetDouble());
        var snapshot = await Service.LoadAsync(pair.Grace, pair.Image);
        Assert.Equal(move.Sequence, snapshot!.LastSequence);
    }

    [Fact]
    public async Task AMoveAndALabelChangeMadeAtTheSameTimeAreBothKept()
    {
        var pair = await BuildAsync();
        var id = Guid.NewGuid();
        await Service.ApplyJsonAsync(pair.Ada, pair.Image, AnnotationServiceApply<TApp>.CreateBox(pair.World, id));

        var relabel = await Service.ApplyJsonAsync(pair.Ada, pair.Image, Relabel(id, 1, AnnotationServiceApply<TApp>.Label(pair.World, "vehicle")));
        var move = await Service.ApplyJsonAsync(pair.Grace, pair.Image, Move(id, 1, 70));

        Assert.True(relabel.Ok, relabel.Error);
        Assert.True(move.Ok, move.Error);
        Assert.Equal(3, move.Revision);
        var region = Assert.Single((await Service.LoadAsync(pair.Ada, pair.Image))!.Regions);
        Assert.Equal(AnnotationServiceApply<TApp>.Label(pair.World, "vehicle"), region.Data.LabelId);
        Assert.Contains("\"x\":70", region.Data.Geometry, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoMovesOfTheSameBoxAtOnceOneWinsTheOtherIsToldAndShownTheWinner()
    {
        var pair = await BuildAsync();
        var id = Guid.NewGuid();
        await Service.ApplyJsonAsync(pair.Ada, pair.Image, AnnotationServiceApply<TApp>.CreateBox(pair.World, id));

        var results = await Task.WhenAll(
            Service.ApplyJsonAsync(pair.Ada, pair.Image, Move(id, 1, 11)),
            Service.ApplyJsonAsync(pair.Grace, pair.Image, Move(id, 1, 99)));

        var winner = Assert.Single(results, r => r.Ok);
        var loser = Assert.Single(results, r => !r.Ok);
        Assert.Contains(" changed this region's shape while you were editing it", loser.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("Someone else", loser.Error, StringComparison.Ordinal); // the winner is named
        using var json = JsonDocument.Parse(loser.ToJson());
        Assert.Equal("changed", json.RootElement.GetProperty("conflict").GetString());
        Assert.Equal(2, json.RootElement.GetProperty("revision").GetInt32());
        var winnerX = winner.AuthorId == results[0].AuthorId && results[0].Ok ? 11 : 99;
        Assert.Equal(winnerX, json.RootElement.GetProperty("region").GetProperty("geometry").GetProperty("x").GetDouble());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("by").GetString()));
        var stored = Assert.Single((await Service.LoadAsync(pair.Ada, pair.Image))!.Regions);
        Assert.Contains($"\"x\":{winnerX}", stored.Data.Geometry, StringComparison.Ordinal);
        Assert.Equal(2, stored.Revision);
    }

    [Fact]
    public async Task EditingARegionSomeoneDeletedIsRefusedWithTheDeletionAndItCanBeRestored()
    {
        var pair = await BuildAsync();
        var id = Guid.NewGuid();
        await Service.ApplyJsonAsync(pair.Ada, pair.Image, AnnotationServiceApply<TApp>.CreateBox(pair.World, id));
        Assert.True((await Service.ApplyJsonAsync(pair.Grace, pair.Image, Delete(id, 1))).Ok);

        var move = await Service.ApplyJsonAsync(pair.Ada, pair.Image, Move(id, 1, 40));
        using var json = JsonDocument.Parse(move.ToJson());
        Assert.Equal("deleted", json.RootElement.GetProperty("conflict").GetString());
        Assert.Equal(JsonValueKind.Null, json.RootElement.GetProperty("region").ValueKind);
        Assert.Equal(pair.GraceName, json.RootElement.GetProperty("by").GetString());
        Assert.Equal($"{pair.GraceName} deleted this region.", move.Error);

        var restore = await Service.ApplyJsonAsync(pair.Ada, pair.Image, AnnotationServiceApply<TApp>.CreateBox(pair.World, id, x: 40));
        Assert.True(restore.Ok, restore.Error);
        Assert.Equal(3, restore.Revision);
        Assert.Single((await Service.LoadAsync(pair.Grace, pair.Image))!.Regions);
    }

    [Fact]
    public async Task AViewerThatFellBehindGetsTheCurrentStateOfWhatChanged()
    {
        var pair = await BuildAsync();
        var kept = Guid.NewGuid();
        var gone = Guid.NewGuid();
        await Service.ApplyJsonAsync(pair.Ada, pair.Image, AnnotationServiceApply<TApp>.CreateBox(pair.World, kept));
        var seen = (await Service.LoadAsync(pair.Grace, pair.Image))!.LastSequence;
        await Service.ApplyJsonAsync(pair.Ada, pair.Image, Move(kept, 1, 12));
        await Service.ApplyJsonAsync(pair.Ada, pair.Image, Move(kept, 2, 13));
        await Service.ApplyJsonAsync(pair.Ada, pair.Image, AnnotationServiceApply<TApp>.CreateBox(pair.World, gone));
        var last = await Service.ApplyJsonAsync(pair.Ada, pair.Image, Delete(gone, 1));

        var catchUp = (await Service.CatchUpAsync(pair.Grace, pair.Image, seen))!;

        Assert.False(catchUp.Reload);
        Assert.Equal(last.Sequence, catchUp.LastSequence);
        var messages = catchUp.Messages.Select(m => JsonDocument.Parse(m.ToJson()).RootElement).ToList();
        Assert.Equal(2, messages.Count);
        Assert.Equal(kept, messages[0].GetProperty("regionId").GetGuid());
        Assert.Equal(3, messages[0].GetProperty("revision").GetInt32());
        Assert.Equal(13, messages[0].GetProperty("region").GetProperty("geometry").GetProperty("x").GetDouble());
        Assert.Equal(seen, messages[0].GetProperty("prev").GetInt64());
        Assert.Equal(gone, messages[1].GetProperty("regionId").GetGuid());
        Assert.Equal(JsonValueKind.Null, messages[1].GetProperty("region").ValueKind);
        Assert.Equal(messages[0].GetProperty("sequence").GetInt64(), messages[1].GetProperty("prev").GetInt64());
        Assert.Equal(last.Sequence, messages[1].GetProperty("sequence").GetInt64());

        var upToDate = (await Service.CatchUpAsync(pair.Grace, pair.Image, last.Sequence))!;
        Assert.Equal((false, 0), (upToDate.Reload, upToDate.Messages.Count));
        Assert.True((await Service.CatchUpAsync(pair.Grace, pair.Image, last.Sequence + 10))!.Reload);
        Assert.Null(await Service.CatchUpAsync(pair.World.Outsider, pair.Image, 0));
    }

    [Fact]
    public async Task WithOverlapTwoEachLabelersOperationsStayOnTheirOwnStream()
    {
        var pair = await BuildAsync(overlap: 2);
        var adaId = Web.Workspace.LiveEditsIds.UserId(pair.Ada);
        var graceId = Web.Workspace.LiveEditsIds.UserId(pair.Grace);
        using var adaStream = new Listener(Feed, pair.Image, adaId);
        using var graceStream = new Listener(Feed, pair.Image, graceId);
        using var shared = new Listener(Feed, pair.Image, null);

        await Service.ApplyJsonAsync(pair.Ada, pair.Image, AnnotationServiceApply<TApp>.CreateBox(pair.World, Guid.NewGuid()));
        var graces = await Service.ApplyJsonAsync(pair.Grace, pair.Image, AnnotationServiceApply<TApp>.CreateBox(pair.World, Guid.NewGuid()));

        await adaStream.TakeAsync(1);
        var grace = await graceStream.TakeAsync(1);
        await Task.Delay(200);
        Assert.Single(adaStream.Messages);
        Assert.Empty(shared.Messages);
        // Sequence numbers are the image's; the chain is the set's: Grace's first operation follows nothing.
        Assert.Equal((2L, 0L), (grace[0].GetProperty("sequence").GetInt64(), grace[0].GetProperty("prev").GetInt64()));
        Assert.Equal(graces.Sequence, (await Service.LoadAsync(pair.Grace, pair.Image))!.LastSequence);
        Assert.Empty((await Service.CatchUpAsync(pair.Grace, pair.Image, 2))!.Messages);
    }
}

internal static class LiveEditsIds
{
    public static string UserId(ClaimsPrincipal user) => user.FindFirstValue(ClaimTypes.NameIdentifier)!;
}

public sealed class LiveEditsOnSqlite(SqliteApp app) : LiveEdits<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class LiveEditsOnPostgres(PostgresApp app) : LiveEdits<PostgresApp>(app), IClassFixture<PostgresApp>;
