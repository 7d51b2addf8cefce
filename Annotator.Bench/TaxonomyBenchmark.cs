using System.Diagnostics;
using Annotator.Core.Annotations;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;
using Annotator.Web.Taxonomy;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Annotator.Bench;

/// <summary>
/// Publishing a taxonomy version that merges a label used by 50,000 regions (with an attribute mapped): the preview the
/// admin sees before confirming, and the publish itself, which relabels every region as a logged, sequenced operation
/// in one transaction. SQLite (and PostgreSQL with ANNOTATOR_BENCH_POSTGRES), on the real app's services.
/// </summary>
internal static class TaxonomyBenchmark
{
    /// <summary>Publishing such a merge should take no longer than this.</summary>
    public const double TargetSeconds = 10;

    private const int Images = 500;

    /// <summary>Runs on SQLite, then on PostgreSQL too when ANNOTATOR_BENCH_POSTGRES holds an admin connection string.</summary>
    public static async Task RunAsync(int regions, CancellationToken cancellationToken)
    {
        await RunAsync(regions, null, cancellationToken);
        if (Environment.GetEnvironmentVariable("ANNOTATOR_BENCH_POSTGRES") is { Length: > 0 } postgres)
        {
            await RunAsync(regions, postgres, cancellationToken);
        }
    }

    private static async Task RunAsync(int regions, string? postgresAdmin, CancellationToken cancellationToken)
    {
        var root = Path.Combine(Path.GetTempPath(), "annotator-bench", "taxonomy-" + Guid.NewGuid().ToString("N")[..12]);
        var database = postgresAdmin is null ? null : "annotator_bench_" + Guid.NewGuid().ToString("N")[..12];
        Console.WriteLine($"== taxonomy: merge a label used by {regions:N0} regions on {Images} images, {(database is null ? "SQLite" : "PostgreSQL")}, temp {root}");
        try
        {
            var settings = new Dictionary<string, string?>();
            if (database is not null)
            {
                settings["Annotator:Database:Provider"] = "Postgres";
                settings["Annotator:Database:ConnectionString"] = new NpgsqlConnectionStringBuilder(postgresAdmin) { Database = database }.ToString();
            }
            await using var app = await BenchApp.StartAsync(Path.Combine(root, "data"), settings);
            var admin = await app.CreateAdminAsync("bench@example.org");
            var project = await app.CreateProjectAsync("Taxonomy benchmark", admin.Id);
            var taxonomy = DemoTaxonomy.Create();
            int versionId;
            await using (var db = await app.NewDbContextAsync())
            {
                var version = new TaxonomyVersion(project, 1, taxonomy, DateTime.UtcNow);
                version.Publish("starter", DateTime.UtcNow);
                db.TaxonomyVersions.Add(version);
                await db.SaveChangesAsync(cancellationToken);
                versionId = version.Id;
            }
            await SeedImagesAsync(app, project, admin.Id, cancellationToken);
            var vehicle = taxonomy.Labels.Single(l => l.Name == "vehicle");
            var person = taxonomy.Labels.Single(l => l.Name == "person");
            var kind = vehicle.Attributes.Single(a => a.Name == "kind").Id;
            var pose = person.Attributes.Single(a => a.Name == "pose").Id;
            var seeding = Stopwatch.StartNew();
            await SeedRegionsAsync(app, project, admin.Id, versionId, vehicle.Id, person.Id, kind, regions, cancellationToken);
            Console.WriteLine($"  seeded {regions:N0} vehicle regions (+{regions / 4:N0} person) in {seeding.Elapsed.TotalSeconds:N1} s");

            var user = await GridBenchmark.PrincipalAsync(app);
            var service = app.Services.GetRequiredService<TaxonomyService>();
            var state = (await service.LoadAsync(user, project, cancellationToken))!;
            AttributeMapping[] mapping = [new(kind, pose)];
            var clock = Stopwatch.StartNew();
            var preview = await service.PreviewMergeAsync(user, project, state.Working, vehicle.Id, person.Id, mapping, cancellationToken);
            var previewSeconds = clock.Elapsed.TotalSeconds;
            var saved = await service.SaveDraftAsync(user, project, state.Working.Merge(vehicle.Id, person.Id, mapping), null, cancellationToken);
            clock.Restart();
            var result = await service.PublishAsync(user, project, "merge vehicle into person", saved.Revision, cancellationToken);
            var publishSeconds = clock.Elapsed.TotalSeconds;

            await using (var db = await app.NewDbContextAsync())
            {
                var left = await db.Regions.CountAsync(r => r.LabelId == vehicle.Id, cancellationToken);
                var log = await db.OperationLog.CountAsync(cancellationToken);
                if (left != 0 || result.Regions != regions || log != regions)
                {
                    throw new InvalidOperationException($"The merge is incomplete: {left} regions still vehicle, {result.Regions} migrated, {log} log rows.");
                }
            }
            Console.WriteLine($"  preview: {preview.Regions:N0} regions on {preview.Images:N0} images in {previewSeconds:N2} s");
            Console.WriteLine($"  publish: {result.Regions:N0} regions relabeled and logged in {publishSeconds:N2} s " +
                $"({result.Regions / publishSeconds:N0} regions/s); target ≤ {TargetSeconds:N0} s: {(publishSeconds <= TargetSeconds ? "MET" : "MISSED")}");
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
            try
            {
                Directory.Delete(root, recursive: true);
            }
            catch (IOException)
            {
                // A file still held open; the temp folder is cleaned up by the OS eventually.
            }
        }
    }

