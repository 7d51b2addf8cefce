using System.Net;
using Annotator.Tests.Infrastructure;

namespace Annotator.Tests.Web.Accounts;

/// <summary>The app on SQLite whose database can be made to refuse every write; sign-ins re-checked every second.</summary>
public sealed class WriteRefusingApp() : AppFixture(TestDatabase.Sqlite)
{
    /// <summary>Turns write refusal on and off.</summary>
    public SqliteStorageLimit Storage { get; } = new();

    protected override void Configure(AnnotatorFactory factory)
    {
        factory.UseKestrelOnLoopback().With("Annotator:Live:SessionCheckSeconds", "1");
        Storage.On(factory);
    }
}

/// <summary>
/// Authentication never depends on a write: with the database refusing writes (a full disk, a read-only file), an API
/// token still connects to the annotations hub, and a signed-in cookie still reads pages and API endpoints, also when
/// its session is re-checked and renewed.
/// </summary>
public sealed class AuthenticationWithoutWrites(WriteRefusingApp fixture) : IClassFixture<WriteRefusingApp>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private AnnotatorFactory App => fixture.App;

    [Fact]
    public async Task ATokenConnectsToTheHubWhileTheDatabaseRefusesWrites()
    {
        var world = await HubWorld.BuildAsync(App);
        // Never used: validating it records its first use, a write.
        var token = await App.MintApiTokenAsync(world.Ann);

        fixture.Storage.RefuseWrites = true;
        try
        {
            await using var hub = await HubClient.ConnectAsync(App.ServerAddress, token.Secret);
            var joined = await hub.JoinAsync(world.Image);
            Assert.Equal(System.Text.Json.JsonValueKind.Object, joined.ValueKind);
        }
        finally
        {
            fixture.Storage.RefuseWrites = false;
        }
    }

    [Fact]
    public async Task ASignedInCookieReadsPagesWhileTheDatabaseRefusesWrites()
    {
        var world = await HubWorld.BuildAsync(App);
        // A real socket to Kestrel, keeping cookies, not following redirects.
        using var client = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = App.ServerAddress };
        await AnnotatorFactory.SignInAsync(client, world.Ann.Email!);

        fixture.Storage.RefuseWrites = true;
        try
        {
            // Until the cookie has been re-checked and renewed (a write to its session row) at least once, every request
            // answers normally.
            await Eventually.TrueAsync(async () =>
            {
                var renewed = false;
                foreach (var path in new[] { $"/projects/{world.Project}", $"/api/projects/{world.Project}/taxonomy" })
                {
                    using var response = await client.GetAsync(path, TestContext.Current.CancellationToken);
                    Assert.True(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}.");
                    renewed |= response.Headers.TryGetValues("Set-Cookie", out var cookies)
                        && cookies.Any(c => c.StartsWith("annotator.auth=", StringComparison.Ordinal));
                }
                return renewed;
            }, "the sign-in to be re-checked", Patience, TimeSpan.Zero);
        }
        finally
        {
            fixture.Storage.RefuseWrites = false;
        }
    }
}
