
namespace Annotator.Web.Collaboration;

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
    public static PresenceJoin From(Annotations.EditContext context, string displayName)
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
    /// <summary>
    /// Two letters for the avatar: the name's initials, unless someone else present in the project has the same ones
    /// (then <see cref="PresenceColors.Distinct"/> picks others).
    /// </summary>
    public string Initials { get; init; } = PresenceColors.Initials(DisplayName);
}

/// <summary>How a person present in a project is shown: their colour and the letters of their avatar.</summary>
/// <param name="Color">#rrggbb.</param>
/// <param name="Initials">One or two letters (a letter and a digit when letters run out).</param>
public sealed record PresenceLook(string Color, string Initials);

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

    /// <summary>
    /// The home colour of a user: derived from the id (FNV-1a), so every node and every page agrees without asking.
    /// Shown as it is unless someone else present in the project has the same one (see <see cref="Distinct"/>).
    /// </summary>
    public static string For(string userId) => Palette[HomeIndex(userId)];

    private static int HomeIndex(string userId)
    {
        ArgumentNullException.ThrowIfNull(userId);
        var hash = 2166136261u;
        foreach (var c in userId)
        {
            hash = (hash ^ c) * 16777619u;
        }
        return (int)(hash % (uint)Palette.Length);
    }

    /// <summary>
    /// How each of the people present together (in one project) is shown, so that no two look alike. Colours: everyone
    /// whose home colour (<see cref="For"/>) nobody else present has keeps it; the others, in user id order, take the
    /// next free colour of the palette after theirs (beyond 12 people colours repeat, and the letters still differ).
    /// Initials: people whose initials nobody else present shares keep them; those who share them all get other letters
    /// of their names ("Ada Byron" and "Alan Brown": "AD" and "AL" instead of "AB" twice). The result depends only on
    /// who is present (ids and names), so every node and every page shows the same.
    /// </summary>
    public static IReadOnlyDictionary<string, PresenceLook> Distinct(IEnumerable<(string UserId, string Name)> people)
    {
        ArgumentNullException.ThrowIfNull(people);
        var users = people.DistinctBy(p => p.UserId).OrderBy(p => p.UserId, StringComparer.Ordinal).ToList();

        var colours = new Dictionary<string, int>();
        var taken = new HashSet<int>();
        var moved = new List<string>();
        foreach (var (userId, _) in users)
        {
            var home = HomeIndex(userId);
            if (taken.Add(home))
            {
                colours[userId] = home;
            }
            else
            {
                moved.Add(userId);
            }
        }
        foreach (var userId in moved)
        {
            var home = HomeIndex(userId);
            var free = Enumerable.Range(1, Palette.Length - 1).Select(step => (home + step) % Palette.Length).Where(i => !taken.Contains(i))
                .Select(i => (int?)i).FirstOrDefault();
            colours[userId] = free ?? home;
            taken.Add(colours[userId]);
        }

        var plain = users.ToDictionary(u => u.UserId, u => Initials(u.Name));
        var shared = plain.Values.GroupBy(i => i).Where(g => g.Count() > 1).Select(g => g.Key).ToHashSet();
        var letters = new Dictionary<string, string>();
        var used = plain.Values.ToHashSet();
        foreach (var (userId, name) in users)
        {
            if (!shared.Contains(plain[userId]))
            {
                letters[userId] = plain[userId];
                continue;
            }
            var other = Alternatives(name).FirstOrDefault(c => !used.Contains(c))
                ?? Enumerable.Range(2, 98).Select(n => plain[userId][..1] + n.ToString(System.Globalization.CultureInfo.InvariantCulture))
                    .First(c => !used.Contains(c));
            used.Add(other);
            letters[userId] = other;
        }
        return users.ToDictionary(u => u.UserId, u => new PresenceLook(Palette[colours[u.UserId]], letters[u.UserId]));
    }

    /// <summary>Other two-letter forms of a name: its first letter with each later letter of its words, in order.</summary>
    private static IEnumerable<string> Alternatives(string name)
    {
        var words = Words(name);
        if (words.Length == 0)
        {
            yield break;
        }
        var first = char.ToUpperInvariant(words[0][0]);
        foreach (var word in words.Skip(1).Prepend(words[0][1..]))
        {
            foreach (var c in word.Where(char.IsLetterOrDigit))
            {
                yield return string.Concat(first, char.ToUpperInvariant(c));
            }
        }
    }

    private static string[] Words(string? name) => (name ?? "").Split([' ', '.', '_', '-'], StringSplitOptions.RemoveEmptyEntries);

    /// <summary>The first letters of the first and last words of a name ("Alan M. Turing" → "AT"; "grace" → "GR").</summary>
    public static string Initials(string name)
    {
        var words = Words(name);
        return words.Length switch
        {
            0 => "?",
            1 => words[0][..Math.Min(2, words[0].Length)].ToUpperInvariant(),
            _ => string.Concat(char.ToUpperInvariant(words[0][0]), char.ToUpperInvariant(words[^1][0])),
        };
    }
}
