using System.Net;
using Annotator.Core.Accounts;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Data;
using Annotator.Web.Projects;
using Microsoft.AspNetCore.Identity;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Accounts;

/// <summary>The first start on an empty database, on each database. Each test starts its own app.</summary>
public abstract class FirstStartSetup(TestDatabase database)
{
    private AnnotatorFactory NewApp()
    {
        if (database == TestDatabase.Postgres)
        {
            TestEnvironment.RequirePostgres();
        }
        return new AnnotatorFactory(database).With("Annotator:SeedDemoProject", "true");
    }

    private static async Task<HttpResponseMessage> PostSetupAsync(HttpClient client, string email, string password)
    {
        var form = await AnnotatorFactory.FormFieldsAsync(client, "/setup");
        form["Input.Email"] = email;
        form["Input.DisplayName"] = "First Admin";
        form["Input.Password"] = password;
        form["Input.ConfirmPassword"] = password;
        return await client.PostAsync("/setup", new FormUrlEncodedContent(form));
    }

    [Fact]
    public async Task EveryPageLeadsToSetupUntilTheFirstAdminExists()
    {
        await using var app = NewApp();
        using var client = app.NewClient();

        foreach (var path in new[] { "/", "/account/login", "/projects/1", "/admin/users" })
        {
            var response = await client.GetAsync(path);
            Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
            Assert.Equal("/setup", response.Headers.Location!.OriginalString);
        }
    }

    [Fact]
    public async Task CreatesTheAdminSignsInAndSeedsTheDemoProject()
    {
        await using var app = NewApp();
        using var client = app.NewClient();

        var response = await PostSetupAsync(client, "first@example.com", "correct horse battery staple");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/", new Uri(new Uri("http://localhost"), response.Headers.Location!).AbsolutePath);
        await using (var scope = app.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            var admin = Assert.Single(users.Users.ToList());
            Assert.True(await users.IsInRoleAsync(admin, AppRoles.Admin));
        }
        await using var db = await app.NewDbContextAsync();
        var project = await db.Projects.SingleAsync();
        Assert.Equal(DemoProjectSeeder.ProjectName, project.Name);
        Assert.Equal(12, await db.Images.CountAsync(i => i.ProjectId == project.Id));
        var taxonomy = await db.TaxonomyVersions.SingleAsync(v => v.ProjectId == project.Id);
        Assert.True(taxonomy.IsPublished);
        Assert.Equal(["person", "animal", "vehicle"], taxonomy.Definition.Labels.Select(l => l.Name));
        // The cookie from setup is a signed-in session.
        var home = await client.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, home.StatusCode);
        Assert.Contains(DemoProjectSeeder.ProjectName, await home.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task RefusesAWeakPasswordAndCreatesNothing()
    {
        await using var app = NewApp();
        using var client = app.NewClient();

        var response = await PostSetupAsync(client, "first@example.com", "password1234");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("too common", html);
        Assert.DoesNotContain("password1234", html);
        await using var db = await app.NewDbContextAsync();
        Assert.False(await db.Users.AnyAsync());
        Assert.False(await db.Projects.AnyAsync());
    }

    [Fact]
    public async Task SetupCannotRunTwice()
    {
        await using var app = NewApp();
        using var first = app.NewClient();
        await PostSetupAsync(first, "first@example.com", "correct horse battery staple");
        using var second = app.NewClient();

        var page = await second.GetAsync("/setup");

        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.Contains("/account/login", page.Headers.Location!.OriginalString);
        await using var db = await app.NewDbContextAsync();
        Assert.Equal(1, await db.Users.CountAsync());
    }

    [Fact]
    public async Task KeepsDataProtectionKeysReadableByTheOwnerOnly()
    {
        await using var app = NewApp();
        using var client = app.NewClient();
        await PostSetupAsync(client, "first@example.com", "correct horse battery staple");

        var keys = Path.Combine(app.DataPath, "keys");
        if (OperatingSystem.IsWindows())
        {
            Assert.Skip("Unix file modes only.");
            return;
        }
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
        Assert.NotEmpty(Directory.GetFiles(keys, "key-*.xml"));
    }
}

public sealed class FirstStartSetupOnSqlite() : FirstStartSetup(TestDatabase.Sqlite);

public sealed class FirstStartSetupOnPostgres() : FirstStartSetup(TestDatabase.Postgres);
