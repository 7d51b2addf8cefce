using System.Diagnostics;
using System.Security.Claims;
using Annotator.Core;
using Annotator.Core.Annotations;
using Annotator.Core.Images;
using Annotator.Web.Data;
using Microsoft.Data.Sqlite;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Storage;
using Npgsql;

namespace Annotator.Web.Annotations;

/// <summary>The regions and answers of an image as one person's workspace shows them.</summary>
/// <param name="Context">Who, which image, which taxonomy, may they edit.</param>
/// <param name="Regions">The regions of the caller's set with their revisions, in drawing order.</param>
/// <param name="Answers">Answers to image-level questions (JSON values) by question id.</param>
/// <param name="LastSequence">The sequence number of the newest operation on the set: the feed goes on from here.</param>
public sealed record WorkspaceSnapshot(
    EditContext Context,
    IReadOnlyList<RegionState> Regions,
    IReadOnlyDictionary<Guid, string> Answers,
    long LastSequence);

/// <summary>A region with its revision. Its JSON is the operations' own region format (<see cref="OperationJson"/>).</summary>
/// <param name="Data">Its content.</param>
/// <param name="Revision">Bumped by every change.</param>
[System.Text.Json.Serialization.JsonConverter(typeof(RegionStateJsonConverter))]
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
    EditBroadcaster broadcaster,
    LabelHistory labelHistory,
    EditMetrics metrics,
    SqliteWriteQueue writeQueue,
    TimeProvider clock,
    ILogger<AnnotationService> logger)
{
    /// <summary>How many times an edit is checked when taxonomy versions keep being published under it.</summary>
    private const int TaxonomyAttempts = 4;

    /// <summary>What the caller's workspace shows for the image, or null when the caller may not see it.</summary>
    public async Task<WorkspaceSnapshot?> LoadAsync(ClaimsPrincipal user, int imageId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await BeginReadAsync(db, user, imageId, cancellationToken) is not var (context, set, transaction))
        {
            return null;
        }
        await using var _ = transaction;
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
        return new WorkspaceSnapshot(context, regions, answers, set?.LastSequence ?? 0);
    }

    /// <summary>
    /// Who the caller is on the image and what they may do, with the newest published taxonomy, without the regions:
    /// what a workspace reads again when the taxonomy or the caller's access changes. Null when the caller may not see it.
    /// </summary>
    public async Task<EditContext?> LoadContextAsync(ClaimsPrincipal user, int imageId, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        return await EditContext.LoadAsync(db, taxonomies, user, imageId, track: false, cancellationToken);
    }

    /// <summary>The most changes a catch-up sends; further behind, the viewer loads the image again.</summary>
    public const int MaxCatchUpOperations = 5_000;

    /// <summary>
    /// The changes to the caller's set of <paramref name="imageId"/> after <paramref name="afterSequence"/>, or the
    /// instruction to reload when the log does not cover that range; null when the caller may not see the image.
    /// </summary>
    public async Task<CatchUp?> CatchUpAsync(ClaimsPrincipal user, int imageId, long afterSequence, CancellationToken cancellationToken = default)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await BeginReadAsync(db, user, imageId, cancellationToken) is not var (context, set, transaction))
        {
            return null;
        }
        await using var _ = transaction;
        var last = set?.LastSequence ?? 0;
        if (afterSequence == last)
        {
            return new CatchUp(false, last, []);
        }
        if (set is null || afterSequence < 0 || afterSequence > last)
        {
            // A sequence number this set never reached (a restored database, another set): start from scratch.
            return new CatchUp(true, last, []);
        }
        var rows = await db.OperationLog.AsNoTracking()
            .Where(o => o.ImageId == imageId && o.Sequence > afterSequence && (o.AnnotationSetId == set.Id || o.AnnotationSetId == null))
            .OrderBy(o => o.Sequence)
            .Take(MaxCatchUpOperations + 1)
            .Select(o => new { o.Sequence, o.AuthorId, o.AnnotationSetId, o.Payload })
            .ToListAsync(cancellationToken);
        if (rows.Count > MaxCatchUpOperations || rows.Any(r => r.AnnotationSetId is null))
        {
            return new CatchUp(true, last, []);
        }

        // The newest change of each region and answer: its current state is what the viewer needs.
        var regionChanges = new Dictionary<Guid, (long Sequence, string AuthorId)>();
        var answerChanges = new Dictionary<Guid, (long Sequence, string AuthorId)>();
        foreach (var row in rows)
        {
            switch (OperationJson.Parse(row.Payload))
            {
                case AnswerOp answer:
                    answerChanges[answer.QuestionId] = (row.Sequence, row.AuthorId);
                    break;
                case CreateRegionOp create:
                    regionChanges[create.Region.Id] = (row.Sequence, row.AuthorId);
                    break;
                case UpdateRegionOp update:
                    regionChanges[update.RegionId] = (row.Sequence, row.AuthorId);
                    break;
                case DeleteRegionOp delete:
                    regionChanges[delete.RegionId] = (row.Sequence, row.AuthorId);
                    break;
            }
        }
        var regionIds = regionChanges.Keys.ToList();
        var regions = await db.Regions.AsNoTracking().Where(r => r.AnnotationSetId == set.Id && regionIds.Contains(r.Id))
            .ToDictionaryAsync(r => r.Id, cancellationToken);
        var questionIds = answerChanges.Keys.ToList();
        var answers = await db.ImageAnswers.AsNoTracking().Where(a => a.AnnotationSetId == set.Id && questionIds.Contains(a.QuestionId))
            .ToDictionaryAsync(a => a.QuestionId, a => a.Value, cancellationToken);
        var authorIds = regionChanges.Values.Concat(answerChanges.Values).Select(c => c.AuthorId).Distinct().ToList();
        var names = await db.Users.AsNoTracking().Where(u => authorIds.Contains(u.Id))
            .ToDictionaryAsync(u => u.Id, u => u.DisplayName, cancellationToken);

        var outcomes = new List<EditOutcome>();
        foreach (var (id, change) in regionChanges)
        {
            var region = regions.GetValueOrDefault(id);
            EditOperation applied = region is null or { IsDeleted: true }
                ? new DeleteRegionOp(Guid.Empty, id, region?.Revision ?? 0)
                : new UpdateRegionOp(Guid.Empty, id, region.Revision, new RegionChanges());
            outcomes.Add(new EditOutcome(Guid.Empty, null, applied, change.Sequence, change.AuthorId,
                Region: region is { IsDeleted: false } ? region.ToData() : null, Revision: region?.Revision ?? 0,
                ImageStatus: context.Image.Status, ImageId: imageId, SetOwnerId: context.SetOwnerId,
                AuthorName: names.GetValueOrDefault(change.AuthorId)));
        }
        foreach (var (questionId, change) in answerChanges)
        {
            outcomes.Add(new EditOutcome(Guid.Empty, null, new AnswerOp(Guid.Empty, questionId, answers.GetValueOrDefault(questionId) ?? "null"),
                change.Sequence, change.AuthorId, ImageStatus: context.Image.Status, ImageId: imageId, SetOwnerId: context.SetOwnerId,
                AuthorName: names.GetValueOrDefault(change.AuthorId)));
        }
        var messages = new List<CommittedOperation>(outcomes.Count);
        var previous = afterSequence;
        foreach (var outcome in outcomes.OrderBy(o => o.Sequence))
        {
            messages.Add((outcome with { Previous = previous }).ToCommitted());
            previous = outcome.Sequence;
        }
        return new CatchUp(false, last, messages);
    }

    /// <summary>
    /// Authorizes the caller for the image and opens a repeatable-read transaction in which their set is found, so
    /// everything read next matches the set's sequence number exactly; null when the caller may not see the image.
    /// </summary>
    private async Task<(EditContext Context, AnnotationSet? Set, IAsyncDisposable Transaction)?> BeginReadAsync(
        AnnotatorDbContext db, ClaimsPrincipal user, int imageId, CancellationToken cancellationToken)
    {
        var context = await EditContext.LoadAsync(db, taxonomies, user, imageId, track: false, cancellationToken);
        if (context is null)
        {
            return null;
        }
        IAsyncDisposable transaction;
        if (db.Database.GetDbConnection() is SqliteConnection sqlite)
        {
            // A deferred transaction: in WAL mode it reads one snapshot from its first read on, without taking the
            // database's single write lock (Microsoft.Data.Sqlite begins IMMEDIATE otherwise, so every workspace opening
            // and catch-up would queue with the edits).
            await db.Database.OpenConnectionAsync(cancellationToken);
            var deferred = sqlite.BeginTransaction(deferred: true);
            transaction = new ReadTransaction(await db.Database.UseTransactionAsync(deferred, cancellationToken), deferred);
        }
        else
        {
            transaction = await db.Database.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, cancellationToken);
        }
        return (context, await context.FindSetAsync(db, cancellationToken), transaction);
    }

    /// <summary>EF's handle on a transaction it did not begin, and the transaction itself: both end together.</summary>
    private sealed class ReadTransaction(IDbContextTransaction? handle, SqliteTransaction transaction) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            if (handle is not null)
            {
                await handle.DisposeAsync();
            }
            await transaction.DisposeAsync();
        }
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
        var waiting = Stopwatch.GetTimestamp();
        using var _ = await locks.AcquireAsync(imageId, cancellationToken);
        metrics.LockWait(waiting);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var (outcome, fresh) = await TryApplyAsync(user, imageId, operation, cancellationToken);
                if (fresh)
                {
                    // Durable first, then told: still under the image's lock, so this node publishes in sequence order.
                    var publishing = Stopwatch.GetTimestamp();
                    await broadcaster.PublishAsync(imageId, outcome.SetOwnerId, outcome.ToJson());
                    metrics.Publish(publishing);
                }
                return outcome;
            }
            catch (TaxonomyMovedException) when (attempt < TaxonomyAttempts)
            {
                // A taxonomy version was published between checking and committing: check against the new one.
                logger.LogDebug("Operation {OpId} on image {ImageId} met a new taxonomy version; attempt {Attempt}.", operation.OpId, imageId, attempt);
            }
            catch (TaxonomyMovedException)
            {
                return EditOutcome.Refused(operation.OpId, "The project's taxonomy kept changing while this edit was saved; try again.");
            }
            catch (DomainException e) when (e.Conflict != EditConflict.None)
            {
                return await ConflictAsync(operation, e, cancellationToken);
            }
            catch (DomainException e)
            {
                return EditOutcome.Refused(operation.OpId, await labelHistory.ExplainAsync(imageId, operation, e.Message, cancellationToken));
            }
            catch (Exception e) when (StorageFull.Is(e))
            {
                // Not a collision to retry: the transaction rolled back, nothing was written. Freed space lets the same
                // operation (same id) through later.
                logger.LogWarning("Operation {OpId} on image {ImageId} was not saved: the storage is full ({Error}).", operation.OpId, imageId, e.GetBaseException().Message);
                return EditOutcome.RefusedForStorage(operation.OpId);
            }
            catch (Exception e) when (IsCollision(e) && attempt < CollisionAttempts)
            {
                // Another writer got in the way. Rare since edits take the image row's lock (see EditWrite): PostgreSQL
                // chose this transaction as a deadlock's or a serialization failure's victim, or a concurrency token (a
                // revision, the next sequence number) moved under it. Nothing was written: wait a little, with jitter so
                // two nodes don't collide in step again, and decide anew.
                logger.LogDebug(e, "Operation {OpId} on image {ImageId} collided; attempt {Attempt}.", operation.OpId, imageId, attempt);
                await Task.Delay(Backoff(attempt), cancellationToken);
            }
            catch (Exception e) when (IsCollision(e))
            {
                logger.LogWarning(e, "Operation {OpId} on image {ImageId} collided {Attempts} times and was refused.", operation.OpId, imageId, attempt);
                return EditOutcome.Refused(operation.OpId, "This image is being changed by others so fast that your edit could not be saved; try again.");
            }
        }
    }

    /// <summary>How many times a colliding commit is tried: enough that two busy nodes never exhaust it.</summary>
    private const int CollisionAttempts = 12;

    /// <summary>
    /// A commit that met a concurrent one and wrote nothing: worth trying again. Only those: a database that fails for
    /// another reason (a full disk, say) is not retried. Npgsql's execution strategy wraps a transient failure of
    /// SaveChanges (a deadlock, a serialization failure) in an InvalidOperationException, so the whole chain is looked at.
    /// </summary>
    private static bool IsCollision(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (inner is DbUpdateConcurrencyException
                or PostgresException { SqlState: PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.UniqueViolation }
                or SqliteException { SqliteErrorCode: SqliteBusy or SqliteConstraint })
            {
                return true;
            }
        }
        return false;
    }

    private const int SqliteBusy = 5;
    private const int SqliteConstraint = 19;

    /// <summary>Exponential from 2 ms, at most 200 ms, each time somewhere between half and all of it.</summary>
    private static TimeSpan Backoff(int attempt)
    {
        var ceiling = Math.Min(200.0, 2.0 * Math.Pow(2, attempt - 1));
        return TimeSpan.FromMilliseconds(ceiling * (0.5 + Random.Shared.NextDouble() / 2));
    }

    /// <summary>A refusal because of someone else's change, with the region as it is now and who changed it last.</summary>
    private async Task<EditOutcome> ConflictAsync(EditOperation operation, DomainException e, CancellationToken cancellationToken)
    {
        var refused = EditOutcome.Refused(operation.OpId, e.Message) with { Applied = operation, Conflict = e.Conflict };
        if (refused.RegionId is not { } regionId)
        {
            return refused;
        }
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var current = await db.Regions.AsNoTracking().FirstOrDefaultAsync(r => r.Id == regionId, cancellationToken);
        if (current is null)
        {
            return refused;
        }
        var by = await db.Users.Where(u => u.Id == current.UpdatedById).Select(u => u.DisplayName).FirstOrDefaultAsync(cancellationToken);
        var name = string.IsNullOrEmpty(by) ? null : by;
        return refused with
        {
            // Name who it was, when known: "Grace changed this region's shape while you were editing it …".
            Error = name is null ? refused.Error : NameTheEditor(refused.Error!, name),
            Region = current.IsDeleted ? null : current.ToData(),
            Revision = current.Revision,
            AuthorName = name,
        };
    }

    private static string NameTheEditor(string error, string name) =>
        error.StartsWith("Someone else ", StringComparison.Ordinal) ? name + error["Someone else".Length..]
        : error.StartsWith("This region was changed by someone else", StringComparison.Ordinal)
            ? error.Replace("someone else", name, StringComparison.Ordinal)
            : error == "This region was deleted." ? $"{name} deleted this region." : error;

    private async Task<(EditOutcome Outcome, bool Fresh)> TryApplyAsync(ClaimsPrincipal user, int imageId, EditOperation operation,
        CancellationToken cancellationToken)
    {
        var checking = Stopwatch.GetTimestamp();
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var context = await EditContext.LoadAsync(db, taxonomies, user, imageId, track: true, cancellationToken)
            ?? throw new DomainException("This image does not exist or you are not a member of its project.");
        await using var write = await EditWrite.LockAsync(db, context.Image, cancellationToken);
        if (context.WhyReadOnly is { } reason)
        {
            throw new DomainException(reason);
        }
        var earlier = await db.OperationLog.AsNoTracking()
            .Where(o => o.ImageId == imageId && o.AuthorId == context.UserId && o.ClientOpId == operation.OpId)
            .Select(o => new { o.Sequence, o.Payload, o.AnnotationSetId })
            .FirstOrDefaultAsync(cancellationToken);
        if (earlier is not null)
        {
            // The earlier result's prev too: a client that applies results by prev must not take a retry for the first
            // operation of the set.
            var earlierPrevious = await db.OperationLog.AsNoTracking()
                .Where(o => o.ImageId == imageId && o.AnnotationSetId == earlier.AnnotationSetId && o.Sequence < earlier.Sequence)
                .MaxAsync(o => (long?)o.Sequence, cancellationToken) ?? 0;
            var repeated = await RepeatAsync(db, context, OperationJson.Parse(earlier.Payload), earlier.Sequence, cancellationToken);
            return (repeated with { Previous = earlierPrevious }, false);
        }

        var now = clock.GetUtcNow().UtcDateTime;
        var set = await context.FindSetAsync(db, cancellationToken);
        var validator = new OperationValidator(context.Taxonomy!, context.Image.Width, context.Image.Height);
        var versionId = context.TaxonomyVersionId!.Value;
        // Everything is checked before anything is written; the new set (first edit of this image) and the edit itself
        // commit together.
        metrics.Check(checking);
        var waiting = Stopwatch.GetTimestamp();
        await write.BeginAsync(writeQueue, cancellationToken);
        metrics.WriterWait(waiting);
        var writing = Stopwatch.GetTimestamp();
        if (!await TaxonomyGate.IsCurrentAsync(db, context.Image.ProjectId, versionId, cancellationToken))
        {
            throw new TaxonomyMovedException();
        }
        EditOutcome outcome;
        if (operation is AnswerOp answer)
        {
            var applied = (AnswerOp)validator.Validate(answer, null);
            set ??= await AddSetAsync(db, context, now, cancellationToken);
            var row = await db.ImageAnswers.FirstOrDefaultAsync(a => a.AnnotationSetId == set.Id && a.QuestionId == answer.QuestionId, cancellationToken);
            var previousAnswer = row?.Value ?? "null";
            if (row is null)
            {
                db.ImageAnswers.Add(new ImageAnswer(set.Id, answer.QuestionId, applied.ValueJson, 1));
            }
            else
            {
                row.Change(applied.ValueJson);
            }
            outcome = new EditOutcome(operation.OpId, null, applied, AuthorId: context.UserId, PreviousAnswer: previousAnswer);
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
                    target!.Restore(restore.Region, versionId, now, context.UserId);
                    break;
                case UpdateRegionOp update:
                    target!.Apply(update.Set, versionId, now, context.UserId);
                    break;
                case DeleteRegionOp:
                    target!.Delete(now, context.UserId);
                    break;
            }
            outcome = new EditOutcome(operation.OpId, null, applied, AuthorId: context.UserId,
                Region: target!.IsDeleted ? null : target.ToData(), Revision: target.Revision, Before: before);
        }

        context.Image.Edited();
        set.Reopen();
        var sequence = context.Image.TakeSequenceNumber();
        var previous = set.Advance(sequence);
        db.OperationLog.Add(new OperationLogEntry(imageId, sequence, context.UserId, operation.OpId, outcome.Applied!.Type,
            OperationJson.Serialize(outcome.Applied), now, set.Id));
        await db.SaveChangesAsync(cancellationToken);
        await write.CommitAsync(cancellationToken);
        metrics.Commit(writing);
        return (outcome with
        {
            Sequence = sequence,
            Previous = previous,
            ImageStatus = context.Image.Status,
            ImageId = imageId,
            SetOwnerId = context.SetOwnerId,
            AuthorName = context.UserName,
        }, true);
    }

    /// <summary>
    /// An edit's write transaction. On PostgreSQL other nodes commit to the image too, so everything the commit depends
    /// on (the image's next sequence number, the set's last one, the region's revision, an earlier copy of the
    /// operation) is read inside the transaction after taking the image row's lock: another node's commit to the image
    /// is either seen whole or waits, and cannot land between reading and writing. On SQLite there is one node and one
    /// writer; this node's <see cref="ImageLocks"/> already keep the image's edits apart, so the checks read outside and
    /// the transaction begins only for the writing, which keeps the single writer's turn short.
    /// </summary>
    private sealed class EditWrite(AnnotatorDbContext db) : IAsyncDisposable
    {
        private IDbContextTransaction? _transaction;
        private IDisposable? _writer;

        /// <summary>On PostgreSQL: begins the transaction, locks the image's row and reloads <paramref name="image"/>.</summary>
        public static async Task<EditWrite> LockAsync(AnnotatorDbContext db, Image image, CancellationToken cancellationToken)
        {
            var write = new EditWrite(db);
            if (db.Database.IsSqlite())
            {
                return write;
            }
            try
            {
                write._transaction = await db.Database.BeginTransactionAsync(cancellationToken);
                // The project's key-share lock first, in the order a taxonomy publish takes the two (project, then its
                // images), so an edit and a publish never wait for each other in a circle.
                await db.Database.ExecuteSqlInterpolatedAsync($"""
                    SELECT 1 FROM "Projects" WHERE "Id" = {image.ProjectId} FOR KEY SHARE;
                    SELECT 1 FROM "Images" WHERE "Id" = {image.Id} FOR NO KEY UPDATE;
                    """, cancellationToken);
                await db.Entry(image).ReloadAsync(cancellationToken);
                return write;
            }
            catch
            {
                await write.DisposeAsync();
                throw;
            }
        }

        /// <summary>Begins the writing: on SQLite, waits for the writer's turn and begins the transaction.</summary>
        public async Task BeginAsync(SqliteWriteQueue writeQueue, CancellationToken cancellationToken)
        {
            if (_transaction is null)
            {
                _writer = await writeQueue.EnterAsync(db.Database, cancellationToken);
                _transaction = await db.Database.BeginTransactionAsync(cancellationToken);
            }
        }

        public Task CommitAsync(CancellationToken cancellationToken) =>
            _transaction?.CommitAsync(cancellationToken) ?? throw new InvalidOperationException("The writing has not begun.");

        public async ValueTask DisposeAsync()
        {
            if (_transaction is not null)
            {
                await _transaction.DisposeAsync();
            }
            _writer?.Dispose();
        }
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
        var outcome = new EditOutcome(applied.OpId, null, applied, sequence, context.UserId, ImageStatus: context.Image.Status,
            ImageId: context.Image.Id, SetOwnerId: context.SetOwnerId, AuthorName: context.UserName);
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
