using System.Text.Json;
using Annotator.Core.Accounts;
using Annotator.Core.Images;
using Annotator.Core.Projects;
using Annotator.Core.Taxonomy;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Annotations;
using Annotator.Web.Workspace;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Workspace;

/// <summary>Edit operations against a real database: persisted with a sequence number, refused without a trace.</summary>
public abstract class AnnotationServiceApply<TApp>(TApp fixture) where TApp : AppFixture
{
    private AnnotatorFactory App => fixture.App;
    private AnnotationService Service => App.Services.GetRequiredService<AnnotationService>();

    internal sealed record World(System.Security.Claims.ClaimsPrincipal Labeler, System.Security.Claims.ClaimsPrincipal Outsider,
        int Project, int Image, int Width, int Height, TaxonomyDefinition Taxonomy);

    internal static async Task<World> BuildAsync(AnnotatorFactory app)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var admin = await app.CreateUserAsync($"admin-{tag}@example.com", AppRoles.Admin);
        var labeler = await app.CreateUserAsync($"labeler-{tag}@example.com", AppRoles.Labeler);
        var outsider = await app.CreateUserAsync($"outsider-{tag}@example.com", AppRoles.Labeler);
        var project = await app.CreateProjectAsync("Edits " + tag, admin.Id, (admin.Id, ProjectRole.Reviewer), (labeler.Id, ProjectRole.Labeler));
        var imageId = await app.AddImageAsync(project, admin.Id, Fixtures.Good("horse.png"));
        await using var db = await app.NewDbContextAsync();
        var image = await db.Images.SingleAsync(i => i.Id == imageId);
        var taxonomy = await app.PublishedTaxonomyAsync(project);
        return new World(TestPrincipals.For(labeler, AppRoles.Labeler), TestPrincipals.For(outsider, AppRoles.Labeler),
            project, imageId, image.Width, image.Height, taxonomy);
    }

    internal static Guid Label(World world, string name) => world.Taxonomy.Labels.Single(l => l.Name == name).Id;

    internal static string CreateBox(World world, Guid regionId, double x = 10, double y = 20, double w = 30, double h = 40, string label = "animal",
        Guid? opId = null) =>
        $$$"""{"opId":"{{{opId ?? Guid.NewGuid()}}}","type":"create","region":{"id":"{{{regionId}}}","labelId":"{{{Label(world, label)}}}","kind":"box","geometry":{"x":{{{x}}},"y":{{{y}}},"w":{{{w}}},"h":{{{h}}}},"attributes":{},"zOrder":0,"hidden":false,"locked":false}}""";

    private async Task<(int Regions, int Log, long NextSequence, ImageStatus Status)> StateAsync(int imageId)
    {
        await using var db = await App.NewDbContextAsync();
        var image = await db.Images.AsNoTracking().SingleAsync(i => i.Id == imageId);
        var sets = db.AnnotationSets.Where(s => s.ImageId == imageId).Select(s => s.Id);
        return (await db.Regions.CountAsync(r => sets.Contains(r.AnnotationSetId) && !r.IsDeleted),
            await db.OperationLog.CountAsync(o => o.ImageId == imageId), image.NextSequence, image.Status);
    }

    [Fact]
    public async Task ACreatedBoxIsStoredWithTheImagesNextSequenceNumber()
    {
        var world = await BuildAsync(App);
        var id = Guid.NewGuid();

        var first = await Service.ApplyJsonAsync(world.Labeler, world.Image, CreateBox(world, id, x: 10.25));
        var second = await Service.ApplyJsonAsync(world.Labeler, world.Image, CreateBox(world, Guid.NewGuid()));

        Assert.True(first.Ok, first.Error);
        Assert.Equal(1, first.Sequence);
        Assert.Equal(2, second.Sequence);
        Assert.Equal(1, first.Revision);
        var snapshot = await Service.LoadAsync(world.Labeler, world.Image);
        var region = Assert.Single(snapshot!.Regions, r => r.Data.Id == id);
        using var geometry = JsonDocument.Parse(region.Data.Geometry);
        Assert.Equal(10.25, geometry.RootElement.GetProperty("x").GetDouble());
        Assert.Equal((2, 2, 3L, ImageStatus.InProgress), await StateAsync(world.Image));
        using var result = JsonDocument.Parse(first.ToJson());
        Assert.True(result.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(id, result.RootElement.GetProperty("region").GetProperty("id").GetGuid());
    }

    [Fact]
    public async Task ARetriedOperationIsAppliedOnce()
    {
        var world = await BuildAsync(App);
        var opId = Guid.NewGuid();
        var json = CreateBox(world, Guid.NewGuid(), opId: opId);

        var first = await Service.ApplyJsonAsync(world.Labeler, world.Image, json);
        var again = await Service.ApplyJsonAsync(world.Labeler, world.Image, json);

        Assert.True(again.Ok, again.Error);
        Assert.Equal(first.Sequence, again.Sequence);
        Assert.Equal((1, 1, 2L, ImageStatus.InProgress), await StateAsync(world.Image));
    }

    public static TheoryData<string, string> Tampered => new()
    {
        { """{"x":-5,"y":20,"w":30,"h":40}""", "outside" },
        { """{"x":10,"y":20,"w":30,"h":400000}""", "outside" },
        { """{"x":10,"y":20,"w":0,"h":40}""", "" },
        { """{"x":"10","y":20,"w":30,"h":40}""", "" },
        { """{"x":10,"y":20,"w":30}""", "" },
        { """{"x":10,"y":20,"w":30,"h":40,"evil":1}""", "" },
    };

    [Theory]
    [MemberData(nameof(Tampered))]
    public async Task ATamperedBoxIsRefusedAndChangesNothing(string geometry, string expected)
    {
        var world = await BuildAsync(App);
        await Service.ApplyJsonAsync(world.Labeler, world.Image, CreateBox(world, Guid.NewGuid()));
        var before = await StateAsync(world.Image);
        var json = $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"create","region":{"id":"{{{Guid.NewGuid()}}}","labelId":"{{{Label(world, "animal")}}}","kind":"box","geometry":{{{geometry}}},"attributes":{},"zOrder":0,"hidden":false,"locked":false}}""";

        var outcome = await Service.ApplyJsonAsync(world.Labeler, world.Image, json);

        Assert.False(outcome.Ok);
        Assert.False(string.IsNullOrWhiteSpace(outcome.Error));
        Assert.Contains(expected, outcome.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(before, await StateAsync(world.Image));
    }

    [Fact]
    public async Task OperationsBreakingTheTaxonomyAreRefused()
    {
        var world = await BuildAsync(App);
        var before = await StateAsync(world.Image);
        var animal = Label(world, "animal");
        string Create(string labelId, string kind, string geometry, string attributes = "{}") =>
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"create","region":{"id":"{{{Guid.NewGuid()}}}","labelId":"{{{labelId}}}","kind":"{{{kind}}}","geometry":{{{geometry}}},"attributes":{{{attributes}}},"zOrder":0,"hidden":false,"locked":false}}""";
        var manyPoints = string.Join(",", Enumerable.Range(0, 10_001).Select(i => $"{i % 50},{i % 40}"));
        var occluded = world.Taxonomy.ProjectAttributes.Single(a => a.Name == "occluded").Id;

        string[] refused =
        [
            Create(Guid.NewGuid().ToString(), "box", """{"x":1,"y":1,"w":2,"h":2}"""),
            Create(animal.ToString(), "keypoints", """{"points":[1,1,2]}"""),
            Create(animal.ToString(), "polygon", $$$"""{"points":[{{{manyPoints}}}]}"""),
            Create(animal.ToString(), "polygon", """{"points":[1,1,5,5]}"""),
            Create(animal.ToString(), "box", """{"x":1,"y":1,"w":2,"h":2}""", $$$"""{"{{{Guid.NewGuid()}}}":true}"""),
            Create(animal.ToString(), "box", """{"x":1,"y":1,"w":2,"h":2}""", $$$"""{"{{{occluded}}}":"yes"}"""),
            "{not json",
            """{"opId":"x","type":"create"}""",
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"explode"}""",
        ];
        foreach (var json in refused)
        {
            var outcome = await Service.ApplyJsonAsync(world.Labeler, world.Image, json);
            Assert.False(outcome.Ok, $"Accepted: {json[..Math.Min(json.Length, 200)]}");
            Assert.False(string.IsNullOrWhiteSpace(outcome.Error));
        }
        Assert.Equal(before, await StateAsync(world.Image));
    }

    [Fact]
    public async Task UpdatesAndDeletesCheckTheRevision()
    {
        var world = await BuildAsync(App);
        var id = Guid.NewGuid();
        await Service.ApplyJsonAsync(world.Labeler, world.Image, CreateBox(world, id));

        var moved = await Service.ApplyJsonAsync(world.Labeler, world.Image,
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"update","regionId":"{{{id}}}","baseRevision":1,"set":{"geometry":{"x":50,"y":60,"w":30,"h":40} } }""");
        var stale = await Service.ApplyJsonAsync(world.Labeler, world.Image,
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"update","regionId":"{{{id}}}","baseRevision":1,"set":{"geometry":{"x":70,"y":60,"w":30,"h":40} } }""");
        var deleted = await Service.ApplyJsonAsync(world.Labeler, world.Image,
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"delete","regionId":"{{{id}}}","baseRevision":2}""");

        Assert.True(moved.Ok, moved.Error);
        Assert.Equal(2, moved.Revision);
        Assert.False(stale.Ok);
        Assert.Contains("revision", stale.Error, StringComparison.OrdinalIgnoreCase);
        Assert.True(deleted.Ok, deleted.Error);
        Assert.Null(deleted.Region);
        Assert.Empty((await Service.LoadAsync(world.Labeler, world.Image))!.Regions);
        Assert.Equal(3, (await StateAsync(world.Image)).Log);
    }

    [Fact]
    public async Task OutsidersAndArchivedProjectsCannotEdit()
    {
        var world = await BuildAsync(App);

        var outsider = await Service.ApplyJsonAsync(world.Outsider, world.Image, CreateBox(world, Guid.NewGuid()));
        await using (var db = await App.NewDbContextAsync())
        {
            var project = await db.Projects.SingleAsync(p => p.Id == world.Project);
            project.Archive(DateTime.UtcNow);
            await db.SaveChangesAsync();
        }
        var archived = await Service.ApplyJsonAsync(world.Labeler, world.Image, CreateBox(world, Guid.NewGuid()));

        Assert.False(outsider.Ok);
        Assert.Contains("not a member", outsider.Error);
        Assert.Null(await Service.LoadAsync(world.Outsider, world.Image));
        Assert.False(archived.Ok);
        Assert.Contains("archived", archived.Error);
        Assert.Equal((0, 0, 1L, ImageStatus.New), await StateAsync(world.Image));
    }

    [Fact]
    public async Task LabelersCannotChangeAnAcceptedImage()
    {
        var world = await BuildAsync(App);
        await using (var db = await App.NewDbContextAsync())
        {
            var image = await db.Images.SingleAsync(i => i.Id == world.Image);
            image.SetStatus(ImageStatus.Accepted);
            await db.SaveChangesAsync();
        }

        var outcome = await Service.ApplyJsonAsync(world.Labeler, world.Image, CreateBox(world, Guid.NewGuid()));

        Assert.False(outcome.Ok);
        Assert.Contains("accepted", outcome.Error);
        Assert.Equal("A reviewer accepted this image; it can no longer be changed by labelers.",
            (await Service.LoadAsync(world.Labeler, world.Image))!.Context.WhyReadOnly);
        Assert.Equal((0, 0, 1L, ImageStatus.Accepted), await StateAsync(world.Image));
    }

    [Fact]
    public async Task AnswersAreStoredAndValidated()
    {
        var world = await BuildAsync(App);
        var time = world.Taxonomy.Questions.Single(q => !q.Multiple);
        var weather = world.Taxonomy.Questions.Single(q => q.Multiple);

        var single = await Service.ApplyJsonAsync(world.Labeler, world.Image,
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"answer","questionId":"{{{time.Id}}}","value":"{{{time.Options[0]}}}"}""");
        var multiple = await Service.ApplyJsonAsync(world.Labeler, world.Image,
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"answer","questionId":"{{{weather.Id}}}","value":["{{{weather.Options[1]}}}","{{{weather.Options[2]}}}"]}""");
        var wrong = await Service.ApplyJsonAsync(world.Labeler, world.Image,
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"answer","questionId":"{{{time.Id}}}","value":"tea time"}""");

        Assert.True(single.Ok, single.Error);
        Assert.True(multiple.Ok, multiple.Error);
        Assert.False(wrong.Ok);
        var answers = (await Service.LoadAsync(world.Labeler, world.Image))!.Answers;
        Assert.Equal($"\"{time.Options[0]}\"", answers[time.Id]);
        Assert.Equal($"[\"{weather.Options[1]}\",\"{weather.Options[2]}\"]", answers[weather.Id]);
    }

    [Fact]
    public async Task UndoAndRedoAreOperationsToo()
    {
        var world = await BuildAsync(App);
        await using var scope = App.Services.CreateAsyncScope();
        var session = scope.ServiceProvider.GetRequiredService<WorkspaceSession>();
        var notices = new List<string>();
        session.OnNotice += (message, _) =>
        {
            notices.Add(message);
            return Task.CompletedTask;
        };
        var view = new RecordingWorkspaceView();
        Assert.NotNull(await session.OpenAsync(() => Task.FromResult(world.Labeler), world.Project, world.Image, view));
        var id = Guid.NewGuid();
        await session.SubmitFromCanvasAsync(world.Image, CreateBox(world, id));
        await session.SubmitFromCanvasAsync(world.Image,
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"update","regionId":"{{{id}}}","baseRevision":1,"set":{"geometry":{"x":50,"y":60,"w":30,"h":40} } }""");

        await session.UndoAsync();
        var afterUndo = (await Service.LoadAsync(world.Labeler, world.Image))!.Regions.Single();
        await session.UndoAsync();
        var afterSecondUndo = (await Service.LoadAsync(world.Labeler, world.Image))!.Regions;
        await session.RedoAsync();
        var afterRedo = (await Service.LoadAsync(world.Labeler, world.Image))!.Regions.Single();
        await session.RedoAsync();
        var afterSecondRedo = (await Service.LoadAsync(world.Labeler, world.Image))!.Regions.Single();
        session.Close();

        Assert.Empty(notices);
        Assert.Equal(10, JsonDocument.Parse(afterUndo.Data.Geometry).RootElement.GetProperty("x").GetDouble());
        Assert.Empty(afterSecondUndo);
        Assert.Equal(id, afterRedo.Data.Id);
        Assert.Equal(50, JsonDocument.Parse(afterSecondRedo.Data.Geometry).RootElement.GetProperty("x").GetDouble());
        Assert.False(session.CanRedo(world.Image));
        Assert.Equal(6, (await StateAsync(world.Image)).Log);
        // The undo of the create reached the canvas as a committed operation.
        Assert.True(view.Got(id, "delete"));
    }
}

public sealed class AnnotationServiceApplyOnSqlite(SqliteApp app) : AnnotationServiceApply<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class AnnotationServiceApplyOnPostgres(PostgresApp app) : AnnotationServiceApply<PostgresApp>(app), IClassFixture<PostgresApp>;
