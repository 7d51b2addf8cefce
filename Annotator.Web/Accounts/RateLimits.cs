using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;

namespace Annotator.Web.Accounts;

/// <summary>
/// How many requests one client address may make to the endpoints that check a secret (<c>Annotator:RateLimits</c>).
/// Each limit counts per address over a fixed window of <see cref="WindowSeconds"/>; 0 turns that limit off.
/// </summary>
public sealed class RateLimitOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Annotator:RateLimits";

    /// <summary>Length of the counting window, in seconds. Default 60.</summary>
    public int WindowSeconds { get; set; } = 60;

    /// <summary>Sign-in and change-password form posts per address and window. Default 10.</summary>
    public int SignInAttempts { get; set; } = 10;

    /// <summary>Requests to invitation links (<c>/invite/…</c>, showing and accepting) per address and window. Default 10.</summary>
    public int InvitationRequests { get; set; } = 10;

    /// <summary>
    /// Requests to the annotations hub, where programs present API tokens, per address and window (a connection takes
    /// two: negotiate and connect). Default 120.
    /// </summary>
    public int HubRequests { get; set; } = 120;
}

/// <summary>
/// ASP.NET Core's rate limiter on sign-in, invitations and the API-token hub, partitioned by client address, answering
/// 429 with <c>Retry-After</c>. This replaces Identity's account lockout, which let anyone keep anyone (an admin too)
/// out by typing wrong passwords for their email.
/// </summary>
public static class RateLimits
{
    /// <summary>Policy of the sign-in and change-password forms (form posts only; showing the page is free).</summary>
    public const string SignIn = "sign-in";

    /// <summary>Policy of the invitation page (every request: showing it checks the invitation's secret too).</summary>
    public const string Invitation = "invitation";

    /// <summary>Policy of the annotations hub (negotiate and connect).</summary>
    public const string Hub = "hub";

    /// <summary>Registers the three policies with the limits of <paramref name="options"/>.</summary>
    public static IServiceCollection AddAnnotatorRateLimits(this IServiceCollection services, RateLimitOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var window = TimeSpan.FromSeconds(Math.Max(1, options.WindowSeconds));
        services.AddRateLimiter(o =>
        {
            o.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            o.OnRejected = (context, cancellationToken) => RejectAsync(context.HttpContext, context.Lease, window, cancellationToken);
            o.AddPolicy(SignIn, context => HttpMethods.IsPost(context.Request.Method)
                ? PerAddress(context, options.SignInAttempts, window)
                : RateLimitPartition.GetNoLimiter(""));
            o.AddPolicy(Invitation, context => PerAddress(context, options.InvitationRequests, window));
            o.AddPolicy(Hub, context => PerAddress(context, options.HubRequests, window));
        });
        return services;
    }

    /// <summary>
    /// The partition a client address counts in: an IPv4 address as it is (also when it arrives IPv4-mapped), an IPv6
    /// address by its /64 network (one subscriber usually gets a whole /64, so counting single addresses would give an
    /// attacker billions of fresh limits), and "unknown" when there is no address (a Unix socket or an in-memory server).
    /// </summary>
    public static string PartitionKey(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes).ToString() + "/64";
    }

    private static RateLimitPartition<string> PerAddress(HttpContext context, int permits, TimeSpan window) =>
        permits <= 0
            ? RateLimitPartition.GetNoLimiter("")
            : RateLimitPartition.GetFixedWindowLimiter(PartitionKey(context.Connection.RemoteIpAddress), _ => new FixedWindowRateLimiterOptions
            {
                PermitLimit = permits,
                Window = window,
                QueueLimit = 0,
                AutoReplenishment = true,
            });

    private static async ValueTask RejectAsync(HttpContext context, RateLimitLease lease, TimeSpan window, CancellationToken cancellationToken)
    {
        var retryAfter = lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : window;
        var seconds = (int)Math.Max(1, Math.Ceiling(retryAfter.TotalSeconds));
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        var message = $"Too many attempts from your network address. Wait {seconds} seconds and try again.";
        if (context.Request.Path.StartsWithSegments(ApiTokenDefaults.QueryTokenPath))
        {
            context.Response.ContentType = "text/plain; charset=utf-8";
            await context.Response.WriteAsync(message, cancellationToken);
            return;
        }
        // A person at a form: a page in the look of the sign-in page, with the way back.
        context.Response.ContentType = "text/html; charset=utf-8";
        await context.Response.WriteAsync($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8" /><meta name="viewport" content="width=device-width, initial-scale=1" />
            <title>Too many attempts · Annotator</title><link rel="stylesheet" href="/css/app.css" /></head>
            <body><div class="account-page"><main class="account-card">
            <h1>Too many attempts</h1>
            <div class="form-error" role="alert" data-testid="rate-limited">{WebUtility.HtmlEncode(message)}</div>
            <p class="hint"><a href="/account/login">Back to sign in</a></p>
            </main></div></body></html>
            """, cancellationToken);
    }
}
