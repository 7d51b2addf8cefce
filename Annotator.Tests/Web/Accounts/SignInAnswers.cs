using System.Net;
using System.Text.RegularExpressions;
using Annotator.Core.Accounts;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Accounts;
using Annotator.Web.Components.Pages.Account;
using Annotator.Web.Data;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Accounts;

/// <summary>
/// What the sign-in form tells a stranger: the same answer, after the same work, for an unknown email, a deactivated
/// account and a wrong password, and never a lockout that would keep the real owner out.
/// </summary>
public sealed partial class SignInAnswers(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    private AnnotatorFactory App => fixture.App;

    private static string NewEmail(string who) => $"{who}-{Guid.NewGuid():N}@example.com";

    [Fact]
    public async Task UnknownEmailsDeactivatedAccountsAndWrongPasswordsGetTheSameAnswer()
    {
        var admin = await App.CreateUserAsync(NewEmail("admin"), AppRoles.Admin);
        var existing = await App.CreateUserAsync(NewEmail("labeler"));
        var deactivated = await App.CreateUserAsync(NewEmail("gone"));
        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAdminService>()
                .SetActiveAsync(TestPrincipals.For(admin, AppRoles.Admin), deactivated.Id, false);
        }

        var unknown = await TrySignInAsync(App.NewClient(), NewEmail("nobody"), "some long password 1");
        var wrong = await TrySignInAsync(App.NewClient(), existing.Email!, "some long password 1");
        var inactive = await TrySignInAsync(App.NewClient(), deactivated.Email!, AnnotatorFactory.Password);

        Assert.Equal((HttpStatusCode.OK, Login.FailedMessage), unknown);
        Assert.Equal(unknown, wrong);
        Assert.Equal(unknown, inactive);
    }

    [Fact]
    public async Task ManyWrongPasswordsNeverLockTheAccount()
    {
        var admin = await App.CreateUserAsync(NewEmail("admin"), AppRoles.Admin);
        using var stranger = App.NewClient();

        // Identity's lockout (which this replaced) locked an account for five minutes after ten failures.
        for (var attempt = 0; attempt < 12; attempt++)
        {
            Assert.Equal((HttpStatusCode.OK, Login.FailedMessage), await TrySignInAsync(stranger, admin.Email!, $"guess number {attempt} here"));
        }

        using var owner = App.NewClient();
        await AnnotatorFactory.SignInAsync(owner, admin.Email!);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/admin/users")).StatusCode);
    }

    [Fact]
    public async Task AnUnknownEmailHasAPasswordHashCheckedLikeAWrongPassword()
    {
        var hasher = new CountingHasher();
        using var counted = App.WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IPasswordHasher<AppUser>>(hasher)));
        var existing = NewEmail("labeler");
        await using (var scope = counted.Services.CreateAsyncScope())
        {
            var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
            Assert.True((await users.CreateAsync(new AppUser { UserName = existing, Email = existing, DisplayName = "L" }, AnnotatorFactory.Password)).Succeeded);
        }
        using var client = counted.CreateClient(new() { AllowAutoRedirect = false });

        var before = hasher.Verified;
        await TrySignInAsync(client, NewEmail("nobody"), "some long password 1");
        var forUnknown = hasher.Verified - before;
        before = hasher.Verified;
        await TrySignInAsync(client, existing, "some long password 1");
        var forWrongPassword = hasher.Verified - before;

        Assert.Equal(1, forWrongPassword);
        Assert.Equal(forWrongPassword, forUnknown);
    }

    /// <summary>Posts the sign-in form; the status and the form's error message.</summary>
    internal static async Task<(HttpStatusCode Status, string? Error)> TrySignInAsync(HttpClient client, string email, string password)
    {
        var form = await AnnotatorFactory.FormFieldsAsync(client, "/account/login");
        form["Input.Email"] = email;
        form["Input.Password"] = password;
        using var response = await client.PostAsync("/account/login", new FormUrlEncodedContent(form));
        var match = FormError().Match(await response.Content.ReadAsStringAsync());
        return (response.StatusCode, match.Success ? WebUtility.HtmlDecode(match.Groups[1].Value) : null);
    }

    [GeneratedRegex("data-testid=\"form-error\">([^<]*)<")]
    private static partial Regex FormError();

    /// <summary>The app's real hasher, counting the hashes it checks.</summary>
    private sealed class CountingHasher : IPasswordHasher<AppUser>
    {
        private readonly PasswordHasher<AppUser> _inner = new();
        private int _verified;

        public int Verified => Volatile.Read(ref _verified);

        public string HashPassword(AppUser user, string password) => _inner.HashPassword(user, password);

        public PasswordVerificationResult VerifyHashedPassword(AppUser user, string hashedPassword, string providedPassword)
        {
            Interlocked.Increment(ref _verified);
            return _inner.VerifyHashedPassword(user, hashedPassword, providedPassword);
        }
    }
}
