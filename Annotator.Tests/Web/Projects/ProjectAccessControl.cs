using System.Net;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;

namespace Annotator.Tests.Web.Projects;

/// <summary>Who sees which project, its images and thumbnails, on each database.</summary>
public abstract class ProjectAccessControl<TApp>(TApp fixture) where TApp : AppFixture
{
    private AnnotatorFactory App => fixture.App;

    private sealed record World(ApiClient Admin, ApiClient Outsider, ApiClient Member, int Project, int OtherProject, int Image);

    private async Task<World> BuildAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var admin = await App.CreateUserAsync($"admin-{tag}@example.com", AppRoles.Admin);
        var outsider = await App.CreateUserAsync($"outsider-{tag}@example.com", AppRoles.Reviewer);
        var member = await App.CreateUserAsync($"member-{tag}@example.com", AppRoles.Labeler);
        var project = await App.CreateProjectAsync("Secret " + tag, admin.Id, (admin.Id, ProjectRole.Reviewer), (member.Id, ProjectRole.Labeler));
        var other = await App.CreateProjectAsync("Other " + tag, admin.Id, (outsider.Id, ProjectRole.Reviewer));
        var image = await App.AddImageAsync(project, admin.Id, Fixtures.Good("horse.png"));
        return new World(await ApiClient.SignInAsync(App, admin.Email!), await ApiClient.SignInAsync(App, outsider.Email!),
            await ApiClient.SignInAsync(App, member.Email!), project, other, image);
    }

    private static async Task AssertEmpty404Async(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Empty(await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task NonMembersGetAnEmpty404ForEverythingOfTheProject()
    {
        var world = await BuildAsync();
        var http = world.Outsider.Http;

        await AssertEmpty404Async(await http.GetAsync($"/projects/{world.Project}"));
        await AssertEmpty404Async(await http.GetAsync($"/projects/{world.Project}/settings"));
        await AssertEmpty404Async(await http.GetAsync($"/projects/{world.Project}/images/{world.Image}"));
        await AssertEmpty404Async(await http.GetAsync($"/images/{world.Image}/file"));
        await AssertEmpty404Async(await http.GetAsync($"/images/{world.Image}/thumbnail"));
        await AssertEmpty404Async(await world.Outsider.UploadAsync(world.Project, ("horse.png", await File.ReadAllBytesAsync(Fixtures.Good("coins.png")))));
        await AssertEmpty404Async(await world.Outsider.ImportFolderAsync(world.Project, ""));
    }

    [Fact]
    public async Task AProjectThatDoesNotExistLooksTheSame()
    {
        var world = await BuildAsync();
        await AssertEmpty404Async(await world.Outsider.Http.GetAsync("/projects/999999"));
        await AssertEmpty404Async(await world.Outsider.Http.GetAsync("/projects/not-a-number"));
        await AssertEmpty404Async(await world.Outsider.Http.GetAsync("/images/999999/file"));
    }

    [Fact]
    public async Task MembersAndAdminsSeeTheProject()
    {
        var world = await BuildAsync();

        foreach (var client in new[] { world.Member, world.Admin })
        {
            var page = await client.Http.GetAsync($"/projects/{world.Project}");
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync($"/images/{world.Image}/thumbnail")).StatusCode);
            Assert.Equal(HttpStatusCode.OK, (await client.Http.GetAsync($"/images/{world.Image}/file")).StatusCode);
        }
        Assert.Equal(HttpStatusCode.OK, (await world.Outsider.Http.GetAsync($"/projects/{world.OtherProject}")).StatusCode);
    }

    [Fact]
    public async Task ProjectListShowsOnlyOwnProjectsToNonAdmins()
    {
        var world = await BuildAsync();

        var outsiderHome = await world.Outsider.Http.GetStringAsync("/");
        var adminHome = await world.Admin.Http.GetStringAsync("/");

        var secret = $"/projects/{world.Project}\"";
        var other = $"/projects/{world.OtherProject}\"";
        Assert.DoesNotContain(secret, outsiderHome);
        Assert.Contains(other, outsiderHome);
        Assert.Contains(secret, adminHome);
        Assert.Contains(other, adminHome);
    }

    [Fact]
    public async Task AnonymousVisitorsAreSentToSignIn()
    {
        var world = await BuildAsync();
        using var anonymous = App.NewClient();

        var page = await anonymous.GetAsync($"/projects/{world.Project}");
        var file = await anonymous.GetAsync($"/images/{world.Image}/file");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/login", page.Headers.Location!.OriginalString.Replace("http://localhost", ""));
        Assert.Equal(HttpStatusCode.Unauthorized, file.StatusCode);
    }

    [Fact]
    public async Task LabelersCannotOpenAdminPages()
    {
        var world = await BuildAsync();

        var users = await world.Member.Http.GetAsync("/admin/users");
        var settings = await world.Member.Http.GetAsync($"/projects/{world.Project}/settings");

        Assert.Equal(HttpStatusCode.Redirect, users.StatusCode);
        Assert.Contains("/account/denied", users.Headers.Location!.OriginalString);
        Assert.Equal(HttpStatusCode.Redirect, settings.StatusCode);
        Assert.Contains("/account/denied", settings.Headers.Location!.OriginalString);
    }

    [Fact]
    public async Task PagesCarrySecurityHeaders()
    {
        var world = await BuildAsync();

        var page = await world.Member.Http.GetAsync($"/projects/{world.Project}");

        Assert.Equal("DENY", page.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("nosniff", page.Headers.GetValues("X-Content-Type-Options").Single());
        var csp = page.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("script-src 'self'", csp);
        Assert.Contains("frame-ancestors 'none'", csp);
        Assert.DoesNotContain("unsafe-eval", csp);
    }
}

public sealed class ProjectAccessControlOnSqlite(SqliteApp app) : ProjectAccessControl<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class ProjectAccessControlOnPostgres(PostgresApp app) : ProjectAccessControl<PostgresApp>(app), IClassFixture<PostgresApp>;
