using Annotator.Core.Accounts;
using Annotator.Core.Annotations;
using Annotator.Core.Geometry;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Data;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Tests.Web.Data;

/// <summary>
/// Rows written with prepared statements (SQLite) or batches (PostgreSQL) read back through EF exactly as written, an
/// update whose row changed meanwhile is refused, and batches flush across their size.
/// </summary>
public abstract class BulkRowsWriting<TApp>(TApp fixture) where TApp : AppFixture
{
    private AnnotatorFactory App => fixture.App;

    private sealed record World(string UserId, int ImageId, int SetId, int VersionId);

    private async Task<World> BuildAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var admin = await App.CreateUserAsync($"bulk-{tag}@example.com", AppRoles.Admin);
        var project = await App.CreateProjectAsync("Bulk " + tag, admin.Id);
        var imageId = await App.AddImageAsync(project, admin.Id, Fixtures.Good("horse.png"));
        await using var db = await App.NewDbContextAsync();
        var version = await db.TaxonomyVersions.Where(v => v.ProjectId == project).Select(v => v.Id).SingleAsync(TestContext.Current.CancellationToken);
        var set = new AnnotationSet(imageId, AnnotationSetKind.Labeler, admin.Id, null, DateTime.UtcNow);
        db.AnnotationSets.Add(set);
        await db.SaveChangesAsync(TestContext.Current.CancellationToken);
        return new World(admin.Id, imageId, set.Id, version);
    }

    /// <summary>A time both databases keep to the microsecond.</summary>
    private static DateTime Now() => new(DateTime.UtcNow.Ticks / 10 * 10, DateTimeKind.Utc);

    [Fact]
    public async Task UpdatedAndInsertedRowsReadBackThroughEfAsWritten()
    {
        var ct = TestContext.Current.CancellationToken;
        var world = await BuildAsync();
        var id = Guid.NewGuid();
        await using (var db = await App.NewDbContextAsync())
        {
            db.Regions.Add(new Region(id, world.SetId, Guid.NewGuid(), world.VersionId, ShapeKind.Box, """{"x":1,"y":2,"w":3,"h":4}""",
                "{}", world.UserId, Now().AddMinutes(-5)));
            await db.SaveChangesAsync(ct);
        }

        var label = Guid.NewGuid();
        var now = Now();
        Region expected;
        OperationLogEntry entry;
        await using (var db = await App.NewDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            expected = await db.Regions.AsNoTracking().SingleAsync(r => r.Id == id, ct);
            var before = expected.Revision;
            expected.Migrate(label, """{"a":"b"}""", world.VersionId, now, world.UserId, """{"x":5,"y":6,"w":7,"h":8}""");
            entry = new OperationLogEntry(world.ImageId, 1, world.UserId, Guid.NewGuid(), "update", """{"type":"update"}""", now, world.SetId);
            await using (var updates = BulkRows<Region>.Update(db, r => r.Id, r => r.Revision,
                r => r.LabelId, r => r.Attributes, r => r.Revision, r => r.UpdatedAt, r => r.LabelRevision, r => r.Geometry, r => r.GeometryRevision))
            await using (var log = BulkRows<OperationLogEntry>.Insert(db))
            {
                await updates.AddAsync(expected, before, ct);
                await log.AddAsync(entry, cancellationToken: ct);
                Assert.Equal(1, await updates.CompleteAsync(ct));
                Assert.Equal(1, await log.CompleteAsync(ct));
            }
            await transaction.CommitAsync(ct);
        }

        await using (var db = await App.NewDbContextAsync())
        {
            var region = await db.Regions.SingleAsync(r => r.LabelId == label, ct);
            Assert.Equal((expected.Id, expected.Attributes, expected.Revision, expected.UpdatedAt, expected.LabelRevision, expected.GeometryRevision),
                (region.Id, region.Attributes, region.Revision, region.UpdatedAt, region.LabelRevision, region.GeometryRevision));
            Assert.Equal(expected.Geometry, region.Geometry);
            var logged = await db.OperationLog.SingleAsync(o => o.ClientOpId == entry.ClientOpId, ct);
            Assert.Equal((entry.ImageId, entry.Sequence, entry.AuthorId, entry.Kind, entry.Payload, entry.CreatedAt, entry.AnnotationSetId),
                (logged.ImageId, logged.Sequence, logged.AuthorId, logged.Kind, logged.Payload, logged.CreatedAt, logged.AnnotationSetId));
            Assert.True(logged.Id > 0);
        }
    }

    [Fact]
    public async Task AnUpdateOfARowThatChangedMeanwhileIsRefused()
    {
        var ct = TestContext.Current.CancellationToken;
        var world = await BuildAsync();
        var id = Guid.NewGuid();
        var original = Guid.NewGuid();
        await using (var db = await App.NewDbContextAsync())
        {
            db.Regions.Add(new Region(id, world.SetId, original, world.VersionId, ShapeKind.Box, """{"x":1,"y":2,"w":3,"h":4}""",
                "{}", world.UserId, Now()));
            await db.SaveChangesAsync(ct);
        }

        await using (var db = await App.NewDbContextAsync())
        {
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            var region = await db.Regions.AsNoTracking().SingleAsync(r => r.Id == id, ct);
            var stale = region.Revision - 1;
            region.Migrate(Guid.NewGuid(), "{}", world.VersionId, Now(), world.UserId);
            await using var updates = BulkRows<Region>.Update(db, r => r.Id, r => r.Revision, r => r.LabelId, r => r.Revision);
            await updates.AddAsync(region, stale, ct);
            var refused = await Assert.ThrowsAsync<DbUpdateConcurrencyException>(() => updates.CompleteAsync(ct));
            Assert.Contains("1 of 1 Region rows changed", refused.Message, StringComparison.Ordinal);
        }

        await using (var db = await App.NewDbContextAsync())
        {
            Assert.Equal(original, await db.Regions.Where(r => r.Id == id).Select(r => r.LabelId).SingleAsync(ct));
        }
    }

    [Fact]
    public async Task ManyRowsAcrossBatchesAllLandAndNothingWithoutATransaction()
    {
        var ct = TestContext.Current.CancellationToken;
        var world = await BuildAsync();
        var rows = BulkRows<OperationLogEntry>.BatchSize * 2 + 7;
        await using (var db = await App.NewDbContextAsync())
        {
            Assert.Throws<InvalidOperationException>(() => BulkRows<OperationLogEntry>.Insert(db));
            await using var transaction = await db.Database.BeginTransactionAsync(ct);
            await using var log = BulkRows<OperationLogEntry>.Insert(db);
            for (var i = 1; i <= rows; i++)
            {
                await log.AddAsync(new OperationLogEntry(world.ImageId, i, world.UserId, Guid.NewGuid(), "update", "{}", Now(), world.SetId),
                    cancellationToken: ct);
            }
            Assert.Equal(rows, await log.CompleteAsync(ct));
            await transaction.CommitAsync(ct);
        }

        await using (var db = await App.NewDbContextAsync())
        {
            var sequences = await db.OperationLog.Where(o => o.ImageId == world.ImageId).OrderBy(o => o.Sequence).Select(o => o.Sequence).ToListAsync(ct);
            Assert.Equal(Enumerable.Range(1, rows).Select(i => (long)i), sequences);
        }
    }
}

public sealed class BulkRowsWritingOnSqlite(SqliteApp app) : BulkRowsWriting<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class BulkRowsWritingOnPostgres(PostgresApp app) : BulkRowsWriting<PostgresApp>(app), IClassFixture<PostgresApp>;
