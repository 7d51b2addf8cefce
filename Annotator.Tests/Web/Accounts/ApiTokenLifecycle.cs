using System.Security.Cryptography;
using System.Text;
using Annotator.Core;
using Annotator.Core.Accounts;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Accounts;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Accounts;

/// <summary>Personal API tokens against a real database: made once, stored as a hash, listed, revoked, validated.</summary>
public abstract class ApiTokenLifecycle<TApp>(TApp fixture) where TApp : AppFixture
{
    private AnnotatorFactory App => fixture.App;
    private ApiTokenService Tokens => App.Services.GetRequiredService<ApiTokenService>();

    private async Task<(Annotator.Web.Data.AppUser User, System.Security.Claims.ClaimsPrincipal Principal)> UserAsync(string role = AppRoles.Labeler)
    {
        var user = await App.CreateUserAsync($"tokens-{Guid.NewGuid():N}@example.com", role);
        return (user, TestPrincipals.For(user, role));
    }

    [Fact]
    public async Task TheSecretIsShownOnceAndOnlyItsHashIsStored()
    {
        var (_, me) = await UserAsync();

        var created = await Tokens.CreateAsync(me, "  nightly import  ", DateTime.UtcNow.AddDays(30));

        Assert.Matches("^ann_[0-9a-f]{12}_[A-Za-z0-9_-]{43}$", created.Secret);
        Assert.Equal("nightly import", created.Token.Name);
        Assert.StartsWith(created.Token.Display.TrimEnd('…'), created.Secret, StringComparison.Ordinal);
        await using var db = await App.NewDbContextAsync();
        var row = await db.ApiTokens.AsNoTracking().SingleAsync(t => t.Id == created.Token.Id);
        Assert.Equal(Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(created.Secret))), row.SecretHash);
        // After "ann_" and the 12-hex prefix; the random part is base64url, so it may hold '_' itself.
        var secretPart = created.Secret["ann_".Length..].Split('_', 2)[1];
        Assert.Equal(43, secretPart.Length);
        // Nothing in the row (nor anywhere in the table) holds the secret.
        var everything = await db.ApiTokens.AsNoTracking().Select(t => t.Name + t.Prefix + t.SecretHash + t.UserId).ToListAsync();
        Assert.DoesNotContain(everything, text => text.Contains(secretPart, StringComparison.Ordinal));
        var listed = Assert.Single(await Tokens.ListAsync(me));
        Assert.Equal(created.Token.Id, listed.Id);
        Assert.True(listed.IsActive(DateTime.UtcNow));
    }

    [Fact]
    public async Task AValidTokenNamesItsOwnerAndRecordsTheUse()
    {
        var (user, me) = await UserAsync();
        var created = await Tokens.CreateAsync(me, "script", null);

        var validation = await Tokens.ValidateAsync(created.Secret);

        Assert.True(validation.Ok, validation.Error);
        Assert.Equal((created.Token.Id, user.Id), (validation.TokenId, validation.UserId));
        // The use is recorded beside the request (authentication must not wait for, or fail on, a write).
        await Eventually.TrueAsync(async () => Assert.Single(await Tokens.ListAsync(me)).LastUsedAt is not null, "the token's use to be recorded",
            TimeSpan.FromSeconds(20));
    }

    [Fact]
    public async Task WrongMalformedRevokedAndExpiredTokensAreRefused()
    {
        var (_, me) = await UserAsync();
        var good = await Tokens.CreateAsync(me, "good", null);
        var revoked = await Tokens.CreateAsync(me, "revoked", null);
        await Tokens.RevokeAsync(me, revoked.Token.Id);
        var expired = await Tokens.CreateAsync(me, "expired", DateTime.UtcNow.AddMinutes(5));
        await using (var db = await App.NewDbContextAsync())
        {
            await db.ApiTokens.Where(t => t.Id == expired.Token.Id).ExecuteUpdateAsync(s => s.SetProperty(t => t.ExpiresAt, DateTime.UtcNow.AddMinutes(-1)));
        }
        var wrongSecret = good.Secret[..^4] + (good.Secret.EndsWith("AAAA", StringComparison.Ordinal) ? "BBBB" : "AAAA");

        Assert.Contains("not valid", (await Tokens.ValidateAsync(wrongSecret)).Error);
        Assert.Contains("malformed", (await Tokens.ValidateAsync("hello")).Error);
        Assert.Contains("malformed", (await Tokens.ValidateAsync(null)).Error);
        Assert.Contains("revoked", (await Tokens.ValidateAsync(revoked.Secret)).Error);
        Assert.Contains("expired", (await Tokens.ValidateAsync(expired.Secret)).Error);
        Assert.True((await Tokens.ValidateAsync(good.Secret)).Ok);
    }

    [Fact]
    public async Task ATokenOfADeactivatedUserIsRefused()
    {
        var (user, me) = await UserAsync();
        var (_, admin) = await UserAsync(AppRoles.Admin);
        var created = await Tokens.CreateAsync(me, "script", null);

        await using (var scope = App.Services.CreateAsyncScope())
        {
            await scope.ServiceProvider.GetRequiredService<UserAdminService>().SetActiveAsync(admin, user.Id, active: false);
        }

        Assert.Contains("deactivated", (await Tokens.ValidateAsync(created.Secret)).Error);
    }

    [Fact]
    public async Task OnlyTheOwnerOrAnAdminMayRevoke()
    {
        var (_, owner) = await UserAsync();
        var (_, other) = await UserAsync();
        var (_, admin) = await UserAsync(AppRoles.Admin);
        var first = await Tokens.CreateAsync(owner, "first", null);
        var second = await Tokens.CreateAsync(owner, "second", null);

        var stranger = await Assert.ThrowsAsync<DomainException>(() => Tokens.RevokeAsync(other, first.Token.Id));
        Assert.True((await Tokens.ValidateAsync(first.Secret)).Ok);
        await Tokens.RevokeAsync(owner, first.Token.Id);
        var twice = await Assert.ThrowsAsync<DomainException>(() => Tokens.RevokeAsync(owner, first.Token.Id));
        await Tokens.RevokeAsync(admin, second.Token.Id);

        Assert.Equal("That API token does not exist.", stranger.Message);
        Assert.Contains("already revoked", twice.Message);
        Assert.All(await Tokens.ListAsync(owner), t => Assert.NotNull(t.RevokedAt));
        await Assert.ThrowsAsync<UnauthorizedAccessException>(() => Tokens.ListAsync(other, IdOf(owner)));
    }

    [Theory]
    [InlineData("", "Token name is required.")]
    [InlineData("   ", "Token name is required.")]
    public async Task BadInputIsRefusedAndStoresNothing(string name, string message)
    {
        var (_, me) = await UserAsync();

        var noName = await Assert.ThrowsAsync<DomainException>(() => Tokens.CreateAsync(me, name, null));
        var past = await Assert.ThrowsAsync<DomainException>(() => Tokens.CreateAsync(me, "late", DateTime.UtcNow.AddMinutes(-1)));
        var tooLong = await Assert.ThrowsAsync<DomainException>(() => Tokens.CreateAsync(me, new string('x', ApiToken.MaxNameLength + 1), null));

        Assert.Equal(message, noName.Message);
        Assert.Equal("The expiry date must be in the future.", past.Message);
        Assert.Contains($"at most {ApiToken.MaxNameLength}", tooLong.Message);
        Assert.Empty(await Tokens.ListAsync(me));
    }

    private static string IdOf(System.Security.Claims.ClaimsPrincipal user) => Annotator.Web.Projects.ProjectAccess.UserId(user)!;
}

public sealed class ApiTokenLifecycleOnSqlite(SqliteApp app) : ApiTokenLifecycle<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class ApiTokenLifecycleOnPostgres(PostgresApp app) : ApiTokenLifecycle<PostgresApp>(app), IClassFixture<PostgresApp>;
