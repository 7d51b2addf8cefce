using System.Collections.Concurrent;
using System.Security.Claims;
using System.Text.Json;
using Annotator.Core;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Core.Taxonomy;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Feed;
using Annotator.Web.Taxonomy;
using Annotator.Web.Annotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Taxonomy;

/// <summary>
/// Publishing taxonomy versions through the real service and database: renames keep annotations, merges relabel them
/// as logged operations, splits fill the relabeling queue, used labels cannot disappear, and edits in flight while a
/// version is published either land before it (and are migrated) or are refused with the reason — never in between.
/// </summary>
public abstract class TaxonomyPublishing<TApp>(TApp fixture) where TApp : AppFixture
{
    private AnnotatorFactory App => fixture.App;
    private TaxonomyService Taxonomies => App.Services.GetRequiredService<TaxonomyService>();
    private AnnotationService Annotations => App.Services.GetRequiredService<AnnotationService>();

    private sealed record World(ClaimsPrincipal Admin, ClaimsPrincipal Labeler, int Project, int Image, TaxonomyDefinition Taxonomy)
    {
        public Guid Label(string name) => Taxonomy.Labels.Single(l => l.Name == name).Id;

        public Guid Attribute(string label, string name) => Taxonomy.Labels.Single(l => l.Name == label).Attributes.Single(a => a.Name == name).Id;
    }

