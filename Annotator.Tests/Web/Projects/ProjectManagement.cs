using System.Net;
using System.Security.Claims;
using Annotator.Core;
using Annotator.Core.Accounts;
using Annotator.Core.Images;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Data;
using Annotator.Web.Projects;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Projects;

/// <summary>Creating and changing projects, and the image grid's paging and filters, on each database.</summary>
public abstract class ProjectManagement<TApp>(TApp fixture) where TApp : AppFixture
{
    private AnnotatorFactory App => fixture.App;

    private ProjectService Projects => App.Services.GetRequiredService<ProjectService>();

    private static ClaimsPrincipal Principal(AppUser user, string role) => TestPrincipals.For(user, role);

    private async Task<(AppUser Admin, ClaimsPrincipal AsAdmin)> AdminAsync()
    {
        var admin = await App.CreateUserAsync($"admin-{Guid.NewGuid():N}@example.com", AppRoles.Admin);
        return (admin, Principal(admin, AppRoles.Admin));
    }

    [Fact]
    public async Task AdminsCreateRenameDescribeArchiveAndRestore()
    {
        var (_, asAdmin) = await AdminAsync();

        var id = await Projects.CreateAsync(asAdmin, "  Traffic  ", "cars");
        await Projects.UpdateAsync(asAdmin, id, "Traffic 2026", "cars and bikes");
        await Projects.SetArchivedAsync(asAdmin, id, true);
        var archived = await Projects.GetAsync(asAdmin, id);
        await Projects.SetArchivedAsync(asAdmin, id, false);
        var restored = await Projects.GetAsync(asAdmin, id);

        Assert.Equal(("Traffic 2026", "cars and bikes", true), (archived!.Name, archived.Description, archived.IsArchived));
        Assert.False(restored!.IsArchived);
        Assert.DoesNotContain(await Projects.ListAsync(asAdmin, includeArchived: false), p => p.Id == id && p.IsArchived);
    }

    [Fact]
    public async Task ANewProjectStartsFromTheChosenTemplateAndAnUnknownOneCreatesNothing()
    {
        var (_, asAdmin) = await AdminAsync();

        var id = await Projects.CreateAsync(asAdmin, "Poses", null, "coco-keypoints");

        await using (var db = await App.NewDbContextAsync())
        {
            var version = await db.TaxonomyVersions.SingleAsync(v => v.ProjectId == id, TestContext.Current.CancellationToken);
            Assert.True(version.IsPublished);
            Assert.Equal((1, "Started from the 'COCO keypoints' template."), (version.Number, version.ChangeNote));
            Assert.Equal(17, Assert.Single(version.Definition.Labels).Skeleton!.Points.Count);
        }
        var name = "Nothing " + Guid.NewGuid().ToString("N")[..8];
        var refused = await Assert.ThrowsAsync<DomainException>(() => Projects.CreateAsync(asAdmin, name, null, "imagenet"));
        Assert.StartsWith("There is no taxonomy template 'imagenet'", refused.Message, StringComparison.Ordinal);
        await using (var db = await App.NewDbContextAsync())
        {
            Assert.False(await db.Projects.AnyAsync(p => p.Name == name, TestContext.Current.CancellationToken));
        }
    }

    [Fact]
    public async Task RefusesBlankNamesAndChangesNothing()
    {
        var (_, asAdmin) = await AdminAsync();
        var id = await Projects.CreateAsync(asAdmin, "Keep me", null);

        await Assert.ThrowsAsync<DomainException>(() => Projects.UpdateAsync(asAdmin, id, "   ", "x"));

        Assert.Equal("Keep me", (await Projects.GetAsync(asAdmin, id))!.Name);
        await Assert.ThrowsAsync<DomainException>(() => Projects.CreateAsync(asAdmin, "", null));
    }

