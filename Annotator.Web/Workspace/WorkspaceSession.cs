using System.Security.Claims;
using Annotator.Core.Annotations;

using Annotator.Web.Annotations;

namespace Annotator.Web.Workspace;

/// <summary>
/// One browser tab's workspace (scoped to the Blazor circuit): forwards the canvas's operations to
/// <see cref="AnnotationService"/> and keeps this user's undo/redo history per image. Undo and redo are operations
/// too (the inverse of what was done), so they are validated, persisted and sequenced like any other edit.
/// </summary>
public sealed class WorkspaceSession(AnnotationService annotations)
{
    /// <summary>Undo steps kept per image.</summary>
    public const int HistoryCapacity = 200;

    private const int ImagesRemembered = 20;
    private readonly Dictionary<int, EditHistory> _histories = [];
    private readonly LinkedList<int> _recent = new();

    /// <summary>Whether there is something to undo on the image.</summary>
    public bool CanUndo(int imageId) => _histories.TryGetValue(imageId, out var h) && h.CanUndo;

    /// <summary>Whether there is something to redo on the image.</summary>
    public bool CanRedo(int imageId) => _histories.TryGetValue(imageId, out var h) && h.CanRedo;

    /// <summary>Applies an operation the canvas sent (JSON) and records its inverse for undo.</summary>
    public async Task<EditOutcome> SubmitAsync(ClaimsPrincipal user, int imageId, string json, CancellationToken cancellationToken = default)
    {
        var outcome = await annotations.ApplyJsonAsync(user, imageId, json, cancellationToken);
        if (outcome.Ok)
        {
            History(imageId).Record(outcome.Applied!, Inverse(outcome));
        }
        return outcome;
    }

    /// <summary>
    /// Undoes the newest step of this user's history on the image. Returns the committed inverse operations (for the
    /// canvas), ending with the refusal when the step can no longer be undone (someone changed the region since): the
    /// part that applied counts, the rest of the step is dropped so the history does not get stuck on it.
    /// </summary>
    public Task<IReadOnlyList<EditOutcome>> UndoAsync(ClaimsPrincipal user, int imageId, CancellationToken cancellationToken = default) =>
        ReplayAsync(user, imageId, undo: true, cancellationToken);

    /// <summary>Redoes the newest undone step; see <see cref="UndoAsync"/>.</summary>
    public Task<IReadOnlyList<EditOutcome>> RedoAsync(ClaimsPrincipal user, int imageId, CancellationToken cancellationToken = default) =>
        ReplayAsync(user, imageId, undo: false, cancellationToken);

    private async Task<IReadOnlyList<EditOutcome>> ReplayAsync(ClaimsPrincipal user, int imageId, bool undo, CancellationToken cancellationToken)
    {
        var history = History(imageId);
        var step = undo ? history.PeekUndo() : history.PeekRedo();
        if (step is null)
        {
            return [];
        }
        var outcomes = new List<EditOutcome>();
        var applied = new List<(EditOperation, int)>();
        foreach (var operation in step)
        {
            var outcome = await annotations.ApplyAsync(user, imageId, operation, cancellationToken);
            outcomes.Add(outcome);
            if (!outcome.Ok)
            {
                break;
            }
            applied.Add((operation, outcome.Revision));
        }
        if (undo)
        {
            history.Undone(applied);
        }
        else
        {
            history.Redone(applied);
        }
        return outcomes;
    }

    private static EditOperation Inverse(EditOutcome outcome) =>
        InverseOperation.For(outcome.Applied!, outcome.Before, outcome.Revision, outcome.PreviousAnswer);

    private EditHistory History(int imageId)
    {
        if (!_histories.TryGetValue(imageId, out var history))
        {
            history = new EditHistory(HistoryCapacity);
            _histories[imageId] = history;
        }
        _recent.Remove(imageId);
        _recent.AddFirst(imageId);
        while (_recent.Count > ImagesRemembered)
        {
            _histories.Remove(_recent.Last!.Value);
            _recent.RemoveLast();
        }
        return history;
    }
}
