using System.Text;
using System.Text.Json;

namespace Annotator.Web.Workspace;

/// <summary>
/// What a viewer that fell behind (a reconnect, a missed message) needs to be up to date again: either the changes
/// after the sequence number it last applied, or — when the server no longer has that range in its operation log — the
/// instruction to load the image again.
/// </summary>
/// <param name="Reload">The range is not available: load the whole image state again.</param>
/// <param name="LastSequence">The set's newest sequence number: applying <paramref name="Messages"/> brings the viewer here.</param>
/// <param name="Messages">
/// Result JSON messages (docs/workspace-protocol.md), in sequence order, each carrying <c>prev</c>: one per region or
/// answer changed since, holding its current state (so a region changed ten times arrives once).
/// </param>
public sealed record CatchUp(bool Reload, long LastSequence, IReadOnlyList<string> Messages)
{
    /// <summary><c>{"reload":…,"lastSequence":…,"messages":[…]}</c>.</summary>
    public string ToJson()
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteBoolean("reload", Reload);
            json.WriteNumber("lastSequence", LastSequence);
            json.WriteStartArray("messages");
            foreach (var message in Messages)
            {
                json.WriteRawValue(message, skipInputValidation: true);
            }
            json.WriteEndArray();
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
