using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Runtime;
using System.Text.Json;
using Annotator.Web.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Annotator.Bench;

/// <summary>
/// Ingest throughput: generated 1-megapixel JPEGs go through the real pipeline (spool and hash, decode and check,
/// thumbnail, content-addressed store, database row). The headline figure is the HTTP path a browser takes: one file
/// per multipart POST, a few requests in flight, signed in with cookie and antiforgery header.
/// </summary>
internal static class IngestBenchmark
{
    /// <summary>Images per second the ingest should reach on 2 cores.</summary>
    public const double Target = 150;

    /// <summary>
    /// Images ingested into another project before the clock starts, so the figure is the running server's rate and
    /// not the JIT compiling the pipeline on its first requests.
    /// </summary>
    public const int WarmUp = 256;

    // Warm-up ends once fewer methods than this are compiled per second, or after MaxWarmUp.
    private const double SettledJitRate = 20;
    private static readonly TimeSpan MaxWarmUp = TimeSpan.FromSeconds(60);

    /// <summary>Width of the generated images (1155×866 ≈ 1 megapixel, 4:3).</summary>
    public const int Width = 1155;
    /// <summary>Height of the generated images.</summary>
    public const int Height = 866;

    public static async Task RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), "annotator-bench", "ingest-" + Guid.NewGuid().ToString("N")[..12]);
        Console.WriteLine($"== ingest: {options.Images:N0} JPEGs of {Width}×{Height}, {options.Concurrency} at a time, " +
            $"{Environment.ProcessorCount} cores, temp {root}");
        try
        {
            var all = options.Input is null
                ? JpegGenerator.Generate(Path.Combine(root, "input"), options.Images + WarmUp, Width, Height, cancellationToken)
                : Directory.GetFiles(options.Input, "*.jpg").Order(StringComparer.Ordinal).Take(options.Images + WarmUp).ToArray();
            if (all.Count < options.Images + WarmUp)
            {
                throw new InvalidOperationException($"{options.Input} holds {all.Count:N0} JPEGs; {options.Images + WarmUp:N0} are needed.");
            }
            var files = all.Take(options.Images).ToArray();
            var warmUp = all.Skip(options.Images).ToArray();

            var results = new List<IngestRun>
            {
                await RunAsync("HTTP upload, SQLite", root, files, warmUp, options.Concurrency, viaHttp: true, postgresAdmin: null, cancellationToken),
                await RunAsync("ImageIngestService, SQLite", root, files, warmUp, options.Concurrency, viaHttp: false, postgresAdmin: null, cancellationToken),
            };
            if (Environment.GetEnvironmentVariable("ANNOTATOR_BENCH_POSTGRES") is { Length: > 0 } postgres)
            {
                results.Add(await RunAsync("HTTP upload, PostgreSQL", root, files, warmUp, options.Concurrency, viaHttp: true, postgres, cancellationToken));
            }
            else
            {
                Console.WriteLine("  (PostgreSQL skipped: set ANNOTATOR_BENCH_POSTGRES to an admin connection string to include it)");
            }

            Console.WriteLine();
            Console.WriteLine("== ingest summary");
            foreach (var run in results)
            {
                Console.WriteLine($"  {run.Name,-28} {run.ImagesPerSecond,7:N1} images/s  ({run.Seconds:N1} s for {run.Count:N0}; " +
                    $"second half {run.SecondHalfPerSecond:N1}/s; latency p50 {run.P50:N0} ms, p95 {run.P95:N0} ms)  " +
                    $"{(run.ImagesPerSecond >= Target ? "MET" : "MISSED")} target {Target:N0}/s");
                Console.WriteLine($"  {"",-28} {run.Figures}");
            }
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            DeleteQuietly(root);
        }
    }

    /// <summary>Generates the images and reports where one image's time goes, stage by stage.</summary>
    public static Task ProfileAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), "annotator-bench", "profile-" + Guid.NewGuid().ToString("N")[..12]);
        try
        {
            var files = JpegGenerator.Generate(Path.Combine(root, "input"), Math.Min(options.Images, 200), Width, Height, cancellationToken);
            IngestProfile.Run(files);
        }
        finally
        {
            DeleteQuietly(root);
        }
        return Task.CompletedTask;
    }

    private static async Task<IngestRun> RunAsync(string name, string root, IReadOnlyList<string> files, IReadOnlyList<string> warmUp,
        int concurrency, bool viaHttp, string? postgresAdmin, CancellationToken cancellationToken)
    {
        Console.WriteLine($"-- {name}");
        var databases = new List<string>();
        try
        {
            // Most of the warm-up runs on an app instance of its own; the measured one then starts in the same, warm
            // process on an empty data folder and database, so the warm-up's files and rows are not in its way. Data folders
            // are deleted only at the end: on this VM's ext4 without a journal, creating files right after deleting
            // thousands is markedly slower (the inode allocator skips recently deleted inodes).
            await using (var warm = await StartAsync(root, postgresAdmin, databases))
            {
                using var target = await IngestTarget.CreateAsync(warm, viaHttp, cancellationToken);
                await WarmUpAsync(warmUp, concurrency, async round =>
                {
                    var project = await warm.CreateProjectAsync($"Warm-up {round}", target.AdminId);
                    return (Func<string, Task<int>>)(f => target.IngestAsync(project, f, cancellationToken));
                }, cancellationToken);
            }

            // A new app instance compiles its own DI resolvers and the like: warm it up too. Its first round stores the
            // warm-up images afresh, so it deletes (almost) nothing.
            await using var app = await StartAsync(root, postgresAdmin, databases);
            using var measured = await IngestTarget.CreateAsync(app, viaHttp, cancellationToken);
            await WarmUpAsync(warmUp, concurrency, async round =>
            {
                var project = await app.CreateProjectAsync($"Warm-up {round}", measured.AdminId);
                return (Func<string, Task<int>>)(f => measured.IngestAsync(project, f, cancellationToken));
            }, cancellationToken);
            var projectId = await app.CreateProjectAsync("Ingest benchmark", measured.AdminId);

            // Start from a collected heap so the phase's GC figures are its own.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            await using var monitor = PhaseMonitor.Start();
            var clock = Stopwatch.StartNew();
            var (latencies, finished) = await IngestAllAsync(files, concurrency, f => measured.IngestAsync(projectId, f, cancellationToken),
                cancellationToken);
            clock.Stop();
            var figures = monitor.Read();

            await using (var db = await app.NewDbContextAsync())
            {
                var rows = await db.Images.CountAsync(i => i.ProjectId == projectId, cancellationToken);
                if (rows != files.Count)
                {
                    throw new InvalidOperationException($"{rows:N0} image rows after ingesting {files.Count:N0} files.");
                }
            }
            var thumbs = Directory.EnumerateFiles(Path.Combine(app.DataPath, "store", "thumbs"), "*.webp", SearchOption.AllDirectories).Count();
            if (thumbs != files.Count + warmUp.Count)
            {
                throw new InvalidOperationException($"{thumbs:N0} thumbnails after ingesting {files.Count:N0} files.");
            }

            var order = finished.Order().ToArray();
            var half = order.Length / 2;
            var run = new IngestRun(name, files.Count, clock.Elapsed.TotalSeconds,
                (order.Length - half) / Math.Max(1e-9, order[^1] - order[half - 1]),
                Stats.Quantile(latencies, 0.5), Stats.Quantile(latencies, 0.95), figures);
            Console.WriteLine($"   {run.ImagesPerSecond:N1} images/s, {run.Seconds:N1} s; {figures}");
            return run;
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            NpgsqlConnection.ClearAllPools();
            foreach (var database in databases)
            {
                await using var connection = new NpgsqlConnection(postgresAdmin);
                await connection.OpenAsync(CancellationToken.None);
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }

    /// <summary>Starts an app instance on a new data folder under <paramref name="root"/> (and a new PostgreSQL database if asked).</summary>
    private static Task<BenchApp> StartAsync(string root, string? postgresAdmin, List<string> databases)
    {
        var settings = new Dictionary<string, string?>();
        if (postgresAdmin is not null)
        {
            var database = "annotator_bench_" + Guid.NewGuid().ToString("N")[..12];
            databases.Add(database);
            settings["Annotator:Database:Provider"] = "Postgres";
            settings["Annotator:Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(postgresAdmin) { Database = database }.ToString();
        }
        return BenchApp.StartAsync(Path.Combine(root, "data-" + Guid.NewGuid().ToString("N")[..8]), settings);
    }

    /// <summary>
    /// Ingests the warm-up images into a new project per round until the JIT has settled or a minute has passed:
    /// tiered compilation (with dynamic PGO) keeps recompiling the hot paths for tens of seconds after start, and a
    /// server that has been up for a while no longer pays for that. Repeated rounds find the files already stored,
    /// but decode, thumbnail and insert as usual.
    /// </summary>
    private static async Task WarmUpAsync(IReadOnlyList<string> files, int concurrency, Func<int, Task<Func<string, Task<int>>>> round,
        CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        for (var i = 1; ; i++)
        {
            var ingest = await round(i);
            var jitted = JitInfo.GetCompiledMethodCount();
            var roundClock = Stopwatch.StartNew();
            await IngestAllAsync(files, concurrency, ingest, cancellationToken);
            var rate = (JitInfo.GetCompiledMethodCount() - jitted) / roundClock.Elapsed.TotalSeconds;
            if (rate < SettledJitRate || clock.Elapsed > MaxWarmUp)
            {
                Console.WriteLine($"   warm-up: {i} × {files.Count} images in {clock.Elapsed.TotalSeconds:N0} s; JIT at {rate:N0} methods/s at the end");
                return;
            }
        }
    }

    /// <summary>
    /// Ingests <paramref name="files"/> with <paramref name="concurrency"/> in flight; returns each file's latency (ms)
    /// and when it finished (s from the start).
    /// </summary>
    private static async Task<(double[] Latencies, double[] Finished)> IngestAllAsync(IReadOnlyList<string> files, int concurrency,
        Func<string, Task<int>> ingest, CancellationToken cancellationToken)
    {
        var latencies = new double[files.Count];
        var finished = new double[files.Count];
        var next = -1;
        var clock = Stopwatch.StartNew();
        var workers = Enumerable.Range(0, concurrency).Select(_ => Task.Run(async () =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < files.Count)
            {
                var started = clock.Elapsed;
                if (await ingest(files[i]) != 1)
                {
                    throw new InvalidOperationException($"{Path.GetFileName(files[i])} was not added.");
                }
                finished[i] = clock.Elapsed.TotalSeconds;
                latencies[i] = (clock.Elapsed - started).TotalMilliseconds;
            }
        }, cancellationToken)).ToArray();
        await Task.WhenAll(workers);
        return (latencies, finished);
    }

    /// <summary>One file per request, as the browser's upload panel sends them. Returns how many images were added.</summary>
    private static async Task<int> UploadAsync(BenchClient client, int projectId, string path, CancellationToken cancellationToken)
    {
        using var form = new MultipartFormDataContent();
        var file = new StreamContent(File.OpenRead(path), 81920);
        file.Headers.ContentType = new MediaTypeHeaderValue("image/jpeg");
        form.Add(file, "files", Path.GetFileName(path));
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{projectId}/images") { Content = form };
        request.Headers.Add("X-CSRF-TOKEN", client.AntiforgeryToken);
        using var response = await client.Http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            throw new InvalidOperationException($"Upload of {Path.GetFileName(path)} answered {(int)response.StatusCode}: " +
                await response.Content.ReadAsStringAsync(cancellationToken));
        }
        await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
        using var json = await JsonDocument.ParseAsync(body, cancellationToken: cancellationToken);
        return json.RootElement.GetProperty("added").GetInt32();
    }

    private static async Task<int> IngestDirectAsync(ImageIngestService ingest, int projectId, string userId, string path,
        CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        var results = await ingest.IngestUploadAsync(projectId, userId, Path.GetFileName(path), stream, cancellationToken);
        return results.Count(r => r.Outcome == IngestOutcome.Added);
    }

    private static void DeleteQuietly(string folder)
    {
        try
        {
            if (Directory.Exists(folder))
            {
                Directory.Delete(folder, recursive: true);
            }
        }
        catch (IOException e)
        {
            Console.Error.WriteLine($"Could not delete {folder}: {e.Message}");
        }
    }

    /// <summary>An admin of an app instance and the way files reach it: signed-in HTTP uploads, or the service itself.</summary>
    private sealed class IngestTarget(ImageIngestService ingest, string adminId, BenchClient? client) : IDisposable
    {
        public string AdminId { get; } = adminId;

        public static async Task<IngestTarget> CreateAsync(BenchApp app, bool viaHttp, CancellationToken cancellationToken)
        {
            var admin = await app.CreateAdminAsync("bench@example.org");
            var client = viaHttp ? await BenchClient.SignInAsync(app.Address, admin.Email!, BenchApp.Password, cancellationToken) : null;
            return new IngestTarget(app.Services.GetRequiredService<ImageIngestService>(), admin.Id, client);
        }

        /// <summary>Ingests one file; returns how many images were added.</summary>
        public Task<int> IngestAsync(int projectId, string file, CancellationToken cancellationToken) => client is not null
            ? UploadAsync(client, projectId, file, cancellationToken)
            : IngestDirectAsync(ingest, projectId, AdminId, file, cancellationToken);

        public void Dispose() => client?.Dispose();
    }

    private sealed record IngestRun(string Name, int Count, double Seconds, double SecondHalfPerSecond, double P50, double P95,
        PhaseFigures Figures)
    {
        public double ImagesPerSecond => Count / Seconds;
    }
}
