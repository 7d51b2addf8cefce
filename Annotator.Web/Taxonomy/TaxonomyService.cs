using System.Globalization;
using System.Security.Claims;
using Annotator.Core;
using Annotator.Core.Accounts;
using Annotator.Core.Annotations;
using Annotator.Core.Geometry;
using Annotator.Core.Taxonomy;
using Annotator.Core.Taxonomy.Interchange;
using Annotator.Web.Data;
using Annotator.Web.Feed;
using Annotator.Web.Projects;
using Annotator.Web.Annotations;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Taxonomy;

/// <summary>One taxonomy version as listed in the editor's history.</summary>
/// <param name="Id">Database id.</param>
/// <param name="Number">1, 2, 3… per project.</param>
/// <param name="IsPublished">False for the draft.</param>
/// <param name="CreatedAt">When the draft was started (UTC).</param>
/// <param name="PublishedAt">When it was published (UTC).</param>
/// <param name="ChangeNote">The admin's note.</param>
/// <param name="PublishedBy">Who published it.</param>
/// <param name="Revision">The draft's save counter (send it back when saving or publishing).</param>
public sealed record TaxonomyVersionInfo(int Id, int Number, bool IsPublished, DateTime CreatedAt, DateTime? PublishedAt,
    string ChangeNote, string? PublishedBy, int Revision);

/// <summary>Everything the taxonomy editor shows.</summary>
/// <param name="ProjectId">The project.</param>
/// <param name="ProjectName">Its name.</param>
/// <param name="CanEdit">Admins edit (not in an archived project); members see the taxonomy and its history read-only.</param>
/// <param name="Published">The newest published version, if any.</param>
/// <param name="PublishedDefinition">Its content.</param>
/// <param name="Draft">The unpublished draft, if one was saved.</param>
/// <param name="Working">The draft's content, or the published content when there is no draft yet.</param>
/// <param name="Versions">Every version, newest first.</param>
/// <param name="LabelUsage">Regions (not deleted) per label id, across the project.</param>
public sealed record TaxonomyEditorState(int ProjectId, string ProjectName, bool CanEdit, TaxonomyVersionInfo? Published,
    TaxonomyDefinition? PublishedDefinition, TaxonomyVersionInfo? Draft, TaxonomyDraft Working,
    IReadOnlyList<TaxonomyVersionInfo> Versions, IReadOnlyDictionary<Guid, int> LabelUsage);

/// <summary>What a merge would do, before the admin confirms it.</summary>
/// <param name="Regions">Regions (not deleted) that get the new label.</param>
/// <param name="Images">Images they are on.</param>
/// <param name="Attributes">Per attribute of the merged label: how many regions have a value, and where it goes.</param>
public sealed record MergePreview(int Regions, int Images, IReadOnlyList<AttributeMergePreview> Attributes);

/// <summary>One attribute in a <see cref="MergePreview"/>.</summary>
/// <param name="Name">The merged label's attribute.</param>
/// <param name="Values">Regions with a value for it.</param>
/// <param name="Into">The attribute it goes into, or null when the values are dropped.</param>
/// <param name="Misfits">Of those values, how many do not fit the target attribute (they are kept, and flagged).</param>
public sealed record AttributeMergePreview(string Name, int Values, string? Into, int Misfits);

/// <summary>What publishing the draft would do.</summary>
/// <param name="Changes">The differences from the published version.</param>
/// <param name="Regions">Regions publishing relabels or whose attribute values it rewrites.</param>
/// <param name="Problems">What stops it from being published (empty when it can be).</param>
public sealed record PublishPreview(IReadOnlyList<TaxonomyChange> Changes, int Regions, IReadOnlyList<string> Problems);

/// <summary>A published version.</summary>
/// <param name="Number">Its number.</param>
/// <param name="Changes">What changed.</param>
/// <param name="Regions">Regions relabeled or with rewritten values.</param>
public sealed record PublishResult(int Number, IReadOnlyList<TaxonomyChange> Changes, int Regions);

/// <summary>The formats a taxonomy can be imported from.</summary>
public enum TaxonomyFormat
{
    /// <summary>Decide from the content: XML is a Label Studio config, a JSON array CVAT's labels, a JSON object ours.</summary>
    Auto,

    /// <summary>Our JSON (docs/taxonomy-json.md).</summary>
    Annotator,

