using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
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
        int concurrency, bool viaHttp,
        string? postgresAdmin, CancellationToken cancellationToken)
    {
        Console.WriteLine($"-- {name}");
        var dataPath = Path.Combine(root, "data-" + Guid.NewGuid().ToString("N")[..8]);
        var settings = new Dictionary<string, string?>();
        string? database = null;
        if (postgresAdmin is not null)
        {
            database = "annotator_bench_" + Guid.NewGuid().ToString("N")[..12];
            settings["Annotator:Database:Provider"] = "Postgres";
            settings["Annotator:Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(postgresAdmin) { Database = database }.ToString();
        }
        try
        {
            await using var app = await BenchApp.StartAsync(dataPath, settings);
            var admin = await app.CreateAdminAsync("bench@example.org");
            var projectId = await app.CreateProjectAsync("Ingest benchmark", admin.Id);
            using var client = viaHttp ? await BenchClient.SignInAsync(app.Address, admin.Email!, BenchApp.Password, cancellationToken) : null;
            var ingest = app.Services.GetRequiredService<ImageIngestService>();
            Task<int> IngestAsync(int project, string file) => client is not null
                ? UploadAsync(client, project, file, cancellationToken)
                : IngestDirectAsync(ingest, project, admin.Id, file, cancellationToken);

            var warmUpProject = await app.CreateProjectAsync("Warm-up", admin.Id);
            await IngestAllAsync(warmUp, concurrency, f => IngestAsync(warmUpProject, f), cancellationToken);

            // Start from a collected heap so the phase's GC figures are its own.
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            await using var monitor = PhaseMonitor.Start();
            var clock = Stopwatch.StartNew();
            var (latencies, finished) = await IngestAllAsync(files, concurrency, f => IngestAsync(projectId, f), cancellationToken);
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
            var thumbs = Directory.EnumerateFiles(Path.Combine(dataPath, "store", "thumbs"), "*.webp", SearchOption.AllDirectories).Count();
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
            if (database is not null)
            {
                NpgsqlConnection.ClearAllPools();
                await using var connection = new NpgsqlConnection(postgresAdmin);
                await connection.OpenAsync(CancellationToken.None);
                await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            DeleteQuietly(dataPath);
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

    private sealed record IngestRun(string Name, int Count, double Seconds, double SecondHalfPerSecond, double P50, double P95,
        PhaseFigures Figures)
    {
        public double ImagesPerSecond => Count / Seconds;
    }
}