    [Fact]
    public async Task OnlyAdminsChangeProjects()
    {
        var (admin, asAdmin) = await AdminAsync();
        var reviewer = await App.CreateUserAsync($"reviewer-{Guid.NewGuid():N}@example.com", AppRoles.Reviewer);
        var id = await App.CreateProjectAsync("Mine", admin.Id, (reviewer.Id, ProjectRole.Reviewer));
        var asReviewer = Principal(reviewer, AppRoles.Reviewer);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Projects.CreateAsync(asReviewer, "New", null));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Projects.UpdateAsync(asReviewer, id, "Renamed", null));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Projects.SetMemberAsync(asReviewer, id, reviewer.Id, ProjectRole.Labeler));
        Assert.Equal("Mine", (await Projects.GetAsync(asAdmin, id))!.Name);
    }

    [Fact]
    public async Task MembersGetProjectRolesAndCanBeRemoved()
    {
        var (admin, asAdmin) = await AdminAsync();
        var labeler = await App.CreateUserAsync($"labeler-{Guid.NewGuid():N}@example.com", AppRoles.Labeler);
        var id = await Projects.CreateAsync(asAdmin, "Team", null);
        var asLabeler = Principal(labeler, AppRoles.Labeler);

        Assert.Null(await Projects.GetAsync(asLabeler, id));
        await Projects.SetMemberAsync(asAdmin, id, labeler.Id, ProjectRole.Labeler);
        Assert.NotNull(await Projects.GetAsync(asLabeler, id));
        await Projects.SetMemberAsync(asAdmin, id, labeler.Id, ProjectRole.Reviewer);
        var members = await Projects.MembersAsync(asAdmin, id);
        Assert.Equal(ProjectRole.Reviewer, members.Single(m => m.UserId == labeler.Id).Role);
        Assert.Contains(members, m => m.UserId == admin.Id);
        await Projects.RemoveMemberAsync(asAdmin, id, labeler.Id);
        Assert.Null(await Projects.GetAsync(asLabeler, id));
        await Assert.ThrowsAsync<DomainException>(() => Projects.SetMemberAsync(asAdmin, id, "no-such-user", ProjectRole.Labeler));
    }

    [Fact]
    public async Task ArchivedProjectsRefuseNewImages()
    {
        var (admin, asAdmin) = await AdminAsync();
        var id = await Projects.CreateAsync(asAdmin, "Old", null);
        await Projects.SetArchivedAsync(asAdmin, id, true);
        using var client = await ApiClient.SignInAsync(App, admin.Email!);

        var response = await client.UploadAsync(id, ("horse.png", await File.ReadAllBytesAsync(Fixtures.Good("horse.png"))));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Contains("archived", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task GridPagesAndFiltersByStatusWithCounts()
    {
        var (admin, asAdmin) = await AdminAsync();
        var id = await Projects.CreateAsync(asAdmin, "Grid", null);
        await using (var db = await App.NewDbContextAsync())
        {
            for (var i = 0; i < 130; i++)
            {
                var image = new Image(id, $"img{i:000}.jpg", Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i + id * 1000))),
                    new string('a', 64), ImageFormat.Jpeg, 100, 10, 10, admin.Id, DateTime.UtcNow);
                image.SetStatus(i % 10 == 0 ? ImageStatus.Accepted : i % 3 == 0 ? ImageStatus.Labeled : ImageStatus.New);
                db.Images.Add(image);
            }
            await db.SaveChangesAsync();
        }

        var first = await Projects.ImagesAsync(asAdmin, id, null, 1, 60);
        var last = await Projects.ImagesAsync(asAdmin, id, null, 3, 60);
        var beyond = await Projects.ImagesAsync(asAdmin, id, null, 99, 60);
        var accepted = await Projects.ImagesAsync(asAdmin, id, ImageStatus.Accepted, 1, 60);
        var summary = await Projects.GetAsync(asAdmin, id);

        Assert.Equal((130, 3, 60), (first.Total, first.PageCount, first.Items.Count));
        Assert.Equal("img000.jpg", first.Items[0].FileName);
        Assert.Equal(10, last.Items.Count);
        Assert.Equal(3, beyond.Page);
        Assert.Equal(13, accepted.Total);
        Assert.All(accepted.Items, t => Assert.Equal(ImageStatus.Accepted, t.Status));
        Assert.Equal(130, summary!.ImageCount);
        Assert.Equal(13, summary.ByStatus[ImageStatus.Accepted]);
        Assert.Equal(13 + summary.ByStatus[ImageStatus.Labeled], summary.DoneCount);
        var huge = await Projects.ImagesAsync(asAdmin, id, null, 1, 10_000);
        Assert.Equal((ProjectService.MaxPageSize, 130), (huge.PageSize, huge.Items.Count));
    }

    [Fact]
    public async Task GridNeighboursCounterAndQueueFollowTheOrderImagesWereAdded()
    {
        var (admin, asAdmin) = await AdminAsync();
        var id = await Projects.CreateAsync(asAdmin, "Order", null);
        // Names and timestamps deliberately out of step with the order the images are stored in: the order is the
        // stored order (id), not the name, not a clock.
        var names = new[] { "m.jpg", "b.jpg", "z.jpg", "a.jpg", "k.jpg", "c.jpg", "y.jpg" };
        var stored = new List<int>();
        for (var i = 0; i < names.Length; i++)
        {
            await using var db = await App.NewDbContextAsync();
            var image = new Image(id, names[i], Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i + id * 1000))),
                new string('b', 64), ImageFormat.Jpeg, 100, 10, 10, admin.Id, DateTime.UtcNow.AddMinutes(-i));
            image.SetStatus(i is 0 or 1 ? ImageStatus.Labeled : ImageStatus.New);
            db.Images.Add(image);
            await db.SaveChangesAsync();
            stored.Add(image.Id);
        }

        var grid = new List<int>();
        for (var page = 1; page <= 3; page++)
        {
            grid.AddRange((await Projects.ImagesAsync(asAdmin, id, null, page, 3)).Items.Select(t => t.Id));
        }
        Assert.Equal(stored, grid);
        var filtered = (await Projects.ImagesAsync(asAdmin, id, ImageStatus.New, 1, 60)).Items.Select(t => t.Id);
        Assert.Equal(stored.Skip(2), filtered);

        for (var k = 0; k < stored.Count; k++)
        {
            var place = await Projects.PlaceAsync(id, stored[k]);
            Assert.Equal(new ImagePlace(k == 0 ? null : stored[k - 1], k == stored.Count - 1 ? null : stored[k + 1], k + 1, stored.Count), place);
        }

        // The labeling queue starts at the first open image in that order, and goes on in it.
        var queue = App.Services.GetRequiredService<Annotator.Web.Workspace.LabelingQueue>();
        Assert.Equal(stored[2], await queue.NextAsync(asAdmin, id, afterImageId: null));
        Assert.Equal(stored[3], await queue.NextAsync(asAdmin, id, stored[2]));
        Assert.Equal(stored[2], await queue.NextAsync(asAdmin, id, stored[^1]));
    }
}

public sealed class ProjectManagementOnSqlite(SqliteApp app) : ProjectManagement<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class ProjectManagementOnPostgres(PostgresApp app) : ProjectManagement<PostgresApp>(app), IClassFixture<PostgresApp>;
