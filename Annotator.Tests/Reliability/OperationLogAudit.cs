using Annotator.Core.Annotations;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Annotations;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Reliability;

/// <summary>
/// What the database says happened to an image: its operation log and its current state as a workspace loads it,
/// checked for the properties every reliability test relies on.
/// </summary>
public sealed class OperationLogAudit
{
    private OperationLogAudit(IReadOnlyList<LoggedOperation> log, IReadOnlyDictionary<Guid, int> revisions,
        SortedDictionary<Guid, string> regions, SortedDictionary<Guid, string> answers)
    {
        Log = log;
        Revisions = revisions;
        Regions = regions;
        Answers = answers;
    }

    /// <summary>The image's operation log in sequence order.</summary>
    public IReadOnlyList<LoggedOperation> Log { get; }

    /// <summary>Every region's revision (deleted ones included).</summary>
    public IReadOnlyDictionary<Guid, int> Revisions { get; }

    /// <summary>The live regions as the workspace loads them (region JSON with revision) by id.</summary>
    public SortedDictionary<Guid, string> Regions { get; }

    /// <summary>The set answers (JSON) by question id.</summary>
    public SortedDictionary<Guid, string> Answers { get; }

    /// <summary>Reads the log and the state of <paramref name="imageId"/> as <paramref name="viewer"/> sees it.</summary>
    public static async Task<OperationLogAudit> ReadAsync(AnnotatorFactory app, System.Security.Claims.ClaimsPrincipal viewer, int imageId)
    {
        ArgumentNullException.ThrowIfNull(app);
        await using var db = await app.NewDbContextAsync();
        var log = await db.OperationLog.AsNoTracking().Where(o => o.ImageId == imageId).OrderBy(o => o.Sequence)
            .Select(o => new LoggedOperation(o.Sequence, o.ClientOpId, o.AuthorId, o.Payload)).ToListAsync();
        var setIds = await db.AnnotationSets.Where(s => s.ImageId == imageId).Select(s => s.Id).ToListAsync();
        var revisions = await db.Regions.AsNoTracking().Where(r => setIds.Contains(r.AnnotationSetId))
            .ToDictionaryAsync(r => r.Id, r => r.Revision);
        var snapshot = await app.Services.GetRequiredService<AnnotationService>().LoadAsync(viewer, imageId)
            ?? throw new InvalidOperationException($"Image {imageId} is not visible.");
        var regions = new SortedDictionary<Guid, string>(snapshot.Regions.ToDictionary(
            r => r.Data.Id, r => OperationJson.SerializeRegion(r.Data, r.Revision)));
        var answers = new SortedDictionary<Guid, string>(snapshot.Answers.Where(a => a.Value != "null")
            .ToDictionary(a => a.Key, a => a.Value));
        return new OperationLogAudit(log, revisions, regions, answers);
    }

    /// <summary>
    /// Nothing applied twice: opIds unique in the log, sequence numbers 1…n without a hole, and every region's revision
    /// equal to the number of logged operations on it.
    /// </summary>
    public void AssertAppliedOnce()
    {
        var repeated = Log.GroupBy(o => (o.AuthorId, o.OpId)).Where(g => g.Count() > 1).Select(g => g.Key.OpId).ToList();
        Assert.True(repeated.Count == 0, $"Operations logged twice: {string.Join(", ", repeated)}");
        Assert.Equal(Enumerable.Range(1, Log.Count).Select(i => (long)i), Log.Select(o => o.Sequence));
        var perRegion = Log.Select(o => OperationJson.Parse(o.Payload) switch
        {
            CreateRegionOp c => c.Region.Id,
            UpdateRegionOp u => u.RegionId,
            DeleteRegionOp d => d.RegionId,
            _ => (Guid?)null,
        }).OfType<Guid>().GroupBy(id => id).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(new SortedDictionary<Guid, int>(perRegion), new SortedDictionary<Guid, int>(Revisions.ToDictionary()));
    }

    /// <summary>Every acknowledged operation is in the log exactly once.</summary>
    public void AssertContains(IEnumerable<Guid> acknowledged)
    {
        var logged = Log.GroupBy(o => o.OpId).ToDictionary(g => g.Key, g => g.Count());
        var missing = acknowledged.Distinct().Where(id => logged.GetValueOrDefault(id) != 1).ToList();
        Assert.True(missing.Count == 0, $"{missing.Count} acknowledged operations are not in the log exactly once: {string.Join(", ", missing.Take(10))}");
    }
}

/// <summary>One operation-log entry.</summary>
public sealed record LoggedOperation(long Sequence, Guid OpId, string AuthorId, string Payload);
