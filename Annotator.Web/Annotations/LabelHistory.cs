using Annotator.Core.Annotations;
using Annotator.Core.Taxonomy;
using Annotator.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Annotations;

/// <summary>
/// Explains a refusal for a label the newest taxonomy no longer has, from the project's published versions: a labeler
/// who drew with 'car' a moment before an admin merged it into 'vehicle' is told exactly that.
/// </summary>
public sealed class LabelHistory(IDbContextFactory<AnnotatorDbContext> dbFactory)
{
    /// <summary><paramref name="message"/>, or a better one when it is <see cref="OperationValidator.UnknownLabel"/>.</summary>
    public async Task<string> ExplainAsync(int imageId, EditOperation operation, string message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(operation);
        var labelId = operation switch
        {
            CreateRegionOp create => create.Region.LabelId,
            UpdateRegionOp update => update.Set.LabelId,
            _ => null,
        };
        if (message != OperationValidator.UnknownLabel || labelId is not { } id)
        {
            return message;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var projectId = await db.Images.Where(i => i.Id == imageId).Select(i => (int?)i.ProjectId).FirstOrDefaultAsync(cancellationToken);
        if (projectId is null)
        {
            return message;
        }
        var versions = await db.TaxonomyVersions.AsNoTracking()
            .Where(v => v.ProjectId == projectId && v.PublishedAt != null)
            .OrderBy(v => v.Number).ToListAsync(cancellationToken);
        if (versions.Count == 0)
        {
            return message;
        }
        var newest = versions[^1].Definition;
        string? name = null;
        foreach (var version in versions)
        {
            var definition = version.Definition;
            if (definition.Labels.FirstOrDefault(l => l.Id == id) is { } label)
            {
                name = label.Name;
                continue;
            }
            if (name is null)
            {
                continue;
            }
            var merge = version.Draft.Migrations.OfType<MergeLabels>().LastOrDefault(m => m.From == id);
            if (merge is not null)
            {
                var into = FollowMerges(versions, merge.Into, version.Number);
                var intoName = newest.Labels.FirstOrDefault(l => l.Id == into)?.Name ?? "another label";
                return $"'{name}' was merged into '{intoName}' in taxonomy version {version.Number}; draw it as '{intoName}'.";
            }
            return $"'{name}' was removed from the taxonomy in version {version.Number}; choose another label.";
        }
        return message;
    }

    /// <summary>Where a label merged in one version ended up after later merges.</summary>
    private static Guid FollowMerges(List<TaxonomyVersion> versions, Guid labelId, int afterNumber)
    {
        var current = labelId;
        foreach (var version in versions.Where(v => v.Number > afterNumber))
        {
            if (version.Draft.Migrations.OfType<MergeLabels>().LastOrDefault(m => m.From == current) is { } merge)
            {
                current = merge.Into;
            }
        }
        return current;
    }
}
