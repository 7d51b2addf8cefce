using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.Security.Claims;
using System.Text.Json;
using Annotator.Core.Accounts;
using Annotator.Core.Images;
using Annotator.Core.Taxonomy;
using Annotator.Web.Accounts;
using Annotator.Web.Data;
using Annotator.Web.Collaboration;
using Annotator.Web.Annotations;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Identity;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using ImageRow = Annotator.Core.Images.Image;

namespace Annotator.Bench;

/// <summary>
/// The annotations hub under load, one node on SQLite. <c>live</c>: 500 programs connected over WebSockets, 50 on one
/// image and the rest 10 to an image, 20 operations/s in all (half from the 50, half from the others); for each
/// operation on the busy image, the time from the moment one program sends it to the moment each of the 49 others
/// receives its <c>committed</c> message. <c>live-throughput</c>: 16 programs on 16 images sending as fast as the answers
/// come: operations persisted per second, on SQLite and (with ANNOTATOR_BENCH_POSTGRES) PostgreSQL. <c>live-nodes</c>:
/// the busy image's 50 programs on PostgreSQL and Redis, on one node and then split over two.
/// </summary>
/// <remarks>The programs run in the benchmark process, beside the app, on the same cores.</remarks>
internal static class LiveBenchmark
{
    /// <summary>p99 of the time until every other program on the image has an operation.</summary>
    public const double TargetP99Ms = 50;

    private const int HotClients = 50;
    private const int ClientsPerOtherImage = 10;
    private const int OperationsPerSecond = 20;
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan Measured = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan Straggler = TimeSpan.FromSeconds(5);

    private const int ThroughputClients = 16;
    private static readonly TimeSpan ThroughputWarmUp = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan ThroughputMeasured = TimeSpan.FromSeconds(20);

    /// <param name="clients">500: 50 on the busy image and 10 on each of 45 others; 50: all on the busy image, which then
    /// gets every operation.</param>
    /// <param name="cancellationToken">Stops the run.</param>
    public static async Task RunAsync(int clients, CancellationToken cancellationToken)
    {
        if (clients < HotClients || (clients - HotClients) % ClientsPerOtherImage != 0)
        {
            throw new ArgumentException($"--clients must be {HotClients}, or {HotClients} plus a multiple of {ClientsPerOtherImage}.");
        }
        var root = NewRoot("live");
        var otherImages = (clients - HotClients) / ClientsPerOtherImage;
        Console.WriteLine($"== live: {clients} hub clients (WebSockets), {HotClients} on one image, {ClientsPerOtherImage} on each of " +
            $"{otherImages} others; {OperationsPerSecond} operations/s for {Measured.TotalSeconds:N0} s after {WarmUp.TotalSeconds:N0} s warm-up; SQLite, temp {root}");
        Console.WriteLine($"  {DateTime.UtcNow:ddd MMM d yyyy HH:mm} UTC, load average {MachineLoad.LoadAverage()}, {Environment.ProcessorCount} cores");
        try
        {
            await using var app = await BenchApp.StartAsync(Path.Combine(root, "data"));
            var clock = Stopwatch.StartNew();
            var world = await LiveWorld.CreateAsync(app, 1 + otherImages, clients, cancellationToken);
            Console.WriteLine($"  {clients} users with tokens and {1 + otherImages} images made in {clock.Elapsed.TotalSeconds:N1} s");

            clock.Restart();
            var programs = new LiveClient[clients];
            await Parallel.ForAsync(0, clients, new ParallelOptions { MaxDegreeOfParallelism = 16, CancellationToken = cancellationToken },
                async (i, ct) =>
                {
                    var image = i < HotClients ? world.Images[0] : world.Images[1 + (i - HotClients) / ClientsPerOtherImage];
                    programs[i] = await LiveClient.ConnectAsync(i, app.Address, world.Tokens[i], image, ct);
                });
            Console.WriteLine($"  {clients} connected and joined in {clock.Elapsed.TotalSeconds:N1} s");

            var probe = new Probe(HotClients - 1);
            foreach (var program in programs.Take(HotClients))
            {
                program.Receipts = probe;
            }
            try
            {
                await DriveAsync(programs, probe, world.Taxonomy, WarmUp, measure: false, cancellationToken);
                GC.Collect();
                var loadBefore = MachineLoad.LoadAverage();
                using var stages = new EditStages();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                clock.Restart();
                await DriveAsync(programs, probe, world.Taxonomy, Measured, measure: true, cancellationToken);
                var wall = clock.Elapsed;
                cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                var loadAfter = MachineLoad.LoadAverage();
                await Task.Delay(Straggler, cancellationToken);
                probe.Report(wall, cpu, clients);
                stages.Report();
                Console.WriteLine($"  load average (1, 5, 15 min; /proc/loadavg) before the measured minute {loadBefore}, after it {loadAfter}");
            }
            finally
            {
                await Task.WhenAll(programs.Where(p => p is not null).Select(p => p.DisposeAsync().AsTask()));
            }
        }
        finally
        {
            DeleteQuietly(root);
        }
    }