    /// <summary>A Label Studio labeling config (XML).</summary>
    LabelStudio,

    /// <summary>CVAT's label JSON (Project → Constructor → Raw).</summary>
    Cvat,
}

/// <summary>An imported taxonomy, fitted onto the project's, as a draft to look at before saving.</summary>
/// <param name="Draft">The draft (not saved yet).</param>
/// <param name="Notes">What the importer dropped or changed, and which used labels were kept.</param>
public sealed record ImportedTaxonomy(TaxonomyDraft Draft, IReadOnlyList<string> Notes);

/// <summary>An image with regions waiting to be relabeled (their label was split).</summary>
/// <param name="ImageId">The image.</param>
/// <param name="FileName">Its file name.</param>
/// <param name="Regions">How many of its regions wait.</param>
/// <param name="Labels">The split labels they have.</param>
public sealed record RelabelItem(int ImageId, string FileName, int Regions, IReadOnlyList<string> Labels);

/// <summary>
/// The taxonomy editor's server side: the draft (saved with a revision so two admins do not overwrite each other),
/// previews, publishing (which migrates existing annotations in the same transaction and tells every open workspace),
/// the history and diffs, and the relabeling queue. Edits need an application admin; reading needs project membership.
/// </summary>
public sealed class TaxonomyService(IDbContextFactory<AnnotatorDbContext> dbFactory, ProjectAccess access, TimeProvider clock,
    IFeed feed, EditBroadcaster broadcaster, ILogger<TaxonomyService> logger)
{
    /// <summary>Regions relabeled per round trip while publishing.</summary>
    private const int Batch = 2_000;

    /// <summary>The editor's state, or null when the project does not exist or the caller is not in it.</summary>
    public async Task<TaxonomyEditorState?> LoadAsync(ClaimsPrincipal user, int projectId, CancellationToken cancellationToken = default)
    {
        var permission = await access.ForProjectAsync(user, projectId, cancellationToken);
        if (permission is null)
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var name = await db.Projects.Where(p => p.Id == projectId).Select(p => p.Name).FirstAsync(cancellationToken);
        var versions = await VersionsAsync(db, projectId, cancellationToken);
        var published = versions.FirstOrDefault(v => v.IsPublished);
        // An unpublished draft is the admins' work in progress; members see what is in effect.
        var draft = permission.IsAdmin ? versions.FirstOrDefault(v => !v.IsPublished) : null;
        if (!permission.IsAdmin)
        {
            versions = [.. versions.Where(v => v.IsPublished)];
        }
        TaxonomyDefinition? publishedDefinition = null;
        if (published is not null)
        {
            publishedDefinition = TaxonomyDefinition.FromJson(await DocumentAsync(db, published.Id, cancellationToken));
        }
        TaxonomyDraft working;
        if (draft is not null)
        {
            var row = await db.TaxonomyVersions.AsNoTracking().FirstAsync(v => v.Id == draft.Id, cancellationToken);
            working = row.Draft;
        }
        else
        {
            working = TaxonomyDraft.From(publishedDefinition ?? new TaxonomyDefinition());
        }
        var usage = await UsageAsync(db, projectId, cancellationToken);
        // Archived projects are read-only, for admins too (RequireAdminAsync refuses their edits).
        return new TaxonomyEditorState(projectId, name, permission.IsAdmin && !permission.IsArchived, published, publishedDefinition, draft, working, versions, usage);
    }

    /// <summary>
    /// Saves the draft (starting one numbered after the newest version when there is none). <paramref name="expectedRevision"/>
    /// is the revision the editor loaded (null when it started from the published version).
    /// </summary>
    /// <exception cref="DomainException">Not an admin, the draft is not valid, or someone else saved it meanwhile.</exception>
    public async Task<TaxonomyVersionInfo> SaveDraftAsync(ClaimsPrincipal user, int projectId, TaxonomyDraft draft, int? expectedRevision,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        await RequireAdminAsync(user, projectId, cancellationToken);
        var problems = draft.Validate();
        if (problems.Count > 0)
        {
            throw new DomainException(string.Join(" ", problems));
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var row = await db.TaxonomyVersions.FirstOrDefaultAsync(v => v.ProjectId == projectId && v.PublishedAt == null, cancellationToken);
        if (row is null)
        {
            if (expectedRevision is not null)
            {
                throw new DomainException("The draft you were editing was published or discarded meanwhile; reload to start from the newest version.");
            }
            var number = (await db.TaxonomyVersions.Where(v => v.ProjectId == projectId).MaxAsync(v => (int?)v.Number, cancellationToken) ?? 0) + 1;
            row = new TaxonomyVersion(projectId, number, draft.Definition, clock.GetUtcNow().UtcDateTime);
            row.Edit(draft);
            db.TaxonomyVersions.Add(row);
        }
        else
        {
            if (row.Revision != expectedRevision)
            {
                throw new DomainException("Someone else saved this draft meanwhile; reload to see their changes before saving yours.");
            }
            row.Edit(draft);
        }
        try
        {
            await db.SaveChangesAsync(cancellationToken);
        }
        catch (DbUpdateException)
        {
            throw new DomainException("Someone else saved this draft at the same moment; reload to see their changes before saving yours.");
        }
        return Info(row, null);
    }

    /// <summary>Throws the draft away; the published version stays as it is.</summary>
    public async Task DiscardDraftAsync(ClaimsPrincipal user, int projectId, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(user, projectId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.TaxonomyVersions.Where(v => v.ProjectId == projectId && v.PublishedAt == null).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>Regions (not deleted) per label across the project.</summary>
    public async Task<IReadOnlyDictionary<Guid, int>> LabelUsageAsync(ClaimsPrincipal user, int projectId, CancellationToken cancellationToken = default)
    {
        _ = await access.ForProjectAsync(user, projectId, cancellationToken)
            ?? throw new DomainException("This project does not exist or you are not a member of it.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await UsageAsync(db, projectId, cancellationToken);
    }

    /// <summary>What merging <paramref name="fromId"/> into <paramref name="intoId"/> would do to existing regions.</summary>
    public async Task<MergePreview> PreviewMergeAsync(ClaimsPrincipal user, int projectId, TaxonomyDraft draft, Guid fromId, Guid intoId,
        IReadOnlyList<AttributeMapping> attributes, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(draft);
        ArgumentNullException.ThrowIfNull(attributes);
        await RequireAdminAsync(user, projectId, cancellationToken);
        var merged = draft.Merge(fromId, intoId, attributes); // refuses what Merge would refuse
        var from = draft.Label(fromId);
        var into = merged.Label(intoId);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var regions = await RegionsOf(db, projectId, [fromId]).Where(r => !r.IsDeleted)
            .Select(r => new { r.Attributes, r.AnnotationSetId }).ToListAsync(cancellationToken);
        var setIds = regions.Select(r => r.AnnotationSetId).Distinct().ToList();
        var images = await db.AnnotationSets.Where(s => setIds.Contains(s.Id)).Select(s => s.ImageId).Distinct().CountAsync(cancellationToken);
        var previews = new List<AttributeMergePreview>();
        foreach (var attribute in from.Attributes)
        {
            var mapping = attributes.FirstOrDefault(m => m.From == attribute.Id);
            var target = mapping?.Into is { } targetId ? into.Attributes.FirstOrDefault(a => a.Id == targetId) : null;
            var values = 0;
            var misfits = 0;
            foreach (var region in regions)
            {
                if (AttributeText.Value(region.Attributes, attribute.Id) is { } value)
                {
                    values++;
                    if (target is not null && AttributeValues.ProblemWith(target, value) is not null)
                    {
                        misfits++;
                    }
                }
            }
            previews.Add(new AttributeMergePreview(attribute.Name, values, target?.Name, misfits));
        }
        return new MergePreview(regions.Count, images, previews);
    }

    /// <summary>What publishing the saved draft would change, and what stops it.</summary>
    public async Task<PublishPreview> PreviewPublishAsync(ClaimsPrincipal user, int projectId, CancellationToken cancellationToken = default)
    {
        await RequireAdminAsync(user, projectId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var draft = await db.TaxonomyVersions.AsNoTracking().FirstOrDefaultAsync(v => v.ProjectId == projectId && v.PublishedAt == null, cancellationToken)
            ?? throw new DomainException("There is no draft to publish; change something first.");
        var previous = await NewestPublishedAsync(db, projectId, cancellationToken);
        var content = draft.Draft;
        var problems = new List<string>(content.Validate());
        problems.AddRange(await StillUsedAsync(db, projectId, previous?.Definition, content, cancellationToken));
        var regions = 0;
        if (previous is not null)
        {
            var migrator = new TaxonomyMigrator(previous.Definition, content.Definition, content.Migrations);
            if (migrator.ChangesAnnotations)
            {
                var affected = migrator.AffectedLabels.ToList();
                var rows = await RegionsOf(db, projectId, affected).Where(r => !r.IsDeleted)
                    .Select(r => new { r.LabelId, r.Attributes, r.Kind, r.Geometry }).ToListAsync(cancellationToken);
                regions = rows.Count(r => migrator.Migrate(r.LabelId, r.Attributes, r.Kind == ShapeKind.Keypoints ? r.Geometry : null) is not null);
            }
        }
        var changes = TaxonomyDiff.Between(previous?.Definition ?? new TaxonomyDefinition(), content.Definition, content.Migrations);
        return new PublishPreview(changes, regions, problems);
    }

    /// <summary>
    /// Publishes the saved draft: it becomes an immutable version, existing annotations are migrated in the same
    /// transaction (merges relabel, value mappings rewrite, removed attributes' values go; each change of a live region
    /// is a logged operation with the image's next sequence number), and every open workspace of the project is told.
    /// </summary>
    /// <exception cref="DomainException">Not an admin, no draft, the draft changed since <paramref name="expectedRevision"/>, or it cannot be published.</exception>
    public async Task<PublishResult> PublishAsync(ClaimsPrincipal user, int projectId, string? changeNote, int expectedRevision,
        CancellationToken cancellationToken = default)
    {
        var caller = await RequireAdminAsync(user, projectId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        await TaxonomyGate.LockForPublishAsync(db, projectId, cancellationToken);
        var draft = await db.TaxonomyVersions.FirstOrDefaultAsync(v => v.ProjectId == projectId && v.PublishedAt == null, cancellationToken)
            ?? throw new DomainException("There is no draft to publish; change something first.");
        if (draft.Revision != expectedRevision)
        {
            throw new DomainException("The draft changed since you looked at it (someone else saved it); reload and check it before publishing.");
        }
        var previous = await NewestPublishedAsync(db, projectId, cancellationToken);
        var content = draft.Draft;
        var problems = new List<string>(content.Validate());
        problems.AddRange(await StillUsedAsync(db, projectId, previous?.Definition, content, cancellationToken));
        if (problems.Count > 0)
        {
            throw new DomainException(string.Join(" ", problems));
        }
        draft.Publish(changeNote, now, caller.UserId);
        var migrated = 0;
        var committed = new List<MigratedOperation>();
        if (previous is not null)
        {
            var migrator = new TaxonomyMigrator(previous.Definition, content.Definition, content.Migrations);
            if (migrator.ChangesAnnotations)
            {
                migrated = await MigrateAsync(db, projectId, migrator, draft.Id, caller, now, committed, cancellationToken);
            }
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);

        var changes = TaxonomyDiff.Between(previous?.Definition ?? new TaxonomyDefinition(), content.Definition, content.Migrations);
        logger.LogInformation("Taxonomy version {Number} of project {ProjectId} published by {UserId}: {Changes} changes, {Regions} regions migrated.",
            draft.Number, projectId, caller.UserId, changes.Count, migrated);
        var notice = new TaxonomyNotice(projectId, draft.Id, draft.Number, caller.Name, [.. changes.Select(c => c.Text)], migrated);
        await feed.PublishAsync(new FeedEnvelope(FeedTopics.Taxonomy, projectId.ToString(CultureInfo.InvariantCulture), notice.ToJson()), cancellationToken);
        // The migrated regions go out like any other committed operation, image by image in sequence order, so open
        // workspaces and hub clients update on their normal stream, without reloading.
        foreach (var migratedOperation in committed)
        {
            await broadcaster.PublishAsync(migratedOperation.Operation, migratedOperation.SetOwnerId);
        }
        return new PublishResult(draft.Number, changes, migrated);
    }

    /// <summary>What changed from version <paramref name="fromNumber"/> to <paramref name="toNumber"/> (either order; the draft counts).</summary>
    public async Task<IReadOnlyList<TaxonomyChange>> DiffAsync(ClaimsPrincipal user, int projectId, int fromNumber, int toNumber,
        CancellationToken cancellationToken = default)
    {
        var permission = await access.ForProjectAsync(user, projectId, cancellationToken)
            ?? throw new DomainException("This project does not exist or you are not a member of it.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var (low, high) = fromNumber <= toNumber ? (fromNumber, toNumber) : (toNumber, fromNumber);
        var rows = await db.TaxonomyVersions.AsNoTracking()
            .Where(v => v.ProjectId == projectId && v.Number >= low && v.Number <= high && (permission.IsAdmin || v.PublishedAt != null))
            .OrderBy(v => v.Number).ToListAsync(cancellationToken);
        var older = rows.FirstOrDefault(v => v.Number == low) ?? throw new DomainException($"There is no version {low}.");
        var newer = rows.FirstOrDefault(v => v.Number == high) ?? throw new DomainException($"There is no version {high}.");
        var migrations = rows.Where(v => v.Number > low).SelectMany(v => v.Draft.Migrations).ToList();
        return TaxonomyDiff.Between(older.Definition, newer.Definition, migrations);
    }

    /// <summary>The definition of version <paramref name="number"/> (null: the newest published one).</summary>
    public async Task<TaxonomyDefinition> DefinitionAsync(ClaimsPrincipal user, int projectId, int? number, CancellationToken cancellationToken = default)
    {
        var permission = await access.ForProjectAsync(user, projectId, cancellationToken)
            ?? throw new DomainException("This project does not exist or you are not a member of it.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        // The draft is the admins' work in progress: members read published versions only.
        var query = db.TaxonomyVersions.AsNoTracking().Where(v => v.ProjectId == projectId && (permission.IsAdmin || v.PublishedAt != null));
        query = number is { } n ? query.Where(v => v.Number == n) : query.Where(v => v.PublishedAt != null).OrderByDescending(v => v.Number);
        var document = await query.Select(v => v.Document).FirstOrDefaultAsync(cancellationToken)
            ?? throw new DomainException(number is null ? "No taxonomy version is published yet." : $"There is no version {number}.");
        return TaxonomyDefinition.FromJson(document);
    }

    /// <summary>Images with regions whose label was split, most waiting first.</summary>
    public async Task<IReadOnlyList<RelabelItem>> RelabelQueueAsync(ClaimsPrincipal user, int projectId, CancellationToken cancellationToken = default)
    {
        _ = await access.ForProjectAsync(user, projectId, cancellationToken)
            ?? throw new DomainException("This project does not exist or you are not a member of it.");
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var current = await NewestPublishedAsync(db, projectId, cancellationToken);
        var split = current?.Definition.Labels.Where(l => l.SplitInto.Count > 0).ToDictionary(l => l.Id, l => l.Name) ?? [];
        if (split.Count == 0)
        {
            return [];
        }
        var ids = split.Keys.ToList();
        var rows = await (from r in db.Regions
                          join s in db.AnnotationSets on r.AnnotationSetId equals s.Id
                          join i in db.Images on s.ImageId equals i.Id
                          where i.ProjectId == projectId && !r.IsDeleted && ids.Contains(r.LabelId)
                          select new { i.Id, i.FileName, r.LabelId }).ToListAsync(cancellationToken);
        return [.. rows.GroupBy(r => (r.Id, r.FileName))
            .Select(g => new RelabelItem(g.Key.Id, g.Key.FileName, g.Count(), [.. g.Select(r => split[r.LabelId]).Distinct().Order()]))
            .OrderByDescending(i => i.Regions).ThenBy(i => i.ImageId)];
    }

    /// <summary>Version <paramref name="number"/> (null: the newest published one) in our JSON format.</summary>
    public async Task<string> ExportAsync(ClaimsPrincipal user, int projectId, int? number, CancellationToken cancellationToken = default)
    {
        var definition = await DefinitionAsync(user, projectId, number, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var name = await db.Projects.Where(p => p.Id == projectId).Select(p => p.Name).FirstAsync(cancellationToken);
        return TaxonomyJson.Export(definition, name);
    }

    /// <summary>
    /// Reads a taxonomy file and fits it onto <paramref name="current"/> (the editor's draft): labels with the same
    /// place and name keep their ids and annotations; labels the file lacks that regions use are kept, deprecated, with
    /// a note; unused ones go; the draft's pending merges, splits and value mappings stay where the file still has what
    /// they need (<see cref="TaxonomyAdoption.CarryOver"/>), each kept or dropped one a note. Nothing is saved.
    /// </summary>
    /// <exception cref="DomainException">Not an admin, or the file is malformed, hostile or too big (the message says which).</exception>
    public async Task<ImportedTaxonomy> ImportAsync(ClaimsPrincipal user, int projectId, TaxonomyDraft current, TaxonomyFormat format,
        string content, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(content);
        await RequireAdminAsync(user, projectId, cancellationToken);
        var (imported, notes) = Read(format, content);
        var adopted = TaxonomyAdoption.Adopt(current.Definition, imported);
        var usage = await LabelUsageAsync(user, projectId, cancellationToken);
        var kept = adopted.Labels.Select(l => l.Id).ToHashSet();
        var labels = adopted.Labels.ToList();
        var allNotes = notes.ToList();
        foreach (var missing in current.Definition.Labels.Where(l => !kept.Contains(l.Id) && usage.GetValueOrDefault(l.Id) > 0))
        {
            var parent = missing.ParentId is { } p && kept.Contains(p) ? p : (Guid?)null;
            var name = missing.Name;
            for (var n = 2; labels.Any(l => l.ParentId == parent && string.Equals(l.Name, name, StringComparison.OrdinalIgnoreCase)); n++)
            {
                name = $"{missing.Name} ({n})";
            }
            var hotkeyFree = missing.Hotkey is null || labels.All(l => !string.Equals(l.Hotkey, missing.Hotkey, StringComparison.OrdinalIgnoreCase));
            labels.Add(missing with { ParentId = parent, Deprecated = true, Name = name, Hotkey = hotkeyFree ? missing.Hotkey : null, SplitInto = [] });
            var count = usage[missing.Id];
            allNotes.Add($"'{missing.Name}' is not in the file but {count} region{(count == 1 ? " uses" : "s use")} it: kept, deprecated.");
        }
        // Pending merges, splits and value mappings of the draft stay where the file still has their labels.
        Dictionary<Guid, string> names;
        await using (var db = await dbFactory.CreateDbContextAsync(cancellationToken))
        {
            var published = await NewestPublishedAsync(db, projectId, cancellationToken);
            names = (published?.Definition.Labels ?? []).Concat(current.Definition.Labels).Concat(labels)
                .GroupBy(l => l.Id).ToDictionary(g => g.Key, g => g.Last().Name);
        }
        var (carried, migrations, migrationNotes) = TaxonomyAdoption.CarryOver(current.Migrations, adopted with { Labels = labels },
            id => names.GetValueOrDefault(id, "a removed label"));
        allNotes.AddRange(migrationNotes);
        var draft = new TaxonomyDraft(carried, migrations);
        var problems = draft.Validate();
        if (problems.Count > 0)
        {
            throw new DomainException("The imported taxonomy cannot be used here: " + string.Join(" ", problems));
        }
        return new ImportedTaxonomy(draft, allNotes);
    }

    private static (TaxonomyDefinition Taxonomy, IReadOnlyList<string> Notes) Read(TaxonomyFormat format, string content)
    {
        if (content.Length > InterchangeLimits.MaxTaxonomyJsonCharacters)
        {
            throw new DomainException($"The file is larger than {InterchangeLimits.MaxTaxonomyJsonCharacters / (1024 * 1024)} MB.");
        }
        var text = content.TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (format == TaxonomyFormat.Auto)
        {
            format = text.StartsWith('<') ? TaxonomyFormat.LabelStudio
                : text.StartsWith('[') ? TaxonomyFormat.Cvat
                : text.StartsWith('{') ? TaxonomyFormat.Annotator
                : throw new DomainException("The file is neither JSON nor XML: choose our JSON, a Label Studio labeling config (XML) or CVAT's label JSON.");
        }
        switch (format)
        {
            case TaxonomyFormat.LabelStudio:
            {
                var result = LabelStudioConfig.Import(content);
                return (result.Taxonomy, result.Notes);
            }
            case TaxonomyFormat.Cvat:
            {
                var result = CvatLabels.Import(content);
                return (result.Taxonomy, result.Notes);
            }
            default:
                return (TaxonomyJson.Import(content), []);
        }
    }

    /// <summary>
    /// Migrates the regions of the affected labels. The regions are read untracked and written with prepared statements
    /// (<see cref="BulkRows{T}"/>): with the change tracker, a merge of 50,000 regions spent most of its time in EF's
    /// bookkeeping. Sets and images (a few hundred) stay tracked and are saved with the version.
    /// </summary>
    private async Task<int> MigrateAsync(AnnotatorDbContext db, int projectId, TaxonomyMigrator migrator, int versionId, (string UserId, string Name) caller,
        DateTime now, List<MigratedOperation> committed, CancellationToken cancellationToken)
    {
        var userId = caller.UserId;
        var affected = migrator.AffectedLabels.ToList();
        var ids = await RegionsOf(db, projectId, affected).Select(r => r.Id).ToListAsync(cancellationToken);
        var migrated = 0;
        await using var updates = BulkRows<Region>.Update(db, r => r.Id, r => r.Revision,
            r => r.LabelId, r => r.Attributes, r => r.TaxonomyVersionId, r => r.Revision, r => r.UpdatedAt, r => r.UpdatedById,
            r => r.LabelRevision, r => r.Geometry, r => r.GeometryRevision);
        await using var log = BulkRows<OperationLogEntry>.Insert(db);
        foreach (var chunk in ids.Chunk(Batch))
        {
            var regions = await db.Regions.AsNoTracking().Where(r => chunk.Contains(r.Id)).ToListAsync(cancellationToken);
            var setIds = regions.Select(r => r.AnnotationSetId).Distinct().ToList();
            var sets = await db.AnnotationSets.Where(s => setIds.Contains(s.Id)).ToDictionaryAsync(s => s.Id, cancellationToken);
            var imageIds = sets.Values.Select(s => s.ImageId).Distinct().ToList();
            var images = await db.Images.Where(i => imageIds.Contains(i.Id)).ToDictionaryAsync(i => i.Id, cancellationToken);
            foreach (var region in regions.OrderBy(r => r.AnnotationSetId).ThenBy(r => r.Id))
            {
                var keypoints = region.Kind == ShapeKind.Keypoints ? region.Geometry : null;
                if (migrator.Migrate(region.LabelId, region.Attributes, keypoints) is not { } result)
                {
                    continue;
                }
                var baseRevision = region.Revision;
                var labelChanged = result.LabelId != region.LabelId;
                var attributesChanged = result.Attributes != region.Attributes;
                region.Migrate(result.LabelId, result.Attributes, versionId, now, userId, result.Geometry);
                await updates.AddAsync(region, baseRevision, cancellationToken);
                if (region.IsDeleted)
                {
                    continue; // carried along quietly, so a restore brings back a valid label; nobody sees it
                }
                migrated++;
                var set = sets[region.AnnotationSetId];
                var image = images[set.ImageId];
                var sequence = image.TakeSequenceNumber();
                var previous = set.LastSequence;
                set.Advance(sequence);
                var op = new UpdateRegionOp(Guid.NewGuid(), region.Id, baseRevision,
                    new RegionChanges(Geometry: result.Geometry, LabelId: labelChanged ? result.LabelId : null,
                        Attributes: attributesChanged || labelChanged ? result.Attributes : null));
                await log.AddAsync(new OperationLogEntry(image.Id, sequence, userId, op.OpId, op.Type, OperationJson.Serialize(op), now, set.Id),
                    cancellationToken: cancellationToken);
                committed.Add(new MigratedOperation(set.OwnerId, new CommittedOperation(op.OpId, image.Id, sequence, previous, userId, caller.Name,
                    image.Status, op.Type, RegionId: region.Id, Region: new RegionState(region.ToData(), region.Revision), Revision: region.Revision)));
            }
        }
        await updates.CompleteAsync(cancellationToken);
        await log.CompleteAsync(cancellationToken);
        return migrated;
    }

    private static IQueryable<Region> RegionsOf(AnnotatorDbContext db, int projectId, List<Guid> labelIds) =>
        from r in db.Regions
        join s in db.AnnotationSets on r.AnnotationSetId equals s.Id
        join i in db.Images on s.ImageId equals i.Id
        where i.ProjectId == projectId && labelIds.Contains(r.LabelId)
        select r;

    /// <summary>Labels gone from the draft (not merged away) that regions still use: someone drew with them after the admin removed them.</summary>
    private static async Task<IReadOnlyList<string>> StillUsedAsync(AnnotatorDbContext db, int projectId, TaxonomyDefinition? previous,
        TaxonomyDraft draft, CancellationToken cancellationToken)
    {
        if (previous is null)
        {
            return [];
        }
        var kept = draft.Definition.Labels.Select(l => l.Id).ToHashSet();
        kept.UnionWith(draft.Migrations.OfType<MergeLabels>().Select(m => m.From));
        var removed = previous.Labels.Where(l => !kept.Contains(l.Id)).ToDictionary(l => l.Id, l => l.Name);
        if (removed.Count == 0)
        {
            return [];
        }
        var ids = removed.Keys.ToList();
        var counts = await RegionsOf(db, projectId, ids).Where(r => !r.IsDeleted).GroupBy(r => r.LabelId)
            .Select(g => new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return [.. counts.Select(c => $"'{removed[c.Key]}' is used by {c.Count} region{(c.Count == 1 ? "" : "s")} (drawn after it was removed from the draft); merge it into another label or deprecate it instead.")];
    }

    private static async Task<Dictionary<Guid, int>> UsageAsync(AnnotatorDbContext db, int projectId, CancellationToken cancellationToken)
    {
        var counts = await (from r in db.Regions
                            join s in db.AnnotationSets on r.AnnotationSetId equals s.Id
                            join i in db.Images on s.ImageId equals i.Id
                            where i.ProjectId == projectId && !r.IsDeleted
                            group r by r.LabelId into g
                            select new { g.Key, Count = g.Count() }).ToListAsync(cancellationToken);
        return counts.ToDictionary(c => c.Key, c => c.Count);
    }

    private static async Task<TaxonomyVersion?> NewestPublishedAsync(AnnotatorDbContext db, int projectId, CancellationToken cancellationToken) =>
        await db.TaxonomyVersions.AsNoTracking().Where(v => v.ProjectId == projectId && v.PublishedAt != null)
            .OrderByDescending(v => v.Number).FirstOrDefaultAsync(cancellationToken);

    private static Task<string> DocumentAsync(AnnotatorDbContext db, int id, CancellationToken cancellationToken) =>
        db.TaxonomyVersions.AsNoTracking().Where(v => v.Id == id).Select(v => v.Document).FirstAsync(cancellationToken);

    private static async Task<IReadOnlyList<TaxonomyVersionInfo>> VersionsAsync(AnnotatorDbContext db, int projectId, CancellationToken cancellationToken)
    {
        var rows = await db.TaxonomyVersions.AsNoTracking().Where(v => v.ProjectId == projectId)
            .OrderByDescending(v => v.Number)
            .Select(v => new
            {
                v.Id, v.Number, v.PublishedAt, v.CreatedAt, v.ChangeNote, v.Revision,
                By = db.Users.Where(u => u.Id == v.PublishedById).Select(u => u.DisplayName).FirstOrDefault(),
            })
            .ToListAsync(cancellationToken);
        return [.. rows.Select(v => new TaxonomyVersionInfo(v.Id, v.Number, v.PublishedAt is not null, v.CreatedAt, v.PublishedAt, v.ChangeNote, v.By, v.Revision))];
    }

    private static TaxonomyVersionInfo Info(TaxonomyVersion v, string? by) =>
        new(v.Id, v.Number, v.IsPublished, v.CreatedAt, v.PublishedAt, v.ChangeNote, by, v.Revision);

    private async Task<(string UserId, string Name)> RequireAdminAsync(ClaimsPrincipal user, int projectId, CancellationToken cancellationToken)
    {
        var permission = await access.ForProjectAsync(user, projectId, cancellationToken)
            ?? throw new DomainException("This project does not exist or you are not a member of it.");
        if (!permission.IsAdmin || !user.IsInRole(AppRoles.Admin))
        {
            throw new DomainException("Only admins may change the taxonomy.");
        }
        if (permission.IsArchived)
        {
            throw new DomainException("The project is archived; its taxonomy can no longer change.");
        }
        var userId = ProjectAccess.UserId(user)!;
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var name = await db.Users.Where(u => u.Id == userId).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken);
        return (userId, name ?? "");
    }
}

/// <summary>A region publishing migrated, as its annotation set's stream gets it once the publication is committed.</summary>
/// <param name="SetOwnerId">The set's owner (null: the shared set).</param>
/// <param name="Operation">The committed operation.</param>
internal sealed record MigratedOperation(string? SetOwnerId, CommittedOperation Operation);
