using System.Text.Json;

namespace Annotator.Web.Annotations;

/// <summary>
/// What a viewer that fell behind (a reconnect, a missed message) needs to be up to date again: either the changes
/// after the sequence number it last applied, or — when the server no longer has that range in its operation log — the
/// instruction to load the image again.
/// </summary>
/// <param name="Reload">The range is not available: load the whole image state again.</param>
/// <param name="LastSequence">The set's newest sequence number: applying <paramref name="Messages"/> brings the viewer here.</param>
/// <param name="Messages">
/// The committed operations, in sequence order, each carrying <c>prev</c>: one per region or answer changed since,
/// holding its current state (so a region changed ten times arrives once).
/// </param>
public sealed record CatchUp(bool Reload, long LastSequence, IReadOnlyList<CommittedOperation> Messages)
{
    /// <summary><c>{"reload":…,"lastSequence":…,"messages":[…]}</c> (docs/workspace-protocol.md).</summary>
    public string ToJson() => JsonSerializer.Serialize(this, WorkspaceJson.CatchUp);
}
