using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Annotator.Core.Images;
using Annotator.Web.Data;
using Annotator.Web.Projects;
using Microsoft.AspNetCore.Identity;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Bench;

/// <summary>
/// Opening a project of 100,000 images: the calls the project page makes (counts by status, then one page of 60
/// tiles, first, deep or filtered) and the server-rendered page itself over HTTP for a signed-in admin. "Cold" is the
/// first call in a fresh process (a new runtime, SQLite connection pool and EF query cache), as after a restart;
/// "warm" is the median of repeated calls.
/// </summary>
internal static partial class GridBenchmark
{
    /// <summary>A project page should open within this.</summary>
    public const double TargetMs = 1000;

    private const string Email = "bench@example.org";
    private const int WarmRuns = 25;
    private const int PageSize = 60;

    // NaN marks a figure a run did not take (no warm figure in the cold processes).
    private static readonly JsonSerializerOptions Json = new() { NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals };

    public static async Task RunAsync(BenchOptions options, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), "annotator-bench", "grid-" + Guid.NewGuid().ToString("N")[..12]);
        var dataPath = Path.Combine(root, "data");
        Console.WriteLine($"== grid: a project of {options.GridImages:N0} images, SQLite, temp {root}");
        try
        {
            int projectId;
            await using (var app = await BenchApp.StartAsync(dataPath))
            {
                var admin = await app.CreateAdminAsync(Email);
                projectId = await app.CreateProjectAsync("Grid benchmark", admin.Id);
                var clock = Stopwatch.StartNew();
                await SeedAsync(app, projectId, admin.Id, options.GridImages, cancellationToken);
                Console.WriteLine($"  seeded {options.GridImages:N0} image rows in {clock.Elapsed.TotalSeconds:N1} s " +
                    $"(database {new FileInfo(Path.Combine(dataPath, "annotator.db")).Length / 1e6:N0} MB)");
            }
            SqliteConnection.ClearAllPools();

            // Cold: each case in its own process, so nothing is compiled, cached or pooled yet: the first user after a
            // restart signs in and opens the project.
            var results = new List<GridTiming>();
            var caseCount = Cases(null!, null, projectId, options.GridImages, cancellationToken).Count;
            for (var i = 0; i < caseCount; i++)
            {
                var output = Path.Combine(root, $"cold-{i}.json");
                var exit = await Program.RunChildAsync(["grid-cold", "--data", dataPath, "--project", projectId.ToString(),
                    "--case", i.ToString(), "--out", output, "--grid-images", options.GridImages.ToString()], cancellationToken);
                if (exit != 0)
                {
                    throw new InvalidOperationException($"The cold run of case {i} failed ({exit}).");
                }
                results.Add(JsonSerializer.Deserialize<GridTiming>(await File.ReadAllTextAsync(output, cancellationToken), Json)!);
            }

            // Warm: this process, after the cold runs; every case once untimed, then repeated.
            await using (var app = await BenchApp.StartAsync(dataPath))
            {
                using var client = await BenchClient.SignInAsync(app.Address, Email, BenchApp.Password, cancellationToken);
                var cases = Cases(app, client, projectId, options.GridImages, cancellationToken);
                foreach (var (name, run) in cases)
                {
                    await run();
                    var times = new List<double>();
                    for (var i = 0; i < WarmRuns; i++)
                    {
                        var clock = Stopwatch.StartNew();
                        await run();
                        times.Add(clock.Elapsed.TotalMilliseconds);
                    }
                    var index = results.FindIndex(r => r.Name == name);
                    results[index] = results[index] with { WarmMedianMs = Stats.Median(times), WarmP95Ms = Stats.Quantile(times, 0.95), WarmMinMs = times.Min() };
                }
            }

            Console.WriteLine();
            Console.WriteLine($"== grid summary ({options.GridImages:N0} images; warm = median of {WarmRuns}; ms)");
            Console.WriteLine($"  {"case",-66} {"cold",8} {"warm",8} {"p95",8} {"min",8}");
            foreach (var r in results)
            {
                Console.WriteLine($"  {r.Name,-66} {r.ColdMs,8:N1} {r.WarmMedianMs,8:N1} {r.WarmP95Ms,8:N1} {r.WarmMinMs,8:N1}");
            }
            var worst = results.Max(r => Math.Max(r.ColdMs, r.WarmMedianMs));
            Console.WriteLine($"  slowest figure {worst:N0} ms: {(worst < TargetMs ? "MET" : "MISSED")} target {TargetMs:N0} ms");
            Console.WriteLine($"  peak RSS (VmHWM) of this process {PhaseFigures.Mib(ProcessMemory.PeakWorkingSet())}");
        }
        finally
        {
            SqliteConnection.ClearAllPools();
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException e)
            {
                Console.Error.WriteLine($"Could not delete {root}: {e.Message}");
            }
        }
    }

    /// <summary>One case's cold figure, in a fresh process started by <see cref="RunAsync"/>.</summary>
    public static async Task RunColdAsync(string[] args, CancellationToken cancellationToken)
    {
        var dataPath = BenchOptions.Value(args, "--data")!;
        var projectId = int.Parse(BenchOptions.Value(args, "--project")!, CultureInfo.InvariantCulture);
        var index = int.Parse(BenchOptions.Value(args, "--case")!, CultureInfo.InvariantCulture);
        var output = BenchOptions.Value(args, "--out")!;
        var images = BenchOptions.Parse(args).GridImages;
        await using var app = await BenchApp.StartAsync(dataPath);
        using var client = await BenchClient.SignInAsync(app.Address, Email, BenchApp.Password, cancellationToken);
        var (name, run) = Cases(app, client, projectId, images, cancellationToken)[index];
        var clock = Stopwatch.StartNew();
        await run();
        var ms = clock.Elapsed.TotalMilliseconds;
        Console.WriteLine($"  cold  {name,-62} {ms,8:N1} ms");
        await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new GridTiming(name, ms, double.NaN, double.NaN, double.NaN), Json),
            cancellationToken);
    }

    /// <summary>The timed cases: service calls, then pages over HTTP (those need <paramref name="client"/>).</summary>
    private static List<(string Name, Func<Task> Run)> Cases(BenchApp app, BenchClient? client, int projectId, int images,
        CancellationToken cancellationToken)
    {
        var middle = Math.Max(1, (images + PageSize - 1) / PageSize / 2);
        var user = new Lazy<Task<ClaimsPrincipal>>(() => PrincipalAsync(app));
        async Task<T> Service<T>(Func<ProjectService, ClaimsPrincipal, Task<T>> call)
        {
            // A scope per call, as each Blazor circuit or request has its own.
            await using var scope = app.Services.CreateAsyncScope();
            return await call(scope.ServiceProvider.GetRequiredService<ProjectService>(), await user.Value);
        }
        var cases = new List<(string, Func<Task>)>
        {
            ("ProjectService.GetAsync + ImagesAsync page 1 (what the page loads)", async () =>
            {
                Expect((await Service((s, u) => s.GetAsync(u, projectId, cancellationToken)))?.ImageCount == images, "counts");
                Expect((await Service((s, u) => s.ImagesAsync(u, projectId, null, 1, PageSize, cancellationToken))).Items.Count == PageSize, "page 1");
            }),
            ("ProjectService.GetAsync (counts by status)", async () => Expect(
                (await Service((s, u) => s.GetAsync(u, projectId, cancellationToken)))?.ImageCount == images, "counts")),
            ("ProjectService.ImagesAsync page 1", async () => Expect(
                (await Service((s, u) => s.ImagesAsync(u, projectId, null, 1, PageSize, cancellationToken))).Items.Count == PageSize, "page 1")),
            ($"ProjectService.ImagesAsync page {middle:N0} (middle)", async () => Expect(
                (await Service((s, u) => s.ImagesAsync(u, projectId, null, middle, PageSize, cancellationToken))).Items.Count == PageSize, "middle page")),
            ("ProjectService.ImagesAsync status=Labeled page 1", async () => Expect(
                (await Service((s, u) => s.ImagesAsync(u, projectId, ImageStatus.Labeled, 1, PageSize, cancellationToken))).Items.Count == PageSize, "filtered page")),
        };
        cases.Add(("HTTP GET /projects/{id} (server-rendered page)", () => GetPageAsync(client!, $"/projects/{projectId}", images, cancellationToken)));
        cases.Add(($"HTTP GET /projects/{{id}}?page={middle}", () => GetPageAsync(client!, $"/projects/{projectId}?page={middle}", images, cancellationToken)));
        cases.Add(("HTTP GET /projects/{id}?status=Labeled", () => GetPageAsync(client!, $"/projects/{projectId}?status=Labeled", images, cancellationToken)));
        return cases;
    }

    /// <summary>The server-rendered project page; checks it shows the count and a full page of tiles.</summary>
    private static async Task GetPageAsync(BenchClient client, string path, int images, CancellationToken cancellationToken)
    {
        using var response = await client.Http.GetAsync(path, cancellationToken);
        var html = await response.Content.ReadAsStringAsync(cancellationToken);
        Expect(response.StatusCode == HttpStatusCode.OK, $"{path} answered {(int)response.StatusCode}");
        Expect(html.Contains($">{images:N0}</strong>", StringComparison.Ordinal), $"{path} shows no image count of {images:N0}");
        Expect(Tile().Count(html) == PageSize, $"{path} does not show {PageSize} tiles");
    }

    /// <summary>The admin as the app sees them after sign-in (id and role claims).</summary>
    internal static async Task<ClaimsPrincipal> PrincipalAsync(BenchApp app)
    {
        await using var scope = app.Services.CreateAsyncScope();
        var users = scope.ServiceProvider.GetRequiredService<UserManager<AppUser>>();
        var user = await users.FindByEmailAsync(Email) ?? throw new InvalidOperationException("No benchmark admin.");
        return await scope.ServiceProvider.GetRequiredService<IUserClaimsPrincipalFactory<AppUser>>().CreateAsync(user);
    }

    /// <summary>
    /// Writes the rows straight into SQLite in one transaction, as ingest would have left them (valid hashes, a spread
    /// of statuses), without files: the grid never opens them.
    /// </summary>
    internal static async Task SeedAsync(BenchApp app, int projectId, string userId, int count, CancellationToken cancellationToken)
    {
        await using var connection = new SqliteConnection(DataServiceExtensions.SqliteConnectionString(app.Options));
        await connection.OpenAsync(cancellationToken);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken);
        await using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText = """
            INSERT INTO Images (ProjectId, FileName, Sha256, DisplaySha256, Format, ByteLength, Width, Height, Status, NextSequence, UploadedById, CreatedAt)
            VALUES ($project, $name, $sha, $sha, $format, $length, $width, $height, $status, 1, $user, $created)
            """;
        var project = insert.Parameters.Add("$project", SqliteType.Integer);
        var name = insert.Parameters.Add("$name", SqliteType.Text);
        var sha = insert.Parameters.Add("$sha", SqliteType.Text);
        var format = insert.Parameters.Add("$format", SqliteType.Integer);
        var length = insert.Parameters.Add("$length", SqliteType.Integer);
        var width = insert.Parameters.Add("$width", SqliteType.Integer);
        var height = insert.Parameters.Add("$height", SqliteType.Integer);
        var status = insert.Parameters.Add("$status", SqliteType.Integer);
        var user = insert.Parameters.Add("$user", SqliteType.Text);
        var created = insert.Parameters.Add("$created", SqliteType.Text);
        insert.Prepare();
        project.Value = projectId;
        format.Value = (int)ImageFormat.Jpeg;
        user.Value = userId;
        var start = DateTime.UtcNow.AddDays(-30);
        var seed = new byte[8];
        for (var i = 0; i < count; i++)
        {
            BitConverter.TryWriteBytes(seed, ((long)projectId << 32) | (uint)i);
            sha.Value = Convert.ToHexStringLower(SHA256.HashData(seed));
            name.Value = $"IMG_{i:D6}.jpg";
            length.Value = 200_000 + (i * 7919 % 200_000);
            width.Value = 1155;
            height.Value = 866;
            status.Value = (int)StatusOf(i);
            created.Value = start.AddSeconds(i);
            await insert.ExecuteNonQueryAsync(cancellationToken);
        }
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>A fixed spread: most new, some in each later status (12% labeled).</summary>
    private static ImageStatus StatusOf(int i) => (i * 7919 % 100) switch
    {
        < 60 => ImageStatus.New,
        < 70 => ImageStatus.InProgress,
        < 82 => ImageStatus.Labeled,
        < 88 => ImageStatus.InReview,
        < 96 => ImageStatus.Accepted,
        _ => ImageStatus.Rejected,
    };

    private static void Expect(bool condition, string what)
    {
        if (!condition)
        {
            throw new InvalidOperationException("Unexpected result: " + what);
        }
    }

    [GeneratedRegex("data-testid=\"image-tile\"")]
    private static partial Regex Tile();

    /// <summary>One case's figures in milliseconds.</summary>
    internal sealed record GridTiming(string Name, double ColdMs, double WarmMedianMs, double WarmP95Ms, double WarmMinMs);
}
