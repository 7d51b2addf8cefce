using System.Collections.Concurrent;
using Annotator.Core.Taxonomy;
using Annotator.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Annotations;

/// <summary>A project's newest published taxonomy version.</summary>
/// <param name="Id">Database id of the version.</param>
/// <param name="Number">Version number.</param>
/// <param name="Definition">Its content.</param>
public sealed record PublishedTaxonomy(int Id, int Number, TaxonomyDefinition Definition);

/// <summary>
/// The newest published taxonomy of a project, looked up for every edit operation. Published versions never change,
/// so each document is parsed once and kept by version id; only the (small) lookup of the newest id hits the database.
/// </summary>
public sealed class PublishedTaxonomies
{
    private const int Kept = 256;
    private readonly ConcurrentDictionary<int, TaxonomyDefinition> _definitions = new();

    /// <summary>The project's newest published version, or null when none is published.</summary>
    public async Task<PublishedTaxonomy?> NewestAsync(AnnotatorDbContext db, int projectId, CancellationToken cancellationToken)
    {
        var newest = await db.TaxonomyVersions.AsNoTracking()
            .Where(t => t.ProjectId == projectId && t.PublishedAt != null)
            .OrderByDescending(t => t.Number)
            .Select(t => new { t.Id, t.Number })
            .FirstOrDefaultAsync(cancellationToken);
        if (newest is null)
        {
            return null;
        }
        if (!_definitions.TryGetValue(newest.Id, out var definition))
        {
            var document = await db.TaxonomyVersions.AsNoTracking().Where(t => t.Id == newest.Id).Select(t => t.Document)
                .FirstAsync(cancellationToken);
            definition = TaxonomyDefinition.FromJson(document);
            if (_definitions.Count >= Kept)
            {
                _definitions.Clear();
            }
            _definitions[newest.Id] = definition;
        }
        return new PublishedTaxonomy(newest.Id, newest.Number, definition);
    }
}
