using Annotator.Core.Projects;
using Annotator.Core.Taxonomy;
using Annotator.Web.Data;
using Annotator.Web.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Annotator.Web.Projects;

/// <summary>
/// Creates the demo project for the first admin: the sample images of DemoData/images (see DemoData/NOTICE.md),
/// ingested through the normal pipeline, and a small published taxonomy (person with the COCO skeleton, animal,
/// vehicle).
/// </summary>
public sealed class DemoProjectSeeder(
    IDbContextFactory<AnnotatorDbContext> dbFactory,
    ImageIngestService ingest,
    IOptions<ProjectOptions> options,
    TimeProvider clock,
    ILogger<DemoProjectSeeder> logger)
{
    /// <summary>The demo project's name.</summary>
    public const string ProjectName = "Demo: everyday scenes";

    /// <summary>Creates the project unless seeding is turned off.</summary>
    public async Task SeedAsync(AppUser admin, CancellationToken cancellationToken = default)
    {
        if (!options.Value.SeedDemoProject)
        {
            return;
        }
        var now = clock.GetUtcNow().UtcDateTime;
        var project = new Project(ProjectName,
            "Sample photographs and micrographs (public domain / CC0, see DemoData/NOTICE.md) to try Annotator with.",
            admin.Id, now);
        project.SetMember(admin.Id, ProjectRole.Reviewer);
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            db.Projects.Add(project);
            await db.SaveChangesAsync(cancellationToken);
            var taxonomy = new TaxonomyVersion(project.Id, 1, DemoTaxonomy.Create(), now);
            taxonomy.Publish("Demo taxonomy.", now);
            db.TaxonomyVersions.Add(taxonomy);
            await db.SaveChangesAsync(cancellationToken);
        }
        var folder = Path.Combine(AppContext.BaseDirectory, "DemoData", "images");
        if (!Directory.Exists(folder))
        {
            logger.LogWarning("Demo images not found at {Folder}; the demo project is empty.", folder);
            return;
        }
        foreach (var file in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            await using var stream = File.OpenRead(file);
            foreach (var result in await ingest.IngestUploadAsync(project.Id, admin.Id, Path.GetFileName(file), stream, cancellationToken))
            {
                if (result.Outcome == IngestOutcome.Refused)
                {
                    logger.LogWarning("Demo image {File} refused: {Error}", result.FileName, result.Error);
                }
            }
        }
    }
}
