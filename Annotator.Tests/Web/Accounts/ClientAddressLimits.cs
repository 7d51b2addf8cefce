using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Annotator.Core.Accounts;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Accounts;
using Annotator.Web.Components.Pages.Account;

namespace Annotator.Tests.Web.Accounts;

/// <summary>
/// The per-client-address limits on sign-in, invitation links and the API-token hub, over real TCP connections to
/// Kestrel: each client binds its own loopback source address (127.0.0.x), so the app sees genuinely different
/// clients in <c>HttpContext.Connection.RemoteIpAddress</c>; nothing is taken from a header.
/// </summary>
public sealed class ClientAddressLimits(ClientAddressLimits.LimitedApp fixture) : IClassFixture<ClientAddressLimits.LimitedApp>
{
    private const int Limit = 3;

    private AnnotatorFactory App => fixture.App;

    [Fact]
    public async Task SignInPostsFromOneAddressAreRefusedWith429AndRetryAfter()
    {
        var user = await App.CreateUserAsync($"limited-{Guid.NewGuid():N}@example.com");
        using var client = From("127.0.0.2");
        for (var attempt = 0; attempt < Limit; attempt++)
        {
            Assert.Equal((HttpStatusCode.OK, Login.FailedMessage), await SignInAnswers.TrySignInAsync(client, user.Email!, "a wrong password 123"));
        }

        var form = await AnnotatorFactory.FormFieldsAsync(client, "/account/login");
        form["Input.Email"] = user.Email!;
        form["Input.Password"] = AnnotatorFactory.Password;
        using var refused = await client.PostAsync("/account/login", new FormUrlEncodedContent(form));

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        var retryAfter = int.Parse(refused.Headers.GetValues("Retry-After").Single(), CultureInfo.InvariantCulture);
        Assert.InRange(retryAfter, 1, 60);
        Assert.Contains("Too many attempts from your network address", await refused.Content.ReadAsStringAsync());
        // Showing the form is not limited, and another address is not affected.
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/account/login")).StatusCode);
        using var neighbour = From("127.0.0.3");
        Assert.Equal(HttpStatusCode.OK, (await SignInAnswers.TrySignInAsync(neighbour, user.Email!, "a wrong password 123")).Status);
    }

    [Fact]
    public async Task AStrangerHammeringTheAdminsEmailCannotKeepTheAdminOut()
    {
        var admin = await App.CreateUserAsync($"admin-{Guid.NewGuid():N}@example.com", AppRoles.Admin);
        using var stranger = From("127.0.0.4");
        var answers = new List<HttpStatusCode>();
        for (var attempt = 0; attempt < 12; attempt++)
        {
            answers.Add((await SignInAnswers.TrySignInAsync(stranger, admin.Email!, $"guess number {attempt} here")).Status);
        }
        Assert.Equal(12 - Limit, answers.Count(s => s == HttpStatusCode.TooManyRequests));

        using var owner = From("127.0.0.5");
        await AnnotatorFactory.SignInAsync(owner, admin.Email!);
        Assert.Equal(HttpStatusCode.OK, (await owner.GetAsync("/admin/users")).StatusCode);
    }

    [Fact]
    public async Task InvitationLinksFromOneAddressAreLimited()
    {
        // Until an account exists every page leads to /setup.
        await App.CreateUserAsync($"someone-{Guid.NewGuid():N}@example.com");
        using var client = From("127.0.0.6");
        for (var attempt = 0; attempt < Limit; attempt++)
        {
            Assert.Contains("Invitation not valid", await client.GetStringAsync($"/invite/{Guid.NewGuid():N}"));
        }

        using var refused = await client.GetAsync($"/invite/{Guid.NewGuid():N}");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
    }

    [Fact]
    public async Task HubRequestsFromOneAddressAreLimited()
    {
        using var client = From("127.0.0.7");
        for (var attempt = 0; attempt < Limit; attempt++)
        {
            using var answer = await client.PostAsync("/hubs/annotations/negotiate?negotiateVersion=1", null);
            Assert.Equal(HttpStatusCode.Unauthorized, answer.StatusCode);
        }

        using var refused = await client.PostAsync("/hubs/annotations/negotiate?negotiateVersion=1", null);

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.True(refused.Headers.Contains("Retry-After"));
        using var other = From("127.0.0.8");
        Assert.Equal(HttpStatusCode.Unauthorized, (await other.PostAsync("/hubs/annotations/negotiate?negotiateVersion=1", null)).StatusCode);
    }

    /// <summary>A client of the app whose TCP connections come from <paramref name="sourceAddress"/> (a loopback address).</summary>
    private HttpClient From(string sourceAddress)
    {
        var source = IPAddress.Parse(sourceAddress);
        var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseCookies = true,
            CookieContainer = new CookieContainer(),
            ConnectCallback = async (context, cancellationToken) =>
            {
                var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    socket.Bind(new IPEndPoint(source, 0));
                    await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            },
        };
        return new HttpClient(handler) { BaseAddress = App.ServerAddress };
    }

    /// <summary>The app on Kestrel with small limits (the test factory turns them off elsewhere).</summary>
    public sealed class LimitedApp() : AppFixture(TestDatabase.Sqlite)
    {
        protected override void Configure(AnnotatorFactory factory) => factory.UseKestrelOnLoopback()
            .With("Annotator:RateLimits:WindowSeconds", "60")
            .With("Annotator:RateLimits:SignInAttempts", Limit.ToString(CultureInfo.InvariantCulture))
            .With("Annotator:RateLimits:InvitationRequests", Limit.ToString(CultureInfo.InvariantCulture))
            .With("Annotator:RateLimits:HubRequests", Limit.ToString(CultureInfo.InvariantCulture));
    }
}

/// <summary>Which client addresses count together.</summary>
public sealed class RateLimitPartitionKey
{
    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("::1", "::/64")]
    public void IPv4AddressesCountAloneAndIPv6ByTheirNetwork(string address, string key) =>
        Assert.Equal(key, RateLimits.PartitionKey(IPAddress.Parse(address)));

    [Fact]
    public void NoAddressIsOnePartition() => Assert.Equal("unknown", RateLimits.PartitionKey(null));
}
