namespace Annotator.Web.Live;

/// <summary>A point in image pixels (EXIF orientation applied), as the workspace protocol uses.</summary>
/// <param name="X">From the left edge.</param>
/// <param name="Y">From the top edge.</param>
public readonly record struct PresencePoint(double X, double Y);

/// <summary>
/// Who opens which image, as the page has authorized it. Build it only from a workspace snapshot the caller was allowed
/// to load (<see cref="From"/>): the tracker trusts it.
/// </summary>
/// <param name="ProjectId">The project.</param>
/// <param name="ImageId">The image.</param>
/// <param name="SetOwnerId">The annotation set being edited: null for the shared set (overlap 1), else its owner.</param>
/// <param name="UserId">The viewer.</param>
/// <param name="DisplayName">The name others see.</param>
public sealed record PresenceJoin(int ProjectId, int ImageId, string? SetOwnerId, string UserId, string DisplayName)
{
    /// <summary>The viewer of an authorized edit context.</summary>
    public static PresenceJoin From(Workspace.EditContext context, string displayName)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(context.Image.ProjectId, context.Image.Id, context.SetOwnerId, context.UserId, displayName);
    }
}

/// <summary>Someone viewing an image: what every member of the project may see (the grid's and the top bar's avatars).</summary>
/// <param name="UserId">The viewer.</param>
/// <param name="DisplayName">Their name.</param>
/// <param name="Color">Their colour (#rrggbb), the same everywhere and on every node.</param>
/// <param name="ImageId">The image they have open.</param>
public sealed record ImageViewer(string UserId, string DisplayName, string Color, int ImageId)
{
    /// <summary>One or two letters for the avatar.</summary>
    public string Initials => PresenceColors.Initials(DisplayName);
}

/// <summary>
/// Someone working in the same annotation set of the same image: what they point at and have selected. Only viewers
/// of that set get these (blind labelers never see each other's).
/// </summary>
/// <param name="UserId">The peer.</param>
/// <param name="DisplayName">Their name.</param>
/// <param name="Color">Their colour (#rrggbb).</param>
/// <param name="Cursor">Where their pointer is on the image, or null when it is not over the image.</param>
/// <param name="Selection">The regions they have selected.</param>
public sealed record PresencePeer(
    string UserId,
    string DisplayName,
    string Color,
    PresencePoint? Cursor,
    IReadOnlyList<Guid> Selection);

/// <summary>The colours and initials of viewers.</summary>
public static class PresenceColors
{
    // Distinct from each other, readable with white initials, visible on the dark canvas; no pure reds (the usual colour
    // of a first label, and of errors).
    private static readonly string[] Palette =
    [
        "#e8710a", "#1a73e8", "#d01884", "#188038", "#9334e6", "#00639b",
        "#12b5cb", "#b06000", "#3f51b5", "#e52592", "#00897b", "#795548",
    ];

    /// <summary>The colour of a user: derived from the id (FNV-1a), so every node and every page agrees without asking.</summary>
    public static string For(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var hash = 2166136261u;
        foreach (var c in userId)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return Palette[hash % (uint)Palette.Length];
    }

    /// <summary>The first letters of the first and last words of a name ("Alan M. Turing" → "AT"; "grace" → "GR").</summary>
    public static string Initials(string name)
    {
        var words = (name ?? "").Split([' ', '.', '_', '-'], StringSplitOptions.RemoveEmptyEntries);
        return words.Length switch
        {
            0 => "?",
            1 => words[0][..Math.Min(2, words[0].Length)].ToUpperInvariant(),
            _ => string.Concat(char.ToUpperInvariant(words[0][0]), char.ToUpperInvariant(words[^1][0])),
        };
    }
}
