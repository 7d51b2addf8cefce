using System.Net;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Accounts;
using Microsoft.AspNetCore.Mvc.Testing.Handlers;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Accounts;

/// <summary>
/// A sign-in cookie over plain HTTP (no circuit): refused within <c>SessionCheckSeconds</c> once its account is
/// deactivated, its role or its password changes, and at once, for every copy, when its session signs out.
/// </summary>
public abstract class CookieSessionRevalidation<TApp>(TApp fixture) where TApp : AppFixture
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private AnnotatorFactory App => fixture.App;

    private static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}@example.com";

    [Fact]
    public async Task ADeactivatedUsersCookieStopsWorking()
    {
        var admin = await App.CreateUserAsync(NewEmail("admin"), AppRoles.Admin);
        var labeler = await App.CreateUserAsync(NewEmail("labeler"));
        var project = await App.CreateProjectAsync("Deactivation", admin.Id, (labeler.Id, ProjectRole.Labeler));
        using var client = App.NewClient();
        await AnnotatorFactory.SignInAsync(client, labeler.Email!);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync(Taxonomy(project))).StatusCode);

        await AsAdminAsync(s => s.SetActiveAsync(TestPrincipals.For(admin, AppRoles.Admin), labeler.Id, false));

        await AnswersAsync(client, Taxonomy(project), HttpStatusCode.Unauthorized, "the deactivated user's API call");
        var page = await client.GetAsync($"/projects/{project}");
        Assert.Equal(HttpStatusCode.Redirect, page.StatusCode);
        Assert.StartsWith("/account/login", page.Headers.Location!.PathAndQuery, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADemotedAdminLosesUsersOtherProjectsAndUploads()
    {
        var admin = await App.CreateUserAsync(NewEmail("admin"), AppRoles.Admin);
        var other = await App.CreateUserAsync(NewEmail("second-admin"), AppRoles.Admin);
        // A project the second admin is not a member of: only their admin role lets them in.
        var project = await App.CreateProjectAsync("Not theirs", admin.Id);
        using var api = await ApiClient.SignInAsync(App, other.Email!);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync("/admin/users")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.Http.GetAsync(Taxonomy(project))).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await api.UploadAsync(project, ("horse.png", File.ReadAllBytes(Fixtures.Good("horse.png"))))).StatusCode);

        await AsAdminAsync(s => s.SetRoleAsync(TestPrincipals.For(admin, AppRoles.Admin), other.Id, AppRoles.Labeler));

        await AnswersAsync(api.Http, "/admin/users", HttpStatusCode.Redirect, "the demoted admin's user list");
        Assert.Equal(HttpStatusCode.Unauthorized, (await api.Http.GetAsync(Taxonomy(project))).StatusCode);
        var upload = await api.UploadAsync(project, ("rocket.jpg", File.ReadAllBytes(Fixtures.ExifRotated)));
        Assert.Equal(HttpStatusCode.Unauthorized, upload.StatusCode);
        await using var db = await App.NewDbContextAsync();
        Assert.Equal(1, db.Images.Count(i => i.ProjectId == project));
    }

    [Fact]
    public async Task APasswordChangeEndsTheOtherSessions()
    {
        var admin = await App.CreateUserAsync(NewEmail("admin"), AppRoles.Admin);
        var user = await App.CreateUserAsync(NewEmail("labeler"));
        var project = await App.CreateProjectAsync("Password", admin.Id, (user.Id, ProjectRole.Labeler));
        using var here = App.NewClient();
        using var elsewhere = App.NewClient();
        await AnnotatorFactory.SignInAsync(here, user.Email!);
        await AnnotatorFactory.SignInAsync(elsewhere, user.Email!);

        var form = await AnnotatorFactory.FormFieldsAsync(here, "/account/password");
        form["Input.CurrentPassword"] = AnnotatorFactory.Password;
        form["Input.NewPassword"] = "a brand new passphrase 77";
        form["Input.ConfirmPassword"] = "a brand new passphrase 77";
        var changed = await here.PostAsync("/account/password", new FormUrlEncodedContent(form));
        var page = await changed.Content.ReadAsStringAsync();
        Assert.True(page.Contains("Your password was changed.", StringComparison.Ordinal),
            $"The change answered {(int)changed.StatusCode}: {System.Text.RegularExpressions.Regex.Match(page, "form-error\">([^<]*)").Groups[1].Value}");

        await AnswersAsync(elsewhere, Taxonomy(project), HttpStatusCode.Unauthorized, "the other session's API call");
        // The session that changed it goes on.
        Assert.Equal(HttpStatusCode.OK, (await here.GetAsync(Taxonomy(project))).StatusCode);
    }

    [Fact]
    public async Task ACopiedCookieStopsWorkingWhenItsSessionSignsOut()
    {
        var admin = await App.CreateUserAsync(NewEmail("admin"), AppRoles.Admin);
        var user = await App.CreateUserAsync(NewEmail("labeler"));
        var project = await App.CreateProjectAsync("Sign-out", admin.Id, (user.Id, ProjectRole.Labeler));
        var jar = new CookieContainer();
        using var owner = App.CreateDefaultClient(new CookieContainerHandler(jar));
        using var otherBrowser = App.NewClient();
        await AnnotatorFactory.SignInAsync(owner, user.Email!);
        await AnnotatorFactory.SignInAsync(otherBrowser, user.Email!);
        var cookie = jar.GetCookies(owner.BaseAddress!)["annotator.auth"]!;
        var copyJar = new CookieContainer();
        copyJar.Add(owner.BaseAddress!, new Cookie(cookie.Name, cookie.Value, "/"));
        using var thief = App.CreateDefaultClient(new CookieContainerHandler(copyJar));
        Assert.Equal(HttpStatusCode.OK, (await thief.GetAsync(Taxonomy(project))).StatusCode);

        var token = (await AnnotatorFactory.FormFieldsAsync(owner, "/account/password"))["__RequestVerificationToken"];
        var signOut = await owner.PostAsync("/account/logout",
            new FormUrlEncodedContent(new Dictionary<string, string> { ["__RequestVerificationToken"] = token }));
        Assert.Equal(HttpStatusCode.Redirect, signOut.StatusCode);

        // At once, not after the next check.
        Assert.Equal(HttpStatusCode.Unauthorized, (await thief.GetAsync(Taxonomy(project))).StatusCode);
        // The user's session in another browser is not affected.
        Assert.Equal(HttpStatusCode.OK, (await otherBrowser.GetAsync(Taxonomy(project))).StatusCode);
    }

    private static string Taxonomy(int project) => $"/api/projects/{project}/taxonomy";

    private async Task AsAdminAsync(Func<UserAdminService, Task> action)
    {
        await using var scope = App.Services.CreateAsyncScope();
        await action(scope.ServiceProvider.GetRequiredService<UserAdminService>());
    }

    /// <summary>Asks until the answer is <paramref name="expected"/> (the check runs once the cookie is a second old).</summary>
    private static async Task AnswersAsync(HttpClient client, string path, HttpStatusCode expected, string what)
    {
        HttpStatusCode? last = null;
        await Eventually.TrueAsync(async () =>
        {
            using var response = await client.GetAsync(path);
            last = response.StatusCode;
            return last == expected;
        }, $"{what} to answer {(int)expected}", Patience, TimeSpan.FromMilliseconds(100), () => $"{(int?)last}");
    }
}

/// <summary>The app on SQLite with cookies re-checked every second.</summary>
public sealed class QuickSessionCheckSqliteApp() : AppFixture(TestDatabase.Sqlite)
{
    protected override void Configure(AnnotatorFactory factory) => factory.With("Annotator:Live:SessionCheckSeconds", "1");
}

/// <summary>The app on PostgreSQL with cookies re-checked every second.</summary>
public sealed class QuickSessionCheckPostgresApp() : AppFixture(TestDatabase.Postgres)
{
    protected override void Configure(AnnotatorFactory factory) => factory.With("Annotator:Live:SessionCheckSeconds", "1");
}

public sealed class CookieSessionRevalidationOnSqlite(QuickSessionCheckSqliteApp app)
    : CookieSessionRevalidation<QuickSessionCheckSqliteApp>(app), IClassFixture<QuickSessionCheckSqliteApp>;

public sealed class CookieSessionRevalidationOnPostgres(QuickSessionCheckPostgresApp app)
    : CookieSessionRevalidation<QuickSessionCheckPostgresApp>(app), IClassFixture<QuickSessionCheckPostgresApp>;
