using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using Npgsql;
using StackExchange.Redis;

namespace Annotator.Tests.Infrastructure;

/// <summary>
/// The reachability check of the test services against the real PostgreSQL and Redis, through a relay that first
/// accepts connections and never answers (a server too busy to reply in time), then forwards them. One attempt, as
/// the check used to make, reports the service missing; the retrying check finds it.
/// </summary>
public sealed class ServiceProbeRetry
{
    private static readonly ProbeLimits Quick = ProbeLimits.Default with { FirstPause = TimeSpan.FromMilliseconds(50) };

    [Fact]
    public async Task PostgresIsFoundWhenTheFirstAttemptGetsNoAnswer()
    {
        TestEnvironment.RequirePostgres();
        var real = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin);
        await using var relay = new SilentThenForwardingRelay(real.Host!, real.Port);
        var viaRelay = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Host = "127.0.0.1", Port = relay.Port }.ConnectionString;

        var once = ServiceProbe.Retry(relay.SwitchToForwardingAfter(t => ServiceProbe.Postgres(viaRelay, t)), Quick with { MaxAttempts = 1 });
        Assert.NotNull(once);
        Assert.Contains("PostgreSQL is not reachable", once);
        Assert.Contains("tried 1 time", once);

        relay.Silence();
        var attempts = 0;
        var retried = ServiceProbe.Retry(relay.SwitchToForwardingAfter(t => { attempts++; return ServiceProbe.Postgres(viaRelay, t); }), Quick);
        Assert.Null(retried);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public async Task RedisIsFoundWhenTheFirstAttemptGetsNoAnswer()
    {
        TestEnvironment.RequireRedis();
        var (host, port) = ConfigurationOptions.Parse(TestEnvironment.Redis).EndPoints.Single() switch
        {
            IPEndPoint ip => (ip.Address.ToString(), ip.Port),
            DnsEndPoint dns => (dns.Host, dns.Port),
            var other => throw new InvalidOperationException($"Unexpected Redis endpoint {other}"),
        };
        await using var relay = new SilentThenForwardingRelay(host, port);
        var viaRelay = $"127.0.0.1:{relay.Port}";

        var once = ServiceProbe.Retry(relay.SwitchToForwardingAfter(t => ServiceProbe.Redis(viaRelay, t)), Quick with { MaxAttempts = 1 });
        Assert.NotNull(once);
        Assert.Contains("Redis is not reachable", once);

        relay.Silence();
        var attempts = 0;
        var retried = ServiceProbe.Retry(relay.SwitchToForwardingAfter(t => { attempts++; return ServiceProbe.Redis(viaRelay, t); }), Quick);
        Assert.Null(retried);
        Assert.Equal(2, attempts);
    }

    [Fact]
    public void AMissingServiceIsReportedAfterEveryAttemptFailed()
    {
        var closedPort = ClosedPort();
        var attempts = 0;
        var connection = new NpgsqlConnectionStringBuilder(TestEnvironment.PostgresAdmin) { Host = "127.0.0.1", Port = closedPort }.ConnectionString;

        var problem = ServiceProbe.Retry(t => { attempts++; return ServiceProbe.Postgres(connection, t); }, Quick with { MaxAttempts = 3 });

        Assert.NotNull(problem);
        Assert.Equal(3, attempts);
        Assert.Contains("PostgreSQL is not reachable", problem);
        Assert.Contains("tried 3 times", problem);
    }

    [Fact]
    public void NoAttemptStartsAfterTheBudgetAndEachWaitsAtMostWhatIsLeft()
    {
        var timeouts = new List<TimeSpan>();
        var limits = new ProbeLimits(MaxAttempts: 100, Budget: TimeSpan.FromSeconds(2), AttemptTimeout: TimeSpan.FromSeconds(10), FirstPause: TimeSpan.FromMilliseconds(400));

        var problem = ServiceProbe.Retry(t => { timeouts.Add(t); return "refused"; }, limits);

        // The pauses (0.4, 0.8, 1.6 s, …) alone would put a fourth attempt at 2.8 s, past the budget.
        Assert.InRange(timeouts.Count, 1, 3);
        Assert.All(timeouts, t => Assert.True(t <= limits.Budget, $"an attempt was allowed {t} of a {limits.Budget} budget"));
        Assert.Matches(@"^refused \(tried [123] times? in [0-9.]+ s\)$", problem);
    }

    [Fact]
    public void TheFirstAnswerEndsTheRetries()
    {
        var attempts = 0;
        Assert.Null(ServiceProbe.Retry(_ => ++attempts < 3 ? "no answer" : null, Quick));
        Assert.Equal(3, attempts);
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>
    /// A TCP relay on 127.0.0.1 that holds the connections it accepts without a word until it is switched to
    /// forwarding; from then on new connections are piped to the target.
    /// </summary>
    private sealed class SilentThenForwardingRelay : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly ConcurrentBag<TcpClient> _clients = [];
        private readonly string _targetHost;
        private readonly int _targetPort;
        private readonly Task _accepting;
        private volatile bool _forwarding;

        public SilentThenForwardingRelay(string targetHost, int targetPort)
        {
            _targetHost = targetHost;
            _targetPort = targetPort;
            _listener.Start();
            _accepting = AcceptAsync();
        }

        public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

        /// <summary>Holds new connections silent again.</summary>
        public void Silence() => _forwarding = false;

        /// <summary>
        /// The attempt, after which (whatever it found) new connections are forwarded. While the relay is silent the
        /// attempt cannot succeed, so it is given 1 s instead of the probe's timeout.
        /// </summary>
        public Func<TimeSpan, string?> SwitchToForwardingAfter(Func<TimeSpan, string?> attempt) => timeout =>
        {
            var problem = attempt(_forwarding ? timeout : TimeSpan.FromSeconds(1));
            _forwarding = true;
            return problem;
        };

        private async Task AcceptAsync()
        {
            try
            {
                while (true)
                {
                    var client = await _listener.AcceptTcpClientAsync(_stop.Token);
                    _clients.Add(client);
                    if (_forwarding)
                    {
                        _ = ForwardAsync(client);
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }

        private async Task ForwardAsync(TcpClient client)
        {
            using var upstream = new TcpClient();
            try
            {
                await upstream.ConnectAsync(_targetHost, _targetPort, _stop.Token);
                var down = client.GetStream();
                var up = upstream.GetStream();
                await Task.WhenAny(down.CopyToAsync(up, _stop.Token), up.CopyToAsync(down, _stop.Token));
            }
            catch (Exception e) when (e is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
            {
                // either side went away: so does the other
            }
            client.Dispose();
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _accepting;
            foreach (var client in _clients)
            {
                client.Dispose();
            }
            _stop.Dispose();
        }
    }
}