    /// <summary>
    /// <c>live-nodes</c>: the 50 programs of the busy image on PostgreSQL and Redis, first all on one node, then split
    /// over two nodes (every other program on the second) — how much longer an operation takes to reach everybody when
    /// half of them are on the other node.
    /// </summary>
    public static async Task RunNodesAsync(CancellationToken cancellationToken)
    {
        var postgres = Environment.GetEnvironmentVariable("ANNOTATOR_BENCH_POSTGRES") is { Length: > 0 } admin ? admin
            : throw new ArgumentException("live-nodes needs ANNOTATOR_BENCH_POSTGRES (an admin connection string); Redis is ANNOTATOR_BENCH_REDIS, default 127.0.0.1:6379.");
        var redis = Environment.GetEnvironmentVariable("ANNOTATOR_BENCH_REDIS") is { Length: > 0 } r ? r : "127.0.0.1:6379";
        Console.WriteLine($"== live-nodes: {HotClients} hub clients (WebSockets) on one image, {OperationsPerSecond} operations/s for " +
            $"{Measured.TotalSeconds:N0} s after {WarmUp.TotalSeconds:N0} s warm-up; PostgreSQL and Redis; one node, then two");
        Console.WriteLine($"  {DateTime.UtcNow:ddd MMM d yyyy HH:mm} UTC, load average {MachineLoad.LoadAverage()}, {Environment.ProcessorCount} cores");
        var results = new List<string>();
        foreach (var nodes in new[] { 1, 2 })
        {
            results.Add($"{nodes} node{(nodes == 1 ? " " : "s")}: " + await NodesOnAsync(nodes, postgres, redis, cancellationToken));
        }
        Console.WriteLine();
        Console.WriteLine("== live-nodes summary (send → committed received)");
        foreach (var line in results)
        {
            Console.WriteLine("  " + line);
        }
    }

