using System.Net;
using System.Text.Json;
using Annotator.Core.Accounts;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Accounts;
using Annotator.Web.Collaboration;
using Annotator.Web.Projects;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Annotator.Tests.Web.Live;

/// <summary>
/// The annotations hub over the real SignalR transport (WebSockets on 127.0.0.1): who may connect, join and submit,
/// who receives what, and what happens when access is taken away mid-session.
/// </summary>
public abstract class AnnotationsHubAccess<TApp>(TApp fixture) where TApp : AppFixture
{
    private AnnotatorFactory App => fixture.App;

    private static string Error(JsonElement result) => result.GetProperty("error").GetString()!;

    private static bool Ok(JsonElement result) => result.GetProperty("ok").GetBoolean();

    [Fact]
    public async Task ConnectingWithoutAWorkingTokenIsRefused()
    {
        var world = await HubWorld.BuildAsync(App);
        var revoked = await App.MintApiTokenAsync(world.Ann, "revoked");
        await App.Services.GetRequiredService<ApiTokenService>().RevokeAsync(TestPrincipals.For(world.Ann, AppRoles.Labeler), revoked.Token.Id);
        var expired = await App.MintApiTokenAsync(world.Ann, "expired", DateTime.UtcNow.AddMinutes(5));
        await using (var db = await App.NewDbContextAsync())
        {
            await db.ApiTokens.Where(t => t.Id == expired.Token.Id)
                .ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddSeconds(-1)));
        }
        var good = await App.MintApiTokenAsync(world.Ann, "good");
        var forged = good.Secret[..^6] + (good.Secret.EndsWith("AAAAAA", StringComparison.Ordinal) ? "BBBBBB" : "AAAAAA");

        foreach (var (token, why) in new[] { ("", "missing"), ("hello", "malformed"), (forged, "forged"), (revoked.Secret, "revoked"), (expired.Secret, "expired") })
        {
            var refused = await Assert.ThrowsAsync<HttpRequestException>(() => HubClient.ConnectAsync(App.ServerAddress, token));
            Assert.True(refused.StatusCode == HttpStatusCode.Unauthorized, $"A {why} token got {refused.StatusCode}.");
        }
        await using var client = await HubClient.ConnectAsync(App.ServerAddress, good.Secret);
        Assert.Equal(world.Image, (await client.JoinAsync(world.Image)).GetProperty("imageId").GetInt32());
    }

    [Fact]
    public async Task ANewTaxonomyVersionIsPushedToConnectionsFollowingTheProject()
    {
        var world = await HubWorld.BuildAsync(App);
        var following = await App.MintApiTokenAsync(world.Ann, "following");
        await using var joined = await HubClient.ConnectAsync(App.ServerAddress, following.Secret);
        await using var idle = await HubClient.ConnectAsync(App.ServerAddress, following.Secret);
        var pushed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var strayed = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        joined.Connection.On<string>(AnnotationsHub.TaxonomyChangedMessage, json => pushed.TrySetResult(json));
        idle.Connection.On<string>(AnnotationsHub.TaxonomyChangedMessage, json => strayed.TrySetResult(json));
        await joined.JoinAsync(world.Image);

        var admin = TestPrincipals.For(world.Admin, AppRoles.Admin);
        var taxonomies = App.Services.GetRequiredService<Annotator.Web.Taxonomy.TaxonomyService>();
        var state = (await taxonomies.LoadAsync(admin, world.Project))!;
        var animal = world.Taxonomy.Labels.Single(l => l.Name == "animal").Id;
        var saved = await taxonomies.SaveDraftAsync(admin, world.Project, state.Working.UpdateLabel(animal, l => l with { Name = "creature" }), null);
        await taxonomies.PublishAsync(admin, world.Project, "", saved.Revision);

        using var notice = JsonDocument.Parse(await pushed.Task.WaitAsync(HubClient.DefaultTimeout));
        Assert.Equal(2, notice.RootElement.GetProperty("number").GetInt32());
        Assert.Contains("Renamed 'animal' to 'creature'.", notice.RootElement.GetProperty("changes").EnumerateArray().Select(c => c.GetString()));
        await Task.Delay(300);
        Assert.False(strayed.Task.IsCompleted, "A connection that joined no image of the project was told.");
    }

    [Fact]
    public async Task RegionsAPublishedMergeRelabelsArriveAsCommittedOperations()
    {
        var world = await HubWorld.BuildAsync(App);
        var token = await App.MintApiTokenAsync(world.Ann, "merge");
        await using var client = await HubClient.ConnectAsync(App.ServerAddress, token.Secret);
        await client.JoinAsync(world.Image);
        var region = Guid.NewGuid();
        var created = await client.SubmitAsync(world.Image, world.CreateBox(region, label: "vehicle"));
        Assert.True(created.GetProperty("ok").GetBoolean());
        var vehicle = world.Taxonomy.Labels.Single(l => l.Name == "vehicle").Id;
        var person = world.Taxonomy.Labels.Single(l => l.Name == "person").Id;

        var admin = TestPrincipals.For(world.Admin, AppRoles.Admin);
        var taxonomies = App.Services.GetRequiredService<Annotator.Web.Taxonomy.TaxonomyService>();
        var state = (await taxonomies.LoadAsync(admin, world.Project))!;
        var saved = await taxonomies.SaveDraftAsync(admin, world.Project, state.Working.Merge(vehicle, person, []), null);
        await taxonomies.PublishAsync(admin, world.Project, "", saved.Revision);

        // The migration is an ordinary committed operation on the image's stream, chained to the create: no catch-up needed.
        var migrated = await client.WaitForSequenceAsync(world.Image, created.GetProperty("sequence").GetInt64() + 1);
        Assert.Equal("update", migrated.GetProperty("type").GetString());
        Assert.Equal(region, migrated.GetProperty("regionId").GetGuid());
        Assert.Equal(person, migrated.GetProperty("region").GetProperty("labelId").GetGuid());
        Assert.Equal(created.GetProperty("sequence").GetInt64(), migrated.GetProperty("prev").GetInt64());
    }

    [Fact]
    public async Task ASignedInBrowserCookieDoesNotOpenTheHub()
    {
        var world = await HubWorld.BuildAsync(App);
        using var browser = new HttpClient(new HttpClientHandler { CookieContainer = new(), AllowAutoRedirect = false })
        {
            BaseAddress = App.ServerAddress,
        };
        await AnnotatorFactory.SignInAsync(browser, world.Ann.Email!);

        var negotiate = await browser.PostAsync($"{AnnotationsHub.Path}/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.Unauthorized, negotiate.StatusCode);
    }

    [Fact]
    public async Task ANonMemberCanNeitherJoinNorSubmit()
    {
        var world = await HubWorld.BuildAsync(App);
        await using var outsider = await App.ConnectHubAsync(world.Outsider);

        var join = await Assert.ThrowsAsync<HubException>(() => outsider.JoinAsync(world.Image));
        var result = await outsider.SubmitAsync(world.Image, world.CreateBox());
        var catchUp = await Assert.ThrowsAsync<HubException>(() => outsider.CatchUpAsync(world.Image, 0));

        Assert.Contains($"Image {world.Image} does not exist or you are not a member of its project.", join.Message);
        Assert.Contains("not a member", catchUp.Message);
        Assert.False(Ok(result));
        Assert.Contains("not a member", Error(result));
        Assert.Equal(0, await world.LoggedOperationsAsync(world.Outsider));
    }

    [Fact]
    public async Task AMembersOperationIsCommittedAndReachesEveryClientOnTheImage()
    {
        var world = await HubWorld.BuildAsync(App);
        await using var ann = await App.ConnectHubAsync(world.Ann);
        await using var bob = await App.ConnectHubAsync(world.Bob);
        var before = await ann.JoinAsync(world.Image);
        await bob.JoinAsync(world.Image);
        var regionId = Guid.NewGuid();

        var result = await ann.SubmitAsync(world.Image, world.CreateBox(regionId));

        Assert.True(Ok(result), result.ToString());
        var sequence = result.GetProperty("sequence").GetInt64();
        var seenByBob = await bob.WaitForSequenceAsync(world.Image, sequence);
        var seenByAnn = await ann.WaitForSequenceAsync(world.Image, sequence);
        Assert.Equal(regionId, seenByBob.GetProperty("regionId").GetGuid());
        Assert.Equal(world.Ann.Id, seenByBob.GetProperty("authorId").GetString());
        Assert.Equal(result.GetProperty("opId").GetGuid(), seenByAnn.GetProperty("opId").GetGuid());
        Assert.Equal(0, before.GetProperty("lastSequence").GetInt64());
        Assert.Empty(before.GetProperty("regions").EnumerateArray());
        var after = await bob.JoinAsync(world.Image);
        Assert.Equal(sequence, after.GetProperty("lastSequence").GetInt64());
        Assert.Equal(regionId, Assert.Single(after.GetProperty("regions").EnumerateArray()).GetProperty("id").GetGuid());
        Assert.False(after.GetProperty("readOnly").GetBoolean());
        var catchUp = await bob.CatchUpAsync(world.Image, 0);
        Assert.Equal(sequence, catchUp.GetProperty("lastSequence").GetInt64());
        Assert.Equal(regionId, Assert.Single(catchUp.GetProperty("messages").EnumerateArray()).GetProperty("regionId").GetGuid());
    }

    [Fact]
    public async Task ARefusedOperationIsAnsweredWithTheReasonAndBroadcastToNobody()
    {
        var world = await HubWorld.BuildAsync(App);
        await using var ann = await App.ConnectHubAsync(world.Ann);
        await ann.JoinAsync(world.Image);

        var outside = await ann.SubmitAsync(world.Image, world.CreateBox(x: -50));
        var garbage = await ann.SubmitAsync(world.Image, "{not json");
        var empty = await Assert.ThrowsAsync<HubException>(() => ann.SubmitAsync(world.Image, " "));
        var negative = await Assert.ThrowsAsync<HubException>(() => ann.CatchUpAsync(world.Image, -1));
        var fine = await ann.SubmitAsync(world.Image, world.CreateBox());
        await ann.WaitForSequenceAsync(world.Image, fine.GetProperty("sequence").GetInt64());

        Assert.Contains("outside", Error(outside), StringComparison.OrdinalIgnoreCase);
        Assert.False(Ok(garbage));
        Assert.Contains("operationJson is empty", empty.Message);
        Assert.Contains("afterSequence must be 0 or more", negative.Message);
        Assert.Single(ann.Committed);
        Assert.Equal(1, await world.LoggedOperationsAsync(world.Ann));
    }

    [Fact]
    public async Task AnOperationWithAnUnpairedSurrogateIsRefusedWithTheReason()
    {
        var world = await HubWorld.BuildAsync(App);
        await using var ann = await App.ConnectHubAsync(world.Ann);
        await ann.JoinAsync(world.Image);
        var label = world.Taxonomy.Labels.Single(l => l.Name == "animal").Id;
        // JSON escapes, so the text on the wire is valid UTF-8; System.Text.Json parses it but cannot make a string of it.
        var inAttributes = $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"create","region":{"id":"{{{Guid.NewGuid()}}}","labelId":"{{{label}}}","kind":"box","geometry":{"x":1,"y":2,"w":3,"h":4},"attributes":{"note":"\ud800"} } }""";
        var inType = $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"cr\ud800eate"}""";
        var inAnswer = $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"answer","questionId":"{{{Guid.NewGuid()}}}","value":"\udc00"}""";

        var results = new[]
        {
            await ann.SubmitAsync(world.Image, inAttributes),
            await ann.SubmitAsync(world.Image, inType),
            await ann.SubmitAsync(world.Image, inAnswer),
        };
        // The connection is still usable afterwards.
        var fine = await ann.SubmitAsync(world.Image, world.CreateBox());

        Assert.All(results, r =>
        {
            Assert.False(Ok(r));
            Assert.Contains("not valid Unicode", Error(r));
        });
        Assert.True(Ok(fine));
        Assert.Equal(1, await world.LoggedOperationsAsync(world.Ann));
    }

    [Fact]
    public async Task WithOverlapTwoAnotherLabelerDoesNotReceiveMyOperations()
    {
        var world = await HubWorld.BuildAsync(App, overlap: 2);
        await using var ann = await App.ConnectHubAsync(world.Ann);
        await using var bob = await App.ConnectHubAsync(world.Bob);
        await ann.JoinAsync(world.Image);
        await bob.JoinAsync(world.Image);

        var mine = await ann.SubmitAsync(world.Image, world.CreateBox());
        await ann.WaitForSequenceAsync(world.Image, mine.GetProperty("sequence").GetInt64());
        // Bob's own operation is sent after Ann's was; once it has arrived, Ann's would have arrived too.
        var his = await bob.SubmitAsync(world.Image, world.CreateBox());
        await bob.WaitForSequenceAsync(world.Image, his.GetProperty("sequence").GetInt64());

        Assert.All(bob.Committed, m => Assert.Equal(world.Bob.Id, m.GetProperty("authorId").GetString()));
        Assert.All(ann.Committed, m => Assert.Equal(world.Ann.Id, m.GetProperty("authorId").GetString()));
        Assert.Single((await bob.JoinAsync(world.Image)).GetProperty("regions").EnumerateArray());
    }

    [Fact]
    public async Task RemovingTheMembershipMidSessionRefusesFurtherOperationsAndKeepsAcknowledgedOnes()
    {
        var world = await HubWorld.BuildAsync(App);
        await using var ann = await App.ConnectHubAsync(world.Ann);
        await using var bob = await App.ConnectHubAsync(world.Bob);
        await ann.JoinAsync(world.Image);
        await bob.JoinAsync(world.Image);
        var acknowledged = new List<Guid>();
        for (var i = 0; i < 3; i++)
        {
            var result = await ann.SubmitAsync(world.Image, world.CreateBox(x: 10 + i));
            Assert.True(Ok(result), result.ToString());
            acknowledged.Add(result.GetProperty("regionId").GetGuid());
        }

        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<ProjectService>().RemoveMemberAsync(world.AdminPrincipal, world.Project, world.Ann.Id);
        }
        var reason = await ann.WaitForAccessChangedAsync();
        var refused = await ann.SubmitAsync(world.Image, world.CreateBox());
        var rejoin = await Assert.ThrowsAsync<HubException>(() => ann.JoinAsync(world.Image));
        var bobs = await bob.SubmitAsync(world.Image, world.CreateBox());
        await bob.WaitForSequenceAsync(world.Image, bobs.GetProperty("sequence").GetInt64());

        Assert.Contains("You were removed from the project", reason);
        Assert.False(Ok(refused));
        Assert.Contains("not a member", Error(refused));
        Assert.Contains("not a member", rejoin.Message);
        Assert.DoesNotContain(ann.Committed, m => m.GetProperty("authorId").GetString() == world.Bob.Id);
        await using var db = await App.NewDbContextAsync();
        Assert.Equal(3, await world.LoggedOperationsAsync(world.Ann));
        Assert.Equal(3, await db.Regions.CountAsync(r => acknowledged.Contains(r.Id) && !r.IsDeleted));
    }

    [Fact]
    public async Task RevokingTheTokenMidSessionRefusesTheNextCall()
    {
        var world = await HubWorld.BuildAsync(App);
        var token = await App.MintApiTokenAsync(world.Ann, "script");
        var other = await App.MintApiTokenAsync(world.Ann, "other script");
        await using var ann = await HubClient.ConnectAsync(App.ServerAddress, token.Secret);
        await using var stillFine = await HubClient.ConnectAsync(App.ServerAddress, other.Secret);
        await ann.JoinAsync(world.Image);
        await stillFine.JoinAsync(world.Image);
        var acked = await ann.SubmitAsync(world.Image, world.CreateBox());

        await App.Services.GetRequiredService<ApiTokenService>().RevokeAsync(TestPrincipals.For(world.Ann, AppRoles.Labeler), token.Token.Id);
        var reason = await ann.WaitForAccessChangedAsync();
        var submit = await Assert.ThrowsAsync<HubException>(() => ann.SubmitAsync(world.Image, world.CreateBox()));
        var join = await Assert.ThrowsAsync<HubException>(() => ann.JoinAsync(world.Image));
        var fromOther = await stillFine.SubmitAsync(world.Image, world.CreateBox());

        Assert.True(Ok(acked));
        Assert.Contains("'script' was revoked", reason);
        Assert.Contains("This API token was revoked.", submit.Message);
        Assert.Contains("revoked", join.Message);
        Assert.True(Ok(fromOther), fromOther.ToString());
        Assert.Empty(stillFine.AccessChanges);
        Assert.Equal(2, await world.LoggedOperationsAsync(world.Ann));
    }

    [Fact]
    public async Task DeactivatingTheAccountMidSessionRefusesTheNextCall()
    {
        var world = await HubWorld.BuildAsync(App);
        await using var ann = await App.ConnectHubAsync(world.Ann);
        await ann.JoinAsync(world.Image);

        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAdminService>().SetActiveAsync(world.AdminPrincipal, world.Ann.Id, active: false);
        }
        var reason = await ann.WaitForAccessChangedAsync();
        var submit = await Assert.ThrowsAsync<HubException>(() => ann.SubmitAsync(world.Image, world.CreateBox()));

        Assert.Equal("Your account was deactivated.", reason);
        Assert.Contains("Your account was deactivated.", submit.Message);
        Assert.Equal(0, await world.LoggedOperationsAsync(world.Ann));
    }

    [Fact]
    public async Task AMessageAboveTheSizeLimitIsRefusedAndStoresNothing()
    {
        var world = await HubWorld.BuildAsync(App);
        var limit = App.Services.GetRequiredService<IOptions<Annotator.Web.Collaboration.CollaborationOptions>>().Value.HubMaxMessageBytes;
        await using var ann = await App.ConnectHubAsync(world.Ann);
        await ann.JoinAsync(world.Image);
        var huge = world.CreateBox().Replace("\"attributes\":{}", $"\"attributes\":{{}},\"padding\":\"{new string('x', (int)limit)}\"",
            StringComparison.Ordinal);

        await Assert.ThrowsAnyAsync<Exception>(() => ann.SubmitAsync(world.Image, huge));

        Assert.Equal(HubConnectionState.Disconnected, ann.Connection.State);
        Assert.Equal(0, await world.LoggedOperationsAsync(world.Ann));
        await using var again = await App.ConnectHubAsync(world.Ann);
        Assert.True(Ok(await again.SubmitAsync(world.Image, world.CreateBox())));
    }
}

public sealed class AnnotationsHubAccessOnSqlite(SqliteKestrelApp app) : AnnotationsHubAccess<SqliteKestrelApp>(app), IClassFixture<SqliteKestrelApp>;

public sealed class AnnotationsHubAccessOnPostgres(PostgresKestrelApp app) : AnnotationsHubAccess<PostgresKestrelApp>(app), IClassFixture<PostgresKestrelApp>;
