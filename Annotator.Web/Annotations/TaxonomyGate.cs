using Annotator.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Annotations;

/// <summary>
/// Keeps edits and publishing apart. An edit is checked against the newest published taxonomy and must commit under
/// that same version: otherwise a region with a label merged away a moment ago could land after the merge moved the
/// others. Inside its transaction an edit takes a shared lock on the project row and re-reads the newest version;
/// publishing takes the exclusive lock first, so it waits for edits in flight and edits wait for it. On SQLite every
/// write transaction is already exclusive (BEGIN IMMEDIATE), so the re-read is enough.
/// </summary>
public static class TaxonomyGate
{
    /// <summary>Whether <paramref name="versionId"/> is still the project's newest published version (call inside the edit's transaction).</summary>
    public static async Task<bool> IsCurrentAsync(AnnotatorDbContext db, int projectId, int versionId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""SELECT 1 FROM "Projects" WHERE "Id" = {projectId} FOR KEY SHARE""", cancellationToken);
        }
        var newest = await db.TaxonomyVersions.AsNoTracking()
            .Where(t => t.ProjectId == projectId && t.PublishedAt != null)
            .OrderByDescending(t => t.Number)
            .Select(t => (int?)t.Id)
            .FirstOrDefaultAsync(cancellationToken);
        return newest == versionId;
    }

    /// <summary>Takes the project's exclusive lock for publishing (call first inside the publishing transaction).</summary>
    public static async Task LockForPublishAsync(AnnotatorDbContext db, int projectId, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(db);
        if (db.Database.IsNpgsql())
        {
            await db.Database.ExecuteSqlInterpolatedAsync(
                $"""SELECT 1 FROM "Projects" WHERE "Id" = {projectId} FOR UPDATE""", cancellationToken);
        }
    }
}

/// <summary>A newer taxonomy version was published while an edit was being checked: the edit is checked again.</summary>
public sealed class TaxonomyMovedException() : Exception("A newer taxonomy version was published while the edit was checked.");