    private async Task<World> BuildAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var admin = await App.CreateUserAsync($"admin-{tag}@example.com", AppRoles.Admin);
        var labeler = await App.CreateUserAsync($"labeler-{tag}@example.com", AppRoles.Labeler);
        var project = await App.CreateProjectAsync("Taxonomy " + tag, admin.Id, (labeler.Id, ProjectRole.Labeler));
        var image = await App.AddImageAsync(project, admin.Id, Fixtures.Good("horse.png"));
        var taxonomy = await App.PublishedTaxonomyAsync(project);
        return new World(TestPrincipals.For(admin, AppRoles.Admin), TestPrincipals.For(labeler, AppRoles.Labeler), project, image, taxonomy);
    }

    private static string Create(Guid regionId, Guid label, string attributes = "{}") =>
        $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"create","region":{"id":"{{{regionId}}}","labelId":"{{{label}}}","kind":"box","geometry":{"x":10,"y":20,"w":30,"h":40},"attributes":{{{attributes}}},"zOrder":0,"hidden":false,"locked":false}}""";

    private async Task<Guid> DrawAsync(World world, string label, string attributes = "{}")
    {
        var id = Guid.NewGuid();
        var outcome = await Annotations.ApplyJsonAsync(world.Labeler, world.Image, Create(id, world.Label(label), attributes));
        Assert.True(outcome.Ok, outcome.Error);
        return id;
    }

    private async Task<PublishResult> PublishAsync(World world, Func<TaxonomyDraft, TaxonomyDraft> edit, string note = "test")
    {
        var state = (await Taxonomies.LoadAsync(world.Admin, world.Project))!;
        var saved = await Taxonomies.SaveDraftAsync(world.Admin, world.Project, edit(state.Working), state.Draft?.Revision);
        return await Taxonomies.PublishAsync(world.Admin, world.Project, note, saved.Revision);
    }

    private sealed class NoticeListener : IDisposable
    {
        private readonly IDisposable _subscription;
        private readonly TaskCompletionSource<TaxonomyNotice> _notice = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public NoticeListener(IFeed feed, int projectId) =>
            _subscription = feed.Subscribe(FeedTopics.Taxonomy, projectId.ToString(System.Globalization.CultureInfo.InvariantCulture), m =>
            {
                _notice.TrySetResult(TaxonomyNotice.Parse(m.Payload)!);
                return Task.CompletedTask;
            });

        public Task<TaxonomyNotice> Notice => _notice.Task.WaitAsync(TimeSpan.FromSeconds(10));

        public void Dispose() => _subscription.Dispose();
    }

    [Fact]
    public async Task RenameRecolourAndHotkeyKeepEveryAnnotationAndAnnounceTheVersion()
    {
        var world = await BuildAsync();
        var region = await DrawAsync(world, "vehicle");
        using var listener = new NoticeListener(App.Services.GetRequiredService<IFeed>(), world.Project);

        var result = await PublishAsync(world, d => d.UpdateLabel(world.Label("vehicle"), l => l with { Name = "automobile", Color = "#123456", Hotkey = "9" }),
            "Vehicles are automobiles now");

        Assert.Equal(2, result.Number);
        Assert.Equal(0, result.Regions);
        var notice = await listener.Notice;
        Assert.Equal(2, notice.Number);
        Assert.Contains("Renamed 'vehicle' to 'automobile'.", notice.Changes);
        var snapshot = (await Annotations.LoadAsync(world.Labeler, world.Image))!;
        Assert.Equal(2, snapshot.Context.TaxonomyNumber);
        var kept = Assert.Single(snapshot.Regions);
        Assert.Equal((region, world.Label("vehicle"), 1), (kept.Data.Id, kept.Data.LabelId, kept.Revision));
        Assert.Equal("automobile", snapshot.Context.Taxonomy!.Labels.Single(l => l.Id == kept.Data.LabelId).Name);
        var state = (await Taxonomies.LoadAsync(world.Admin, world.Project))!;
        Assert.Null(state.Draft);
        Assert.Equal([2, 1], state.Versions.Select(v => v.Number));
        Assert.Equal("Vehicles are automobiles now", state.Versions[0].ChangeNote);
        Assert.False(string.IsNullOrEmpty(state.Versions[0].PublishedBy));
        Assert.Contains(await Taxonomies.DiffAsync(world.Labeler, world.Project, 1, 2), c => c.Text == "Renamed 'vehicle' to 'automobile'.");
    }

    [Fact]
    public async Task MergeRelabelsEveryRegionAsLoggedOperationsAndExplainsLateEdits()
    {
        var world = await BuildAsync();
        var kind = world.Attribute("vehicle", "kind");
        var pose = world.Attribute("person", "pose");
        var car = await DrawAsync(world, "vehicle", $$"""{"{{kind}}":"car"}""");
        var plain = await DrawAsync(world, "vehicle");
        var gone = await DrawAsync(world, "vehicle");
        var before = (await Annotations.LoadAsync(world.Labeler, world.Image))!;
        var goneRevision = before.Regions.Single(r => r.Data.Id == gone).Revision;
        Assert.True((await Annotations.ApplyJsonAsync(world.Labeler, world.Image,
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"delete","regionId":"{{{gone}}}","baseRevision":{{{goneRevision}}} }""")).Ok);
        var lastSequence = (await Annotations.LoadAsync(world.Labeler, world.Image))!.LastSequence;

        var state = (await Taxonomies.LoadAsync(world.Admin, world.Project))!;
        var mapping = new[] { new AttributeMapping(kind, pose) };
        var preview = await Taxonomies.PreviewMergeAsync(world.Admin, world.Project, state.Working, world.Label("vehicle"), world.Label("person"), mapping);
        Assert.Equal((2, 1), (preview.Regions, preview.Images));
        var kindPreview = preview.Attributes.Single(a => a.Name == "kind");
        Assert.Equal((1, "pose", 1), (kindPreview.Values, kindPreview.Into, kindPreview.Misfits));

        var result = await PublishAsync(world, d => d.Merge(world.Label("vehicle"), world.Label("person"), mapping));

        Assert.Equal(2, result.Regions);
        Assert.Contains(result.Changes, c => c.Text == "Merged 'vehicle' into 'person': its regions now have 'person'.");
        var after = (await Annotations.LoadAsync(world.Labeler, world.Image))!;
        Assert.All(after.Regions, r => Assert.Equal(world.Label("person"), r.Data.LabelId));
        var moved = after.Regions.Single(r => r.Data.Id == car);
        Assert.Equal($$"""{"{{pose}}":"car"}""", moved.Data.Attributes);
        Assert.Equal(2, moved.Revision);
        Assert.Equal(lastSequence + 2, after.LastSequence);
        // A viewer that was at the old sequence catches up on both relabeled regions.
        var catchUp = (await Annotations.CatchUpAsync(world.Labeler, world.Image, lastSequence))!;
        Assert.False(catchUp.Reload);
        Assert.Equal(2, catchUp.Messages.Count);
        await using (var db = await App.NewDbContextAsync())
        {
            var deleted = await db.Regions.SingleAsync(r => r.Id == gone);
            Assert.Equal(world.Label("person"), deleted.LabelId); // a restore brings back a label that exists
            Assert.Equal(2, await db.OperationLog.CountAsync(o => o.ImageId == world.Image && o.Sequence > lastSequence));
        }
        // Someone still drawing with the old palette is told what happened.
        var late = await Annotations.ApplyJsonAsync(world.Labeler, world.Image, Create(Guid.NewGuid(), world.Label("vehicle")));
        Assert.False(late.Ok);
        Assert.Equal("'vehicle' was merged into 'person' in taxonomy version 2; draw it as 'person'.", late.Error);
        // An edit of a merged region made against the old version is still fine: only its label changed.
        var move = await Annotations.ApplyJsonAsync(world.Labeler, world.Image,
            $$$$"""{"opId":"{{{{Guid.NewGuid()}}}}","type":"update","regionId":"{{{{plain}}}}","baseRevision":1,"set":{"geometry":{"x":50,"y":20,"w":30,"h":40}}}""");
        Assert.True(move.Ok, move.Error);
    }

    [Fact]
    public async Task SplitFillsTheRelabelingQueueUntilEachRegionGetsANewLabel()
    {
        var world = await BuildAsync();
        var region = await DrawAsync(world, "vehicle");
        var (car, truck) = (Guid.NewGuid(), Guid.NewGuid());

        var result = await PublishAsync(world, d => d.Split(world.Label("vehicle"), [(car, "car"), (truck, "truck")]));

        Assert.Equal(0, result.Regions);
        var queue = await Taxonomies.RelabelQueueAsync(world.Labeler, world.Project);
        var item = Assert.Single(queue);
        Assert.Equal((world.Image, 1, "vehicle"), (item.ImageId, item.Regions, item.Labels.Single()));
        var refused = await Annotations.ApplyJsonAsync(world.Labeler, world.Image, Create(Guid.NewGuid(), world.Label("vehicle")));
        Assert.Equal("Label 'vehicle' is deprecated; new regions need another label.", refused.Error);
        var relabel = await Annotations.ApplyJsonAsync(world.Labeler, world.Image,
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"update","regionId":"{{{region}}}","baseRevision":1,"set":{"labelId":"{{{truck}}}"}}""");
        Assert.True(relabel.Ok, relabel.Error);
        Assert.Empty(await Taxonomies.RelabelQueueAsync(world.Labeler, world.Project));
    }

    [Fact]
    public async Task ALabelUsedAfterItWasRemovedFromTheDraftStopsThePublishAndNothingChanges()
    {
        var world = await BuildAsync();
        var state = (await Taxonomies.LoadAsync(world.Admin, world.Project))!;
        var saved = await Taxonomies.SaveDraftAsync(world.Admin, world.Project, state.Working.RemoveLabel(world.Label("animal"), 0), null);
        await DrawAsync(world, "animal");

        var preview = await Taxonomies.PreviewPublishAsync(world.Admin, world.Project);
        var refused = await Assert.ThrowsAsync<DomainException>(() => Taxonomies.PublishAsync(world.Admin, world.Project, "", saved.Revision));

        const string Problem = "'animal' is used by 1 region (drawn after it was removed from the draft); merge it into another label or deprecate it instead.";
        Assert.Contains(Problem, preview.Problems);
        Assert.Equal(Problem, refused.Message);
        var after = (await Taxonomies.LoadAsync(world.Admin, world.Project))!;
        Assert.Equal(1, after.Published!.Number);
        Assert.NotNull(after.Draft);
        Assert.Equal(1, after.LabelUsage[world.Label("animal")]);
        Assert.DoesNotContain(after.Working.Definition.Labels, l => l.Name == "animal");
    }

    [Fact]
    public async Task OnlyAdminsChangeTheTaxonomyAndConcurrentSavesDoNotOverwrite()
    {
        var world = await BuildAsync();
        var state = (await Taxonomies.LoadAsync(world.Labeler, world.Project))!;
        Assert.False(state.CanEdit);
        var notAdmin = await Assert.ThrowsAsync<DomainException>(() => Taxonomies.SaveDraftAsync(world.Labeler, world.Project, state.Working, null));
        Assert.Equal("Only admins may change the taxonomy.", notAdmin.Message);
        await Assert.ThrowsAsync<DomainException>(() => Taxonomies.PublishAsync(world.Labeler, world.Project, "", 0));

        var first = await Taxonomies.SaveDraftAsync(world.Admin, world.Project, state.Working.AddLabel(Guid.NewGuid(), "bird"), null);
        var stale = await Assert.ThrowsAsync<DomainException>(() =>
            Taxonomies.SaveDraftAsync(world.Admin, world.Project, state.Working.AddLabel(Guid.NewGuid(), "fish"), null));
        Assert.Equal("Someone else saved this draft meanwhile; reload to see their changes before saving yours.", stale.Message);
        var second = await Taxonomies.SaveDraftAsync(world.Admin, world.Project, state.Working.AddLabel(Guid.NewGuid(), "fish"), first.Revision);
        var overwritten = await Assert.ThrowsAsync<DomainException>(() =>
            Taxonomies.SaveDraftAsync(world.Admin, world.Project, state.Working, first.Revision));
        Assert.Equal("Someone else saved this draft meanwhile; reload to see their changes before saving yours.", overwritten.Message);
        var invalid = await Assert.ThrowsAsync<DomainException>(() =>
            Taxonomies.SaveDraftAsync(world.Admin, world.Project, state.Working.UpdateLabel(world.Label("animal"), l => l with { Hotkey = "1" }), second.Revision));
        Assert.Equal("Hotkey '1' is used by 'person' and 'animal'.", invalid.Message);
        await Assert.ThrowsAsync<DomainException>(() => Taxonomies.PublishAsync(world.Admin, world.Project, "", first.Revision));
        var loaded = (await Taxonomies.LoadAsync(world.Admin, world.Project))!;
        Assert.Contains(loaded.Working.Definition.Labels, l => l.Name == "fish");
        Assert.Equal(second.Revision, loaded.Draft!.Revision);
        // The draft is the admins' work in progress: a labeler sees what is in effect, and cannot read the draft.
        var labelerView = (await Taxonomies.LoadAsync(world.Labeler, world.Project))!;
        Assert.Null(labelerView.Draft);
        Assert.DoesNotContain(labelerView.Working.Definition.Labels, l => l.Name == "fish");
        Assert.Equal([1], labelerView.Versions.Select(v => v.Number));
        await Assert.ThrowsAsync<DomainException>(() => Taxonomies.DiffAsync(world.Labeler, world.Project, 1, 2));
        await Assert.ThrowsAsync<DomainException>(() => Taxonomies.DefinitionAsync(world.Labeler, world.Project, 2));
        await Taxonomies.DiscardDraftAsync(world.Admin, world.Project);
        var discarded = await Assert.ThrowsAsync<DomainException>(() =>
            Taxonomies.SaveDraftAsync(world.Admin, world.Project, loaded.Working, second.Revision));
        Assert.Contains("published or discarded meanwhile", discarded.Message, StringComparison.Ordinal);
        Assert.Null((await Taxonomies.LoadAsync(world.Admin, world.Project))!.Draft);
        Assert.Null(await Taxonomies.LoadAsync(TestPrincipals.For(await App.CreateUserAsync($"x-{Guid.NewGuid():N}@example.com", AppRoles.Labeler), AppRoles.Labeler), world.Project));
    }

    [Fact]
    public async Task EditsInFlightWhilePublishingLandBeforeTheMergeOrAreRefusedWithTheReason()
    {
        var world = await BuildAsync();
        var vehicle = world.Label("vehicle");
        var acked = new ConcurrentBag<Guid>();
        var refusals = new ConcurrentBag<string>();
        using var stop = new CancellationTokenSource();
        var published = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task DrawLoopAsync()
        {
            // Bounded: each writer stops after the publish plus a few more edits, or after 400 edits.
            var afterPublish = 0;
            for (var i = 0; i < 400 && afterPublish < 5; i++)
            {
                var id = Guid.NewGuid();
                var outcome = await Annotations.ApplyJsonAsync(world.Labeler, world.Image, Create(id, vehicle));
                if (outcome.Ok)
                {
                    acked.Add(id);
                }
                else
                {
                    refusals.Add(outcome.Error!);
                }
                if (published.Task.IsCompleted)
                {
                    afterPublish++;
                }
            }
        }

        var writers = Enumerable.Range(0, 4).Select(_ => Task.Run(DrawLoopAsync)).ToArray();
        await Eventually.TrueAsync(() => acked.Count >= 20, "20 edits acknowledged before the publish", TimeSpan.FromSeconds(60));
        var result = await PublishAsync(world, d => d.Merge(vehicle, world.Label("person"), []));
        published.SetResult();
        await Task.WhenAll(writers);

        Assert.NotEmpty(refusals);
        Assert.All(refusals, r => Assert.Equal("'vehicle' was merged into 'person' in taxonomy version 2; draw it as 'person'.", r));
        var snapshot = (await Annotations.LoadAsync(world.Labeler, world.Image))!;
        Assert.Equal(acked.Order(), snapshot.Regions.Select(r => r.Data.Id).Order());
        Assert.All(snapshot.Regions, r => Assert.Equal(world.Label("person"), r.Data.LabelId));
        Assert.Equal(acked.Count, result.Regions);
        await using var db = await App.NewDbContextAsync();
        var log = await db.OperationLog.Where(o => o.ImageId == world.Image).OrderBy(o => o.Sequence).Select(o => o.Sequence).ToListAsync();
        Assert.Equal(Enumerable.Range(1, log.Count).Select(i => (long)i), log);
        Assert.Equal(2 * acked.Count, log.Count);
        using var last = JsonDocument.Parse((await db.OperationLog.Where(o => o.ImageId == world.Image).OrderBy(o => o.Sequence).LastAsync()).Payload);
        Assert.Equal("update", last.RootElement.GetProperty("type").GetString());
    }
}

public sealed class TaxonomyPublishingOnSqlite(SqliteApp app) : TaxonomyPublishing<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class TaxonomyPublishingOnPostgres(PostgresApp app) : TaxonomyPublishing<PostgresApp>(app), IClassFixture<PostgresApp>;