    /// <summary>The image rows (no files: publishing never opens them), through EF so that both databases take them.</summary>
    private static async Task SeedImagesAsync(BenchApp app, int projectId, string userId, CancellationToken cancellationToken)
    {
        await using var db = await app.NewDbContextAsync();
        var now = DateTime.UtcNow;
        for (var i = 0; i < Images; i++)
        {
            var sha = Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(BitConverter.GetBytes(((long)projectId << 32) | (uint)i)));
            db.Images.Add(new Annotator.Core.Images.Image(projectId, $"IMG_{i:D6}.jpg", sha, sha, Annotator.Core.Images.ImageFormat.Jpeg, 200_000,
                1155, 866, userId, now));
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    private static async Task SeedRegionsAsync(BenchApp app, int projectId, string userId, int versionId, Guid vehicle, Guid person,
        Guid kind, int regions, CancellationToken cancellationToken)
    {
        await using var db = await app.NewDbContextAsync();
        db.ChangeTracker.AutoDetectChangesEnabled = false;
        var images = await db.Images.Where(i => i.ProjectId == projectId).Select(i => i.Id).ToListAsync(cancellationToken);
        var now = DateTime.UtcNow;
        var sets = images.Select(id => new AnnotationSet(id, AnnotationSetKind.Labeler, null, null, now)).ToList();
        db.AnnotationSets.AddRange(sets);
        await db.SaveChangesAsync(cancellationToken);
        var perImage = regions / sets.Count;
        var geometry = """{"x":10,"y":20,"w":30,"h":40}""";
        var attributes = $$"""{"{{kind}}":"car"}""";
        for (var s = 0; s < sets.Count; s++)
        {
            for (var i = 0; i < perImage + perImage / 4; i++)
            {
                var isVehicle = i < perImage;
                db.Regions.Add(new Region(Guid.NewGuid(), sets[s].Id, isVehicle ? vehicle : person, versionId, ShapeKind.Box, geometry,
                    isVehicle ? attributes : "{}", userId, now));
            }
            if (s % 50 == 49)
            {
                await db.SaveChangesAsync(cancellationToken);
                db.ChangeTracker.Clear();
            }
        }
        await db.SaveChangesAsync(cancellationToken);
    }
}