    private static async Task<string> NodesOnAsync(int nodes, string postgresAdmin, string redis, CancellationToken cancellationToken)
    {
        var root = NewRoot("live-nodes");
        var database = "annotator_bench_" + Guid.NewGuid().ToString("N")[..12];
        var settings = new Dictionary<string, string?>
        {
            ["Annotator:Database:Provider"] = "Postgres",
            ["Annotator:Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(postgresAdmin) { Database = database }.ToString(),
            ["Annotator:Live:Redis"] = redis,
            ["Annotator:Live:ChannelPrefix"] = "annotator-bench-" + Guid.NewGuid().ToString("N")[..12],
        };
        Console.WriteLine($"-- {nodes} node(s)");
        var apps = new List<BenchApp>();
        try
        {
            for (var n = 0; n < nodes; n++)
            {
                // One after the other: the first creates and migrates the database.
                apps.Add(await BenchApp.StartAsync(Path.Combine(root, "node" + n), settings));
            }
            var world = await LiveWorld.CreateAsync(apps[0], 1, HotClients, cancellationToken);
            var programs = new LiveClient[HotClients];
            for (var i = 0; i < HotClients; i++)
            {
                programs[i] = await LiveClient.ConnectAsync(i, apps[i % nodes].Address, world.Tokens[i], world.Images[0], cancellationToken);
            }
            var probe = new Probe(HotClients - 1);
            foreach (var program in programs)
            {
                program.Receipts = probe;
            }
            try
            {
                await DriveAsync(programs, probe, world.Taxonomy, WarmUp, measure: false, cancellationToken);
                var loadBefore = MachineLoad.LoadAverage();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                await DriveAsync(programs, probe, world.Taxonomy, Measured, measure: true, cancellationToken);
                var wall = clock.Elapsed;
                cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                var loadAfter = MachineLoad.LoadAverage();
                await Task.Delay(Straggler, cancellationToken);
                var line = probe.Report(wall, cpu, HotClients);
                Console.WriteLine($"  load average (1, 5, 15 min) before the measured minute {loadBefore}, after it {loadAfter}");
                return line + $"; load {loadBefore} → {loadAfter}";
            }
            finally
            {
                await Task.WhenAll(programs.Where(p => p is not null).Select(p => p.DisposeAsync().AsTask()));
            }
        }
        finally
        {
            foreach (var app in apps)
            {
                await app.DisposeAsync();
            }
            NpgsqlConnection.ClearAllPools();
            await using (var connection = new NpgsqlConnection(postgresAdmin))
            {
                await connection.OpenAsync(CancellationToken.None);
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
            }
            DeleteQuietly(root);
        }
    }

    public static async Task RunThroughputAsync(CancellationToken cancellationToken)
    {
        Console.WriteLine($"== live-throughput: {ThroughputClients} hub clients on {ThroughputClients} images, each sending its next operation " +
            $"when the answer to the last one arrives, {ThroughputMeasured.TotalSeconds:N0} s after {ThroughputWarmUp.TotalSeconds:N0} s warm-up");
        var results = new List<string> { await ThroughputOnAsync("SQLite", null, cancellationToken) };
        if (Environment.GetEnvironmentVariable("ANNOTATOR_BENCH_POSTGRES") is { Length: > 0 } postgres)
        {
            results.Add(await ThroughputOnAsync("PostgreSQL", postgres, cancellationToken));
        }
        else
        {
            Console.WriteLine("  (PostgreSQL skipped: set ANNOTATOR_BENCH_POSTGRES to an admin connection string to include it)");
        }
        Console.WriteLine();
        Console.WriteLine("== live-throughput summary");
        foreach (var line in results)
        {
            Console.WriteLine("  " + line);
        }
    }

    private static async Task<string> ThroughputOnAsync(string name, string? postgresAdmin, CancellationToken cancellationToken)
    {
        var root = NewRoot("live-throughput");
        var settings = new Dictionary<string, string?>();
        string? database = null;
        if (postgresAdmin is not null)
        {
            database = "annotator_bench_" + Guid.NewGuid().ToString("N")[..12];
            settings["Annotator:Database:Provider"] = "Postgres";
            settings["Annotator:Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(postgresAdmin) { Database = database }.ToString();
        }
        Console.WriteLine($"-- {name}");
        try
        {
            await using var app = await BenchApp.StartAsync(Path.Combine(root, "data"), settings);
            var world = await LiveWorld.CreateAsync(app, ThroughputClients, ThroughputClients, cancellationToken);
            var programs = new LiveClient[ThroughputClients];
            for (var i = 0; i < ThroughputClients; i++)
            {
                programs[i] = await LiveClient.ConnectAsync(i, app.Address, world.Tokens[i], world.Images[i], cancellationToken);
            }
            try
            {
                await SaturateAsync(programs, world.Taxonomy, ThroughputWarmUp, null, cancellationToken);
                var latencies = new ConcurrentBag<double>();
                var cpu = Process.GetCurrentProcess().TotalProcessorTime;
                var clock = Stopwatch.StartNew();
                var count = await SaturateAsync(programs, world.Taxonomy, ThroughputMeasured, latencies, cancellationToken);
                var seconds = clock.Elapsed.TotalSeconds;
                cpu = Process.GetCurrentProcess().TotalProcessorTime - cpu;
                var rate = count / seconds;
                var line = $"{name,-10} {rate,7:N0} operations/s acknowledged ({count:N0} in {seconds:N1} s); answer p50 " +
                    $"{Stats.Quantile(latencies, 0.5):N1} ms, p99 {Stats.Quantile(latencies, 0.99):N1} ms; process CPU {cpu.TotalSeconds / seconds:N2} of {Environment.ProcessorCount} cores";
                Console.WriteLine("   " + line);
                return line;
            }
            finally
            {
                await Task.WhenAll(programs.Where(p => p is not null).Select(p => p.DisposeAsync().AsTask()));
            }
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            NpgsqlConnection.ClearAllPools();
            if (database is not null)
            {
                await using var connection = new NpgsqlConnection(postgresAdmin);
                await connection.OpenAsync(CancellationToken.None);
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
            }
            DeleteQuietly(root);
        }
    }

    /// <summary>
    /// Sends <see cref="OperationsPerSecond"/> operations a second on a fixed schedule (open loop: a slow answer does not
    /// slow the senders down), alternately from a program on the busy image and from one elsewhere, each time from a
    /// program that has no operation on its way.
    /// </summary>
    private static async Task DriveAsync(LiveClient[] programs, Probe probe, TaxonomyDefinition taxonomy, TimeSpan duration, bool measure,
        CancellationToken cancellationToken)
    {
        var random = new Random(measure ? 2 : 1);
        var label = taxonomy.Labels.First(l => l.Name == "animal").Id;
        var interval = TimeSpan.FromSeconds(1.0 / OperationsPerSecond);
        var sent = new List<Task>();
        var start = Stopwatch.GetTimestamp();
        var total = (int)(duration / interval);
        for (var k = 0; k < total; k++)
        {
            var due = interval * k - Stopwatch.GetElapsedTime(start);
            if (due > TimeSpan.Zero)
            {
                await Task.Delay(due, cancellationToken);
            }
            var hot = k % 2 == 0 || programs.Length == HotClients;
            LiveClient? program = null;
            for (var attempt = 0; attempt < 20 && program is null; attempt++)
            {
                var candidate = hot ? programs[random.Next(HotClients)] : programs[HotClients + random.Next(programs.Length - HotClients)];
                program = candidate.Busy ? null : candidate;
            }
            if (program is null)
            {
                continue;
            }
            sent.Add(program.SendAsync(random, label, hot && measure ? probe : null, cancellationToken));
        }
        await Task.WhenAll(sent);
    }

    /// <summary>Every program sends its next operation as soon as the last one is answered, for <paramref name="duration"/>.</summary>
    private static async Task<int> SaturateAsync(LiveClient[] programs, TaxonomyDefinition taxonomy, TimeSpan duration,
        ConcurrentBag<double>? latencies, CancellationToken cancellationToken)
    {
        var label = taxonomy.Labels.First(l => l.Name == "animal").Id;
        var until = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var counts = await Task.WhenAll(programs.Select(async (program, i) =>
        {
            var random = new Random(i);
            var count = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                var started = Stopwatch.GetTimestamp();
                await program.SendAsync(random, label, null, cancellationToken);
                latencies?.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                count++;
            }
            return count;
        }));
        return counts.Sum();
    }

    /// <summary>The app's own timings of each stage of an edit (<see cref="EditMetrics"/>), every edit on every image.</summary>
    private sealed class EditStages : IDisposable
    {
        private readonly MeterListener _listener = new();
        private readonly ConcurrentDictionary<string, ConcurrentBag<double>> _values = new();

        public EditStages()
        {
            _listener.InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == EditMetrics.MeterName)
                {
                    listener.EnableMeasurementEvents(instrument);
                }
            };
            _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
                _values.GetOrAdd(instrument.Name, _ => []).Add(value));
            _listener.Start();
        }

        public void Report()
        {
            Console.WriteLine("  stages in the app, every edit (EditMetrics)");
            foreach (var name in new[] { "lock_wait", "check", "writer_wait", "commit", "publish" })
            {
                if (_values.TryGetValue("annotator.edit." + name, out var bag))
                {
                    var values = bag.ToArray();
                    Console.WriteLine($"    {name,-12} n {values.Length,5}  p50 {Stats.Quantile(values, 0.5),6:N1} ms  p99 {Stats.Quantile(values, 0.99),6:N1} ms  " +
                        $"max {values.DefaultIfEmpty(double.NaN).Max(),6:N1} ms");
                }
            }
        }

        public void Dispose() => _listener.Dispose();
    }

    private static string NewRoot(string name) =>
        Path.Combine(Path.GetTempPath(), "annotator-bench", name + "-" + Guid.NewGuid().ToString("N")[..12]);

    private static void DeleteQuietly(string path)
    {
        try
        {
            Directory.Delete(path, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    /// <summary>Users (labelers of one project, each with an API token) and images, made directly in the database.</summary>
    private sealed record LiveWorld(IReadOnlyList<int> Images, IReadOnlyList<string> Tokens, TaxonomyDefinition Taxonomy)
    {
        public static async Task<LiveWorld> CreateAsync(BenchApp app, int images, int users, CancellationToken cancellationToken)
        {
            var admin = await app.CreateAdminAsync("bench-admin@example.org");
            var projectId = await app.CreateProjectAsync("Live benchmark", admin.Id);
            var taxonomy = DemoTaxonomy.Create();
            var imageIds = new List<ImageRow>();
            await using (var db = await app.NewDbContextAsync())
            {
                var version = new TaxonomyVersion(projectId, 1, taxonomy, DateTime.UtcNow);
                version.Publish("Benchmark taxonomy.", DateTime.UtcNow);
                db.TaxonomyVersions.Add(version);
                for (var i = 0; i < images; i++)
                {
                    var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(i)));
                    var image = new ImageRow(projectId, $"live-{i}.jpg", sha, sha, ImageFormat.Jpeg, 250_000, 1155, 866, admin.Id, DateTime.UtcNow);
                    db.Images.Add(image);
                    imageIds.Add(image);
                }
                await db.SaveChangesAsync(cancellationToken);
            }

            var userIds = new List<string>();
            await using (var scope = app.Services.CreateAsyncScope())
            {
                var manager = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
                for (var i = 0; i < users; i++)
                {
                    var email = $"program{i}@example.org";
                    var user = new AppUser { UserName = email, Email = email, EmailConfirmed = true, DisplayName = $"Program {i}", CreatedAt = DateTime.UtcNow };
                    Check(await manager.CreateAsync(user));
                    Check(await manager.AddToRoleAsync(user, AppRoles.Labeler));
                    userIds.Add(user.Id);
                }
            }
            await using (var db = await app.NewDbContextAsync())
            {
                var project = await db.Projects.Include(p => p.Members).SingleAsync(p => p.Id == projectId, cancellationToken);
                foreach (var id in userIds)
                {
                    project.SetMember(id, Annotator.Core.Projects.ProjectRole.Labeler);
                }
                await db.SaveChangesAsync(cancellationToken);
            }
            var tokens = app.Services.GetRequiredService<ApiTokenService>();
            var secrets = new List<string>();
            foreach (var id in userIds)
            {
                var principal = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, id), new Claim(ClaimTypes.Role, AppRoles.Labeler)], "bench"));
                secrets.Add((await tokens.CreateAsync(principal, "live benchmark", null, cancellationToken)).Secret);
            }
            return new LiveWorld(imageIds.Select(i => i.Id).ToList(), secrets, taxonomy);
        }

        private static void Check(IdentityResult result)
        {
            if (!result.Succeeded)
            {
                throw new InvalidOperationException(string.Join(" ", result.Errors.Select(e => e.Description)));
            }
        }
    }

    /// <summary>
    /// One program: a hub connection joined to one image, with a box of its own that it moves (it creates it with its
    /// first operation), one operation on its way at most.
    /// </summary>
    private sealed class LiveClient : IAsyncDisposable
    {
        private readonly HubConnection _connection;
        private readonly int _index;
        private readonly int _imageId;
        private Guid? _region;
        private int _revision;
        private int _busy;

        private LiveClient(int index, HubConnection connection, int imageId)
        {
            _index = index;
            _connection = connection;
            _imageId = imageId;
        }

        /// <summary>Where this program reports the <c>committed</c> messages it receives (programs on the busy image).</summary>
        public Probe? Receipts { get; set; }

        /// <summary>An operation is on its way.</summary>
        public bool Busy => Volatile.Read(ref _busy) == 1;

        public static async Task<LiveClient> ConnectAsync(int index, Uri address, string token, int imageId, CancellationToken cancellationToken)
        {
            var connection = new HubConnectionBuilder()
                .WithUrl(new Uri(address, AnnotationsHub.Path), HttpTransportType.WebSockets, o =>
                {
                    o.AccessTokenProvider = () => Task.FromResult<string?>(token);
                    o.SkipNegotiation = true;
                })
                .Build();
            var program = new LiveClient(index, connection, imageId);
            connection.On<string>(AnnotationsHub.CommittedMessage, json =>
            {
                var received = Stopwatch.GetTimestamp();
                program.Receipts?.Received(program._index, json, received);
            });
            await connection.StartAsync(cancellationToken);
            await connection.InvokeAsync<string>("JoinImage", imageId, cancellationToken);
            return program;
        }

        /// <summary>Sends the next operation (create the box, then move it) and waits for its answer.</summary>
        public async Task SendAsync(Random random, Guid label, Probe? probe, CancellationToken cancellationToken)
        {
            Interlocked.Exchange(ref _busy, 1);
            try
            {
                var opId = Guid.NewGuid();
                var geometry = new { x = random.Next(0, 1000), y = random.Next(0, 700), w = random.Next(10, 150), h = random.Next(10, 150) };
                var operation = _region is { } region
                    ? JsonSerializer.Serialize(new { opId, type = "update", regionId = region, baseRevision = _revision, set = new { geometry } })
                    : JsonSerializer.Serialize(new
                    {
                        opId, type = "create",
                        region = new { id = Guid.NewGuid(), labelId = label, kind = "box", geometry, attributes = new { }, zOrder = 0, hidden = false, locked = false },
                    });
                probe?.Sending(opId, _index);
                var answer = await _connection.InvokeAsync<string>("Submit", _imageId, operation, cancellationToken);
                using var result = JsonDocument.Parse(answer);
                var root = result.RootElement;
                if (!root.GetProperty("ok").GetBoolean())
                {
                    throw new InvalidOperationException($"Operation refused: {answer}");
                }
                probe?.Answered(opId);
                _region = root.GetProperty("regionId").GetGuid();
                _revision = root.GetProperty("revision").GetInt32();
            }
            finally
            {
                Interlocked.Exchange(ref _busy, 0);
            }
        }

        public ValueTask DisposeAsync() => _connection.DisposeAsync();
    }

    /// <summary>The send time of each measured operation on the busy image and when each other program received it.</summary>
    private sealed class Probe(int receivers)
    {
        private readonly ConcurrentDictionary<Guid, Timing> _timings = new();

        public void Sending(Guid opId, int sender) => _timings[opId] = new Timing(sender, Stopwatch.GetTimestamp());

        public void Answered(Guid opId)
        {
            if (_timings.TryGetValue(opId, out var timing))
            {
                timing.AnsweredAt = Stopwatch.GetTimestamp();
            }
        }

        public void Received(int receiver, string json, long at)
        {
            // {"ok":true,"opId":"…",…}: the opId is the second property.
            var reader = new Utf8JsonReader(System.Text.Encoding.UTF8.GetBytes(json));
            while (reader.Read())
            {
                if (reader.TokenType == JsonTokenType.PropertyName && reader.ValueTextEquals("opId"))
                {
                    reader.Read();
                    if (_timings.TryGetValue(reader.GetGuid(), out var timing) && timing.Sender != receiver)
                    {
                        lock (timing)
                        {
                            timing.Receipts.Add(at);
                        }
                    }
                    return;
                }
            }
        }

        public string Report(TimeSpan wall, TimeSpan cpu, int clients)
        {
            static double Ms(long from, long to) => (to - from) * 1000.0 / Stopwatch.Frequency;
            var perReceipt = new List<double>();
            var last = new List<double>();
            var answers = new List<double>();
            var incomplete = 0;
            foreach (var timing in _timings.Values)
            {
                lock (timing)
                {
                    perReceipt.AddRange(timing.Receipts.Select(r => Ms(timing.SentAt, r)));
                    if (timing.Receipts.Count == receivers)
                    {
                        last.Add(Ms(timing.SentAt, timing.Receipts.Max()));
                    }
                    else
                    {
                        incomplete++;
                    }
                    if (timing.AnsweredAt is { } answered)
                    {
                        answers.Add(Ms(timing.SentAt, answered));
                    }
                }
            }
            var p99 = Stats.Quantile(last, 0.99);
            Console.WriteLine();
            Console.WriteLine($"== live summary ({_timings.Count} operations on the busy image in {wall.TotalSeconds:N1} s, {perReceipt.Count:N0} receipts by the {receivers} other programs)");
            Console.WriteLine($"  per receipt, send → committed received   p50 {Stats.Quantile(perReceipt, 0.5),6:N1} ms  p99 {Stats.Quantile(perReceipt, 0.99),6:N1} ms  max {perReceipt.DefaultIfEmpty(double.NaN).Max(),6:N1} ms");
            Console.WriteLine($"  last of the {receivers} receivers               p50 {Stats.Quantile(last, 0.5),6:N1} ms  p99 {p99,6:N1} ms  max {last.DefaultIfEmpty(double.NaN).Max(),6:N1} ms  " +
                $"{(p99 <= TargetP99Ms ? "MET" : "MISSED")} target p99 ≤ {TargetP99Ms:N0} ms");
            Console.WriteLine($"  sender's answer (Submit → result)       p50 {Stats.Quantile(answers, 0.5),6:N1} ms  p99 {Stats.Quantile(answers, 0.99),6:N1} ms");
            Console.WriteLine($"  operations not received by all {receivers} within {Straggler.TotalSeconds:N0} s: {incomplete}; " +
                $"process CPU {cpu.TotalSeconds / wall.TotalSeconds:N2} of {Environment.ProcessorCount} cores (app and {clients} clients)");
            return $"last of {receivers} receivers p50 {Stats.Quantile(last, 0.5),6:N1} ms, p99 {p99,6:N1} ms, max {last.DefaultIfEmpty(double.NaN).Max(),6:N1} ms; " +
                $"answer p99 {Stats.Quantile(answers, 0.99),6:N1} ms; {incomplete} not received by all";
        }

        private sealed class Timing(int sender, long sentAt)
        {
            public int Sender { get; } = sender;
            public long SentAt { get; } = sentAt;
            public long? AnsweredAt { get; set; }
            public List<long> Receipts { get; } = [];
        }
    }
}
