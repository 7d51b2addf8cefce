using System.Net;
using System.Security.Claims;
using Annotator.Core;
using Annotator.Core.Accounts;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Accounts;
using Annotator.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Accounts;

/// <summary>What admins do with accounts, and what nobody may do, on each database.</summary>
public abstract class UserAdministration<TApp>(TApp fixture) where TApp : AppFixture
{
    private AnnotatorFactory App => fixture.App;

    private static ClaimsPrincipal Principal(AppUser user, string role) => TestPrincipals.For(user, role);

    private async Task<T> WithServiceAsync<T>(Func<UserAdminService, UserManager<AppUser>, Task<T>> action)
    {
        await using var scope = App.Services.CreateAsyncScope();
        return await action(scope.ServiceProvider.GetRequiredService<UserAdminService>(), scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>());
    }

    private static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}@example.com";

    [Fact]
    public async Task NobodyCanChangeTheirOwnRole()
    {
        var admin = await App.CreateUserAsync(NewEmail("admin"), AppRoles.Admin);

        var error = await Assert.ThrowsAsync<DomainException>(() =>
            WithServiceAsync(async (s, _) => { await s.SetRoleAsync(Principal(admin, AppRoles.Admin), admin.Id, AppRoles.Labeler); return 0; }));
        Assert.Contains("your own role", error.Message);
        var roles = await WithServiceAsync(async (_, users) => await users.GetRolesAsync((await users.FindByIdAsync(admin.Id))!));
        Assert.Equal([AppRoles.Admin], roles);
    }

    [Fact]
    public async Task NonAdminsCannotPromoteAnyone()
    {
        var reviewer = await App.CreateUserAsync(NewEmail("reviewer"), AppRoles.Reviewer);
        var labeler = await App.CreateUserAsync(NewEmail("labeler"), AppRoles.Labeler);

        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            WithServiceAsync(async (s, _) => { await s.SetRoleAsync(Principal(reviewer, AppRoles.Reviewer), reviewer.Id, AppRoles.Admin); return 0; }));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() =>
            WithServiceAsync(async (s, _) => { await s.SetRoleAsync(Principal(labeler, AppRoles.Labeler), reviewer.Id, AppRoles.Admin); return 0; }));
        var roles = await WithServiceAsync(async (_, users) => await users.GetRolesAsync((await users.FindByIdAsync(reviewer.Id))!));
        Assert.Equal([AppRoles.Reviewer], roles);
    }

    [Fact]
    public async Task AdminsChangeOtherUsersRolesAndTheirSessionsAreRenewed()
    {
        var admin = await App.CreateUserAsync(NewEmail("admin"), AppRoles.Admin);
        var labeler = await App.CreateUserAsync(NewEmail("labeler"), AppRoles.Labeler);
        var stampBefore = labeler.SecurityStamp;

        await WithServiceAsync(async (s, _) => { await s.SetRoleAsync(Principal(admin, AppRoles.Admin), labeler.Id, AppRoles.Reviewer); return 0; });

        var (roles, stamp) = await WithServiceAsync(async (_, users) =>
        {
            var user = (await users.FindByIdAsync(labeler.Id))!;
            return (await users.GetRolesAsync(user), user.SecurityStamp);
        });
        Assert.Equal([AppRoles.Reviewer], roles);
        Assert.NotEqual(stampBefore, stamp);
    }

    [Fact]
    public async Task NobodyCanDeactivateThemselves()
    {
        var admin = await App.CreateUserAsync(NewEmail("admin"), AppRoles.Admin);
        var error = await Assert.ThrowsAsync<DomainException>(() =>
            WithServiceAsync(async (s, _) => { await s.SetActiveAsync(Principal(admin, AppRoles.Admin), admin.Id, false); return 0; }));
        Assert.Contains("your own account", error.Message);
    }

    [Fact]
    public async Task DeactivatedUsersCannotSignIn()
    {
        var admin = await App.CreateUserAsync(NewEmail("admin"), AppRoles.Admin);
        var labeler = await App.CreateUserAsync(NewEmail("labeler"), AppRoles.Labeler);
        await WithServiceAsync(async (s, _) => { await s.SetActiveAsync(Principal(admin, AppRoles.Admin), labeler.Id, false); return 0; });
        using var client = App.NewClient();

        var form = await AnnotatorFactory.FormFieldsAsync(client, "/account/login");
        form["Input.Email"] = labeler.Email!;
        form["Input.Password"] = AnnotatorFactory.Password;
        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("deactivated", await response.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Redirect, (await client.GetAsync("/")).StatusCode);
    }

    [Fact]
    public async Task WrongPasswordsAreRefused()
    {
        var labeler = await App.CreateUserAsync(NewEmail("labeler"), AppRoles.Labeler);
        using var client = App.NewClient();
        var form = await AnnotatorFactory.FormFieldsAsync(client, "/account/login");
        form["Input.Email"] = labeler.Email!;
        form["Input.Password"] = "not the password at all";

        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var html = await response.Content.ReadAsStringAsync();
        Assert.Contains("Wrong email or password", html);
        Assert.DoesNotContain("not the password at all", html);
    }

    [Fact]
    public async Task SignInFormsRequireTheAntiforgeryToken()
    {
        var labeler = await App.CreateUserAsync(NewEmail("labeler"), AppRoles.Labeler);
        using var client = App.NewClient();
        var form = await AnnotatorFactory.FormFieldsAsync(client, "/account/login");
        form.Remove("__RequestVerificationToken");
        form["Input.Email"] = labeler.Email!;
        form["Input.Password"] = AnnotatorFactory.Password;

        var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task InvitedUsersChooseTheirPasswordOnceAndGetTheInvitedRole()
    {
        var admin = await App.CreateUserAsync(NewEmail("admin"), AppRoles.Admin);
        var email = NewEmail("invitee");
        var token = await WithServiceAsync((s, _) => s.InviteAsync(Principal(admin, AppRoles.Admin), email, AppRoles.Reviewer));
        using var client = App.NewClient();

        var form = await AnnotatorFactory.FormFieldsAsync(client, $"/invite/{token}");
        form["Input.DisplayName"] = "Invited Person";
        form["Input.Password"] = "a fresh long passphrase";
        form["Input.ConfirmPassword"] = "a fresh long passphrase";
        var accepted = await client.PostAsync($"/invite/{token}", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.Redirect, accepted.StatusCode);
        var roles = await WithServiceAsync(async (_, users) => await users.GetRolesAsync((await users.FindByEmailAsync(email))!));
        Assert.Equal([AppRoles.Reviewer], roles);
        using var again = App.NewClient();
        Assert.Contains("not valid", await again.GetStringAsync($"/invite/{token}"));
        await Assert.ThrowsAsync<DomainException>(() =>
            WithServiceAsync((s, _) => s.AcceptInvitationAsync(token, "Someone Else", "another long passphrase")));
    }
}

public sealed class UserAdministrationOnSqlite(SqliteApp app) : UserAdministration<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class UserAdministrationOnPostgres(PostgresApp app) : UserAdministration<PostgresApp>(app), IClassFixture<PostgresApp>;
