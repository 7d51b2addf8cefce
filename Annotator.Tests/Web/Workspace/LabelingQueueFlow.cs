using Annotator.Core;
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

/// <summary>The labeler's queue: next image to label, done, skip with a reason; the image status follows.</summary>
public abstract class LabelingQueueFlow<TApp>(TApp fixture) where TApp : AppFixture
{
    private AnnotatorFactory App => fixture.App;
    private LabelingQueue Queue => App.Services.GetRequiredService<LabelingQueue>();
    private AnnotationService Service => App.Services.GetRequiredService<AnnotationService>();

    private sealed record World(System.Security.Claims.ClaimsPrincipal Ann, System.Security.Claims.ClaimsPrincipal Bob, int Project, int[] Images);

    private async Task<World> BuildAsync(int overlap = 1)
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var admin = await App.CreateUserAsync($"admin-{tag}@example.com", AppRoles.Admin);
        var ann = await App.CreateUserAsync($"ann-{tag}@example.com", AppRoles.Labeler);
        var bob = await App.CreateUserAsync($"bob-{tag}@example.com", AppRoles.Labeler);
        var project = await App.CreateProjectAsync("Queue " + tag, admin.Id, (ann.Id, ProjectRole.Labeler), (bob.Id, ProjectRole.Labeler));
        if (overlap != 1)
        {
            await App.SetOverlapAsync(project, overlap);
        }
        var images = await App.AddImagesAsync(project, admin.Id, Fixtures.Good("horse.png"), Fixtures.Good("coins.png"), Fixtures.Good("camera.png"));
        return new World(TestPrincipals.For(ann, AppRoles.Labeler), TestPrincipals.For(bob, AppRoles.Labeler), project, images);
    }

    private async Task<ImageStatus> StatusAsync(int imageId)
    {
        await using var db = await App.NewDbContextAsync();
        return await db.Images.Where(i => i.Id == imageId).Select(i => i.Status).SingleAsync();
    }

    [Fact]
    public async Task DoneImagesLeaveTheQueueAndBecomeLabeled()
    {
        var world = await BuildAsync();

        Assert.Equal(world.Images[0], await Queue.NextAsync(world.Ann, world.Project, null));
        Assert.Equal(ImageStatus.Labeled, await Queue.MarkDoneAsync(world.Ann, world.Images[0]));

        Assert.Equal(ImageStatus.Labeled, await StatusAsync(world.Images[0]));
        Assert.Equal(world.Images[1], await Queue.NextAsync(world.Ann, world.Project, world.Images[0]));
        // With overlap 1 the image is done for everybody.
        Assert.Equal(world.Images[1], await Queue.NextAsync(world.Bob, world.Project, null));
    }

    [Fact]
    public async Task ASkippedImageLeavesOnlyTheSkippersQueueAndKeepsTheReason()
    {
        var world = await BuildAsync();

        await Queue.SkipAsync(world.Ann, world.Images[0], "  Blurry or unreadable ");

        Assert.Equal(world.Images[1], await Queue.NextAsync(world.Ann, world.Project, null));
        Assert.Equal(world.Images[0], await Queue.NextAsync(world.Bob, world.Project, null));
        Assert.Equal("Blurry or unreadable", await Queue.SkipReasonAsync(world.Ann, world.Images[0]));
        Assert.Equal(ImageStatus.New, await StatusAsync(world.Images[0]));
        var empty = await Assert.ThrowsAsync<DomainException>(() => Queue.SkipAsync(world.Ann, world.Images[1], "   "));
        Assert.Contains("reason", empty.Message);
    }

    [Fact]
    public async Task TheQueueWrapsAroundAndEnds()
    {
        var world = await BuildAsync();

        Assert.Equal(world.Images[0], await Queue.NextAsync(world.Ann, world.Project, world.Images[2]));
        foreach (var image in world.Images)
        {
            await Queue.MarkDoneAsync(world.Ann, image);
        }
        Assert.Null(await Queue.NextAsync(world.Ann, world.Project, null));
    }

    [Fact]
    public async Task WithOverlapTwoAnImageIsLabeledWhenBothAreDone()
    {
        var world = await BuildAsync(overlap: 2);

        Assert.Equal(ImageStatus.New, await Queue.MarkDoneAsync(world.Ann, world.Images[0]));
        Assert.Equal(world.Images[1], await Queue.NextAsync(world.Ann, world.Project, null));
        Assert.Equal(world.Images[0], await Queue.NextAsync(world.Bob, world.Project, null));
        Assert.Equal(ImageStatus.Labeled, await Queue.MarkDoneAsync(world.Bob, world.Images[0]));
    }

    [Fact]
    public async Task AnEditAfterDoneReopensTheImage()
    {
        var world = await BuildAsync();
        await Queue.MarkDoneAsync(world.Ann, world.Images[0]);
        var snapshot = await Service.LoadAsync(world.Ann, world.Images[0]);
        var animal = snapshot!.Context.Taxonomy!.Labels.Single(l => l.Name == "animal").Id;

        var outcome = await Service.ApplyJsonAsync(world.Ann, world.Images[0],
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"create","region":{"id":"{{{Guid.NewGuid()}}}","labelId":"{{{animal}}}","kind":"point","geometry":{"x":5,"y":5},"attributes":{},"zOrder":0,"hidden":false,"locked":false}}""");

        Assert.True(outcome.Ok, outcome.Error);
        Assert.Equal(ImageStatus.InProgress, await StatusAsync(world.Images[0]));
        Assert.Equal(world.Images[0], await Queue.NextAsync(world.Ann, world.Project, null));
    }

    [Fact]
    public async Task DoneIsRefusedWhileARequiredAttributeIsMissing()
    {
        var world = await BuildAsync();
        await using (var db = await App.NewDbContextAsync())
        {
            var current = await db.TaxonomyVersions.SingleAsync(t => t.ProjectId == world.Project);
            var definition = current.Definition;
            var strict = definition with
            {
                ProjectAttributes = [.. definition.ProjectAttributes,
                    new AttributeDefinition { Id = Guid.NewGuid(), Name = "truncated", Kind = AttributeKind.Checkbox, Required = true }],
            };
            var next = new TaxonomyVersion(world.Project, 2, strict, DateTime.UtcNow);
            next.Publish("Truncation is required.", DateTime.UtcNow);
            db.TaxonomyVersions.Add(next);
            await db.SaveChangesAsync();
        }
        var animal = (await Service.LoadAsync(world.Ann, world.Images[0]))!.Context.Taxonomy!.Labels.Single(l => l.Name == "animal").Id;
        await Service.ApplyJsonAsync(world.Ann, world.Images[0],
            $$$"""{"opId":"{{{Guid.NewGuid()}}}","type":"create","region":{"id":"{{{Guid.NewGuid()}}}","labelId":"{{{animal}}}","kind":"point","geometry":{"x":5,"y":5},"attributes":{},"zOrder":0,"hidden":false,"locked":false}}""");

        var refused = await Assert.ThrowsAsync<DomainException>(() => Queue.MarkDoneAsync(world.Ann, world.Images[0]));

        Assert.Contains("required attribute", refused.Message);
        Assert.Equal(ImageStatus.InProgress, await StatusAsync(world.Images[0]));
    }
}

public sealed class LabelingQueueFlowOnSqlite(SqliteApp app) : LabelingQueueFlow<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class LabelingQueueFlowOnPostgres(PostgresApp app) : LabelingQueueFlow<PostgresApp>(app), IClassFixture<PostgresApp>;
