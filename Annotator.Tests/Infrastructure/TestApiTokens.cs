using Annotator.Core.Accounts;
using Annotator.Web.Accounts;
using Annotator.Web.Data;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Infrastructure;

/// <summary>Personal API tokens for test users, made through the app's own <see cref="ApiTokenService"/>.</summary>
public static class TestApiTokens
{
    /// <summary>Makes a token for <paramref name="user"/> and returns it with its secret (the whole token string).</summary>
    public static Task<CreatedApiToken> MintApiTokenAsync(this AnnotatorFactory app, AppUser user, string name = "test",
        DateTime? expiresAtUtc = null, string role = AppRoles.Labeler)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Services.GetRequiredService<ApiTokenService>().CreateAsync(TestPrincipals.For(user, role), name, expiresAtUtc);
    }

    /// <summary>Makes a token for <paramref name="user"/> and connects a <see cref="HubClient"/> with it (Kestrel required).</summary>
    public static async Task<HubClient> ConnectHubAsync(this AnnotatorFactory app, AppUser user)
    {
        var token = await app.MintApiTokenAsync(user);
        return await HubClient.ConnectAsync(app.ServerAddress, token.Secret);
    }
}
