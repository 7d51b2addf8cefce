using System.Text.Json;
using Annotator.Core.Taxonomy;

namespace Annotator.Tests.Reliability;

/// <summary>
/// Operation JSON (docs/workspace-protocol.md) for the reliability tests: boxes created, moved, relabelled, reordered,
/// deleted and restored, and answers, with values drawn from a seeded <see cref="Random"/> so a failing run repeats.
/// </summary>
public sealed class EditScript(TaxonomyDefinition taxonomy, int width, int height, Random random)
{
    private readonly Guid[] _boxLabels = taxonomy.Labels.Where(l => l.ShapeKinds.Contains(Annotator.Core.Geometry.ShapeKind.Box))
        .Select(l => l.Id).ToArray();

    /// <summary>The random source.</summary>
    public Random Random { get; } = random;

    /// <summary>
    /// A random operation decided on a client's own view of the image (<paramref name="known"/>, from
    /// <see cref="LiveReplica.Known"/>): mostly edits of live regions, some creates, restores of deleted ones and answers.
    /// </summary>
    public string Next(IReadOnlyDictionary<Guid, KnownRegion> known)
    {
        var ordered = known.OrderBy(k => k.Key).ToList();
        var live = ordered.Where(k => k.Value.Json is not null).ToList();
        var deleted = ordered.Where(k => k.Value.Json is null).ToList();
        var roll = Random.Next(100);
        if (live.Count == 0 || roll < 15)
        {
            return Create();
        }
        if (roll < 22 && deleted.Count > 0)
        {
            return Create(deleted[Random.Next(deleted.Count)].Key);
        }
        if (roll < 30)
        {
            return Answer();
        }
        var (id, region) = live[Random.Next(live.Count)];
        return roll switch
        {
            < 50 => Move(id, region.Revision),
            < 65 => Relabel(id, region.Revision),
            < 80 => Reorder(id, region.Revision),
            _ => Delete(id, region.Revision),
        };
    }

    /// <summary>Creates a box, or restores the deleted region <paramref name="regionId"/> as a box.</summary>
    public string Create(Guid? regionId = null) => Json(new
    {
        opId = Guid.NewGuid(),
        type = "create",
        region = new
        {
            id = regionId ?? Guid.NewGuid(),
            labelId = Pick(_boxLabels),
            kind = "box",
            geometry = Box(),
            attributes = new { },
            zOrder = Random.Next(0, 10),
            hidden = false,
            locked = false,
        },
    });

    /// <summary>Moves (and resizes) a region made on <paramref name="baseRevision"/>.</summary>
    public string Move(Guid regionId, int baseRevision) => Update(regionId, baseRevision, new { geometry = Box() });

    /// <summary>Gives a region another label.</summary>
    public string Relabel(Guid regionId, int baseRevision) => Update(regionId, baseRevision, new { labelId = Pick(_boxLabels) });

    /// <summary>Changes a region's drawing order.</summary>
    public string Reorder(Guid regionId, int baseRevision) => Update(regionId, baseRevision, new { zOrder = Random.Next(0, 10) });

    /// <summary>Deletes a region.</summary>
    public string Delete(Guid regionId, int baseRevision) =>
        Json(new { opId = Guid.NewGuid(), type = "delete", regionId, baseRevision });

    /// <summary>Answers (or clears) one of the image-level questions.</summary>
    public string Answer()
    {
        var question = Pick(taxonomy.Questions.ToArray());
        object? value = Random.Next(5) == 0
            ? null
            : question.Multiple
                ? question.Options.Where(_ => Random.Next(2) == 0).ToArray()
                : Pick(question.Options.ToArray());
        return Json(new { opId = Guid.NewGuid(), type = "answer", questionId = question.Id, value });
    }

    /// <summary>The opId of an operation.</summary>
    public static Guid OpIdOf(string operationJson)
    {
        using var document = JsonDocument.Parse(operationJson);
        return document.RootElement.GetProperty("opId").GetGuid();
    }

    private string Update(Guid regionId, int baseRevision, object set) =>
        Json(new { opId = Guid.NewGuid(), type = "update", regionId, baseRevision, set });

    private object Box()
    {
        var w = Random.Next(5, Math.Max(6, width / 4));
        var h = Random.Next(5, Math.Max(6, height / 4));
        return new { x = Random.Next(0, width - w), y = Random.Next(0, height - h), w, h };
    }

    private T Pick<T>(T[] items) => items[Random.Next(items.Length)];

    private static string Json(object operation) => JsonSerializer.Serialize(operation);
}
