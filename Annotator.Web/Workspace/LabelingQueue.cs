using System.Security.Claims;
using Annotator.Core;
using Annotator.Core.Annotations;
using Annotator.Core.Images;
using Annotator.Core.Taxonomy;
using Annotator.Web.Data;
using Annotator.Web.Projects;
using Microsoft.EntityFrameworkCore;

using Annotator.Web.Annotations;

namespace Annotator.Web.Workspace;

/// <summary>
/// The labeler's way through a project: the next image to label, marking an image done, skipping one with a reason.
/// The image status follows: done by enough labelers (the project's overlap) makes it Labeled.
/// </summary>
public sealed class LabelingQueue(IDbContextFactory<AnnotatorDbContext> dbFactory, ImageLocks locks, PublishedTaxonomies taxonomies,
    TimeProvider clock)
{
    private static readonly ImageStatus[] Open = [ImageStatus.New, ImageStatus.InProgress, ImageStatus.Rejected];

    /// <summary>
    /// The next image the caller should label in the project: still open, not done by the caller, not skipped by the
    /// caller, and (with overlap N) not yet done by N labelers. The first such image after
    /// <paramref name="afterImageId"/> in the project's order (<see cref="ImageOrder"/>, the grid's), else the first from
    /// the start (also when <paramref name="afterImageId"/> is null); null when the queue is empty.
    /// </summary>
    public async Task<int?> NextAsync(ClaimsPrincipal user, int projectId, int? afterImageId, CancellationToken cancellationToken = default)
    {
        var userId = ProjectAccess.UserId(user);
        if (userId is null)
        {
            return null;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var overlap = await ProjectAccess.Visible(db, user).Where(p => p.Id == projectId).Select(p => (int?)p.Overlap)
            .FirstOrDefaultAsync(cancellationToken);
        if (overlap is null)
        {
            return null;
        }
        var candidates = db.Images.Where(i => i.ProjectId == projectId && Open.Contains(i.Status)
            && !db.ImageSkips.Any(s => s.ImageId == i.Id && s.UserId == userId));
        if (overlap > 1)
        {
            var done = db.AnnotationSets.Where(s => s.Kind == AnnotationSetKind.Labeler && s.SubmittedAt != null);
            candidates = candidates.Where(i => !done.Any(s => s.ImageId == i.Id && s.OwnerId == userId)
                && done.Count(s => s.ImageId == i.Id) < overlap);
        }
        var after = afterImageId ?? 0;
        return await candidates.Where(i => i.Id > after).InProjectOrder().Select(i => (int?)i.Id).FirstOrDefaultAsync(cancellationToken)
            ?? await candidates.Where(i => i.Id <= after).InProjectOrder().Select(i => (int?)i.Id).FirstOrDefaultAsync(cancellationToken);
    }

    /// <summary>
    /// The caller marks the image done. Refused (nothing changes) while a region misses a required attribute.
    /// Returns the image's new status.
    /// </summary>
    public async Task<ImageStatus> MarkDoneAsync(ClaimsPrincipal user, int imageId, CancellationToken cancellationToken = default)
    {
        using var _ = await locks.AcquireAsync(imageId, cancellationToken);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var context = await RequireEditableAsync(db, user, imageId, cancellationToken);
        var now = clock.GetUtcNow().UtcDateTime;
        var set = await context.FindSetAsync(db, cancellationToken);
        if (set is not null)
        {
            var regions = await db.Regions.AsNoTracking().Where(r => r.AnnotationSetId == set.Id && !r.IsDeleted)
                .Select(r => new { r.LabelId, r.Attributes }).ToListAsync(cancellationToken);
            var incomplete = regions.Count(r => RequiredAttributes.AreMissing(context.Taxonomy!, r.LabelId, r.Attributes));
            if (incomplete > 0)
            {
                throw new DomainException(incomplete == 1
                    ? "One region is missing a required attribute; fill it in before marking the image done."
                    : $"{incomplete} regions are missing required attributes; fill them in before marking the image done.");
            }
        }
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        if (set is null)
        {
            set = new AnnotationSet(imageId, AnnotationSetKind.Labeler, context.SetOwnerId, null, now);
            db.AnnotationSets.Add(set);
        }
        set.Submit(now);
        await db.SaveChangesAsync(cancellationToken);
        var submitted = await db.AnnotationSets.CountAsync(
            s => s.ImageId == imageId && s.Kind == AnnotationSetKind.Labeler && s.SubmittedAt != null, cancellationToken);
        if (submitted >= context.Overlap)
        {
            context.Image.LabelingDone();
        }
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return context.Image.Status;
    }

    /// <summary>The caller sets the image aside with a reason; it leaves their queue.</summary>
    public async Task SkipAsync(ClaimsPrincipal user, int imageId, string reason, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var context = await EditContext.LoadAsync(db, taxonomies, user, imageId, track: false, cancellationToken)
            ?? throw new DomainException("This image does not exist or you are not a member of its project.");
        var now = clock.GetUtcNow().UtcDateTime;
        var skip = await db.ImageSkips.FirstOrDefaultAsync(s => s.ImageId == imageId && s.UserId == context.UserId, cancellationToken);
        if (skip is null)
        {
            db.ImageSkips.Add(new ImageSkip(imageId, context.UserId, reason, now));
        }
        else
        {
            skip.Change(reason, now);
        }
        await db.SaveChangesAsync(cancellationToken);
    }

    /// <summary>Why the caller skipped the image, or null.</summary>
    public async Task<string?> SkipReasonAsync(ClaimsPrincipal user, int imageId, CancellationToken cancellationToken = default)
    {
        var userId = ProjectAccess.UserId(user);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await db.ImageSkips.Where(s => s.ImageId == imageId && s.UserId == userId).Select(s => s.Reason)
            .FirstOrDefaultAsync(cancellationToken);
    }

    private async Task<EditContext> RequireEditableAsync(AnnotatorDbContext db, ClaimsPrincipal user, int imageId,
        CancellationToken cancellationToken)
    {
        var context = await EditContext.LoadAsync(db, taxonomies, user, imageId, track: true, cancellationToken)
            ?? throw new DomainException("This image does not exist or you are not a member of its project.");
        return context.WhyReadOnly is { } reason ? throw new DomainException(reason) : context;
    }
}
