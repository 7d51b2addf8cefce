using System.Security.Claims;
using Annotator.Core.Annotations;
using Annotator.Core.Accounts;
using Annotator.Core.Images;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Annotations;
using Annotator.Web.Feed;
using Annotator.Web.Taxonomy;
using Annotator.Web.Workspace;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Workspace;

/// <summary>
/// <see cref="WorkspaceSession"/> owns an open image's state: everyone's committed operations reach it through the
/// app's feed and go on to the canvas through one entry point; the panel's edits, undo and redo too; newest wins; a
/// published taxonomy change arrives as ordinary committed operations, with no reload of the image.
/// </summary>
public sealed class WorkspaceSessionState(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    private AnnotatorFactory App => fixture.App;

    private sealed record Opened(HubWorld World, WorkspaceSession Session, RecordingWorkspaceView View, IServiceScope Scope) : IDisposable
    {
        public void Dispose()
        {
            Session.Close();
            Scope.Dispose();
        }
    }

    private async Task<Opened> OpenAsync(HubWorld? existing = null)
    {
        var world = existing ?? await HubWorld.BuildAsync(App);
        var scope = App.Services.CreateScope();
        var session = scope.ServiceProvider.GetRequiredService<WorkspaceSession>();
        var view = new RecordingWorkspaceView();
        session.OnChange += () =>
        {
            Interlocked.Increment(ref view.Changes);
            return Task.CompletedTask;
        };
        var ann = TestPrincipals.For(world.Ann, AppRoles.Labeler);
        var snapshot = await session.OpenAsync(() => Task.FromResult(ann), world.Project, world.Image, view);
        Assert.NotNull(snapshot);
        return new Opened(world, session, view, scope);
    }

    private static ClaimsPrincipal Bob(HubWorld world) => TestPrincipals.For(world.Bob, AppRoles.Labeler);

    [Fact]
    public async Task AnotherUsersEditReachesTheStateAndTheCanvas()
    {
        using var open = await OpenAsync();
        var region = Guid.NewGuid();
        var annotations = App.Services.GetRequiredService<AnnotationService>();

        Assert.True((await annotations.ApplyJsonAsync(Bob(open.World), open.World.Image, open.World.CreateBox(region))).Ok);

        await Eventually.TrueAsync(() => open.View.Got(region, "create"), "Bob's box reaching Ann's canvas");
        Assert.Equal(region, Assert.Single(open.Session.Regions).Id);
        Assert.Equal(ImageStatus.InProgress, open.Session.Status);
        Assert.True(open.View.Changes > 0);
    }

    [Fact]
    public async Task PanelEditsUndoAndRedoGoToTheCanvasAsCommittedOperations()
    {
        using var open = await OpenAsync();
        var region = Guid.NewGuid();
        var label = open.World.Taxonomy.Labels.Single(l => l.Name == "animal").Id;

        await open.Session.SubmitAsync(new CreateRegionOp(Guid.NewGuid(),
            new RegionData(region, label, Annotator.Core.Geometry.ShapeKind.Box, """{"x":1,"y":2,"w":3,"h":4}""", "{}", 0, false, false)));
        Assert.True(open.View.Got(region, "create"));
        Assert.True(open.Session.CanUndo(open.World.Image));

        await open.Session.UndoAsync();
        Assert.Empty(open.Session.Regions);
        Assert.True(open.View.Got(region, "delete"));

        await open.Session.RedoAsync();
        Assert.Equal(region, Assert.Single(open.Session.Regions).Id);
        Assert.True(open.View.Received.Count(m => m.GetProperty("type").GetString() == "create") >= 2);
    }

    [Fact]
    public async Task AnOlderStateArrivingLateDoesNotReplaceANewerOne()
    {
        using var open = await OpenAsync();
        var region = Guid.NewGuid();
        var annotations = App.Services.GetRequiredService<AnnotationService>();
        var created = await annotations.ApplyJsonAsync(Bob(open.World), open.World.Image, open.World.CreateBox(region, x: 10));
        var moved = await annotations.ApplyJsonAsync(Bob(open.World), open.World.Image,
            $$$$"""{"opId":"{{{{Guid.NewGuid()}}}}","type":"update","regionId":"{{{{region}}}}","baseRevision":1,"set":{"geometry":{"x":50,"y":20,"w":30,"h":40}}}""");
        Assert.True(moved.Ok, moved.Error);
        await Eventually.TrueAsync(() => open.Session.Region(region)?.Revision == 2, "the move reaching the session");

        // The create's message again, as a late copy from another path: it is older than what the session holds.
        var feed = App.Services.GetRequiredService<IFeed>();
        await feed.PublishAsync(new FeedEnvelope(FeedTopics.Edit, FeedTopics.EditKey(open.World.Image, null), created.ToJson()));
        await Eventually.TrueAsync(() => open.View.Received.Count(m => m.GetProperty("regionId").GetGuid() == region) >= 3,
            "the late copy reaching the canvas (which ignores it by sequence)");

        Assert.Equal(2, open.Session.Region(region)!.Revision);
    }

    [Fact]
    public async Task APublishedMergeArrivesAsCommittedOperationsWithoutAReload()
    {
        var world = await HubWorld.BuildAsync(App);
        var vehicle = world.Taxonomy.Labels.Single(l => l.Name == "vehicle").Id;
        var person = world.Taxonomy.Labels.Single(l => l.Name == "person").Id;
        var region = Guid.NewGuid();
        var annotations = App.Services.GetRequiredService<AnnotationService>();
        Assert.True((await annotations.ApplyJsonAsync(Bob(world), world.Image, world.CreateBox(region, label: "vehicle"))).Ok);
        using var open = await OpenAsync(world);
        Assert.Equal(vehicle, open.Session.Region(region)!.LabelId);
        var before = open.View.Received.Count;

        var taxonomies = App.Services.GetRequiredService<TaxonomyService>();
        var state = (await taxonomies.LoadAsync(world.AdminPrincipal, world.Project))!;
        var saved = await taxonomies.SaveDraftAsync(world.AdminPrincipal, world.Project, state.Working.Merge(vehicle, person, []), state.Draft?.Revision);
        await taxonomies.PublishAsync(world.AdminPrincipal, world.Project, "merge", saved.Revision);

        await Eventually.TrueAsync(() => open.View.Got(region, "update"), "the migrated region reaching the canvas as an operation");
        var migrated = open.View.Received.Skip(before).Single(m => m.GetProperty("regionId").GetGuid() == region);
        Assert.Equal(person, migrated.GetProperty("region").GetProperty("labelId").GetGuid());
        Assert.True(migrated.GetProperty("prev").GetInt64() > 0);
        await Eventually.TrueAsync(() => open.Session.Context!.TaxonomyNumber == 2 && !open.View.Labels.IsEmpty, "the new labels");
        Assert.Equal(person, open.Session.Region(region)!.LabelId);
        Assert.NotNull(open.Session.TaxonomyNotice);
    }
}
