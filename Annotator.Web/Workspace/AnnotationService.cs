using System.Security.Claims;
using Annotator.Core;
using Annotator.Core.Annotations;
using Annotator.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Web.Workspace;

/// <summary>The regions and answers of an image as one person's workspace shows them.</summary>
/// <param name="Context">Who, which image, which taxonomy, may they edit.</param>
/// <param name="Regions">The regions of the caller's set with their revisions, in drawing order.</param>
/// <param name="Answers">Answers to image-level questions (JSON values) by question id.</param>
public sealed record WorkspaceSnapshot(
    EditContext Context,
    IReadOnlyList<RegionState> Regions,
    IReadOnlyDictionary<Guid, string> Answers);

/// <summary>A region with its revision.</summary>
/// <param name="Data">Its content.</param>
/// <param name="Revision">Bumped by every change.</param>
public sealed record RegionState(RegionData Data, int Revision);

/// <summary>
/// Applies edit operations: the one way annotations change. Each operation is checked against the caller's rights,
/// the image and the newest published taxonomy, then persisted with the image's next sequence number and an
/// operation-log entry in one transaction — durable before it is acknowledged. A refused operation changes nothing.
/// </summary>
public sealed class AnnotationService(
    IDbContextFactory<AnnotatorDbContext> dbFactory,
    ImageLocks locks,
    PublishedTaxonomies taxonomies,
    TimeProvider clock,
    ILogger<AnnotationService> logger)
{
    private const int Attempts = 4;

    /// <summary>What the caller's workspace shows for the image, or null when the caller may not see it.</summary>
    public async Task<WorkspaceSnapshot?> LoadAsync(ClaimsPrincipal user, int imageId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var context = await EditContext.LoadAsync(db, taxonomies, user, imageId, track: false, cancellationToken);
        if (context is null)
        {
            return null;
        }
        var set = await context.FindSetAsync(db, cancellationToken);
        IReadOnlyList<RegionState> regions = [];
        IReadOnlyDictionary<Guid, string> answers = new Dictionary<Guid, string>();
        if (set is not null)
        {
            var rows = await db.Regions.AsNoTracking().Where(r => r.AnnotationSetId == set.Id && !r.IsDeleted)
                .OrderBy(r => r.ZOrder).ThenBy(r => r.CreatedAt).ToListAsync(cancellationToken);
            regions = rows.Select(r => new RegionState(r.ToData(), r.Revision)).ToList();
            answers = await db.ImageAnswers.AsNoTracking().Where(a => a.AnnotationSetId == set.Id)
                .ToDictionaryAsync(a => a.QuestionId, a => a.Value, cancellationToken);
        }
        return new WorkspaceSnapshot(context, regions, answers);
    }

    /// <summary>Parses and applies an operation sent by a client as JSON.</summary>
    public async Task<EditOutcome> ApplyJsonAsync(ClaimsPrincipal user, int imageId, string json, CancellationToken cancellationToken = default)
    {
        EditOperation operation;
        try
        {
            operation = OperationJson.Parse(json);
        }
        catch (DomainException e)
        {
            return EditOutcome.Refused(Guid.Empty, e.Message);
        }
        return await ApplyAsync(user, imageId, operation, cancellationToken);
    }

    /// <summary>Applies an operation, or refuses it with the reason and changes nothing.</summary>
    public async Task<EditOutcome> ApplyAsync(ClaimsPrincipal user, int imageId, EditOperation operation,
        CancellationToken cancellationToken = default)
    {
        using var _ = await locks.AcquireAsync(imageId, cancellationToken);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await TryApplyAsync(user, imageId, operation, cancellationToken);
            }
            catch (DomainException e)
            {
                return EditOutcome.Refused(operation.OpId, e.Message);
            }
            catch (DbUpdateException e) when (attempt < Attempts)
            {
                // Another node committed to this image (sequence or revision moved): reload and decide again.
                logger.LogDebug(e, "Operation {OpId} on image {ImageId} collided; attempt {Attempt}.", operation.OpId, imageId, attempt);
            }
        }
    }

    private async Task<EditOutcome> TryApplyAsync(ClaimsPrincipal user, int imageId, EditOperation operation,
        CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var context = await EditContext.LoadAsync(db, taxonomies, user, imageId, track: true, cancellationToken)
            ?? throw new DomainException("This image does not exist or you are not a member of its project.");
        if (context.WhyReadOnly is { } reason)
        {
            throw new DomainException(reason);
        }
        var earlier = await db.OperationLog.AsNoTracking()
            .Where(o => o.ImageId == imageId && o.AuthorId == context.UserId && o.ClientOpId == operation.OpId)
            .Select(o => new { o.Sequence, o.Payload })
            .FirstOrDefaultAsync(cancellationToken);
        if (earlier is not null)
        {
            return await RepeatAsync(db, context, OperationJson.Parse(earlier.Payload), earlier.Sequence, cancellationToken);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var set = await context.FindSetAsync(db, cancellationToken);
        var validator = new OperationValidator(context.Taxonomy!, context.Image.Width, context.Image.Height);
        var versionId = context.TaxonomyVersionId!.Value;
        // Everything is checked before anything is written; the new set (first edit of this image) and the edit itself
        // commit together.
        await using var transaction = await db.Database.BeginTransactionAsync(cancellationToken);
        EditOutcome outcome;
        if (operation is AnswerOp answer)
        {
            var applied = (AnswerOp)validator.Validate(answer, null);
            set ??= await AddSetAsync(db, context, now, cancellationToken);
            var row = await db.ImageAnswers.FirstOrDefaultAsync(a => a.AnnotationSetId == set.Id && a.QuestionId == answer.QuestionId, cancellationToken);
            var previous = row?.Value ?? "null";
            if (row is null)
            {
                db.ImageAnswers.Add(new ImageAnswer(set.Id, answer.QuestionId, applied.ValueJson, 1));
            }
            else
            {
                row.Change(applied.ValueJson);
            }
            outcome = new EditOutcome(operation.OpId, null, applied, AuthorId: context.UserId, PreviousAnswer: previous);
        }
        else
        {
            var regionId = operation switch
            {
                CreateRegionOp c => c.Region.Id,
                UpdateRegionOp u => u.RegionId,
                DeleteRegionOp d => d.RegionId,
                _ => throw new DomainException($"Unknown operation '{operation.Type}'."),
            };
            var target = await db.Regions.FirstOrDefaultAsync(r => r.Id == regionId, cancellationToken);
            if (target is not null && target.AnnotationSetId != set?.Id)
            {
                throw new DomainException(operation is CreateRegionOp
                    ? "That region id is already in use; create the region with a new id."
                    : "That region is not on this image.");
            }
            var applied = validator.Validate(operation, target);
            var before = target is { IsDeleted: false } ? target.ToData() : null;
            set ??= await AddSetAsync(db, context, now, cancellationToken);
            switch (applied)
            {
                case CreateRegionOp create when target is null:
                    target = new Region(create.Region, set.Id, versionId, context.UserId, now);
                    db.Regions.Add(target);
                    break;
                case CreateRegionOp restore:
                    target!.Restore(restore.Region, versionId, now);
                    break;
                case UpdateRegionOp update:
                    target!.Apply(update.Set, versionId, now);
                    break;
                case DeleteRegionOp:
                    target!.Delete(now);
                    break;
            }
            outcome = new EditOutcome(operation.OpId, null, applied, AuthorId: context.UserId,
                Region: target!.IsDeleted ? null : target.ToData(), Revision: target.Revision, Before: before);
        }

        context.Image.Edited();
        set.Reopen();
        var sequence = context.Image.TakeSequenceNumber();
        db.OperationLog.Add(new OperationLogEntry(imageId, sequence, context.UserId, operation.OpId, outcome.Applied!.Type,
            OperationJson.Serialize(outcome.Applied), now));
        await db.SaveChangesAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return outcome with { Sequence = sequence, ImageStatus = context.Image.Status };
    }

    private static async Task<AnnotationSet> AddSetAsync(AnnotatorDbContext db, EditContext context, DateTime now,
        CancellationToken cancellationToken)
    {
        var set = new AnnotationSet(context.Image.Id, AnnotationSetKind.Labeler, context.SetOwnerId, null, now);
        db.AnnotationSets.Add(set);
        await db.SaveChangesAsync(cancellationToken);
        return set;
    }

    /// <summary>A retried operation: answer as before, with the state as it is now, and change nothing.</summary>
    private static async Task<EditOutcome> RepeatAsync(AnnotatorDbContext db, EditContext context, EditOperation applied,
        long sequence, CancellationToken cancellationToken)
    {
        var outcome = new EditOutcome(applied.OpId, null, applied, sequence, context.UserId, ImageStatus: context.Image.Status);
        if (applied is AnswerOp)
        {
            return outcome;
        }
        var regionId = outcome.RegionId!.Value;
        var region = await db.Regions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == regionId, cancellationToken);
        return region is null
            ? outcome
            : outcome with { Region = region.IsDeleted ? null : region.ToData(), Revision = region.Revision };
    }
}
