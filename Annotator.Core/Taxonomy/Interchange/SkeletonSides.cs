using System.Text.RegularExpressions;

namespace Annotator.Core.Taxonomy.Interchange;

/// <summary>
/// Infers a skeleton's left/right flip pairs from its point names: "left_eye"/"right_eye", "l_eye"/"r_eye",
/// "left eye"/"right eye", "eye_left"/"eye_right", "leftEye"/"rightEye". A pair needs the same spelling on both sides,
/// so "l_eye" pairs with "r_eye" but not with "right_eye"; "leg" is no left "eg".
/// </summary>
internal static partial class SkeletonSides
{
    /// <summary>The pairs as [left, right] point indices, ordered by the left point.</summary>
    public static List<int[]> FlipPairs(IReadOnlyList<string> points)
    {
        var lefts = new Dictionary<string, int>(StringComparer.Ordinal);
        var rights = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = 0; i < points.Count; i++)
        {
            if (Side(points[i]) is not { } side)
            {
                continue;
            }
            // The first point with a given key wins; a second "left_eye" has no partner to flip with.
            (side.Left ? lefts : rights).TryAdd(side.Key, i);
        }
        return
        [
            .. lefts.Where(l => rights.ContainsKey(l.Key))
                .Select(l => new[] { l.Value, rights[l.Key] })
                .OrderBy(p => p[0]),
        ];
    }

    /// <summary>Which side a name is on, and a key that is the same for its counterpart.</summary>
    private static (bool Left, string Key)? Side(string name)
    {
        var trimmed = name.Trim();
        if (Camel().Match(trimmed) is { Success: true } camel)
        {
            return (camel.Groups[1].Value == "left", "camel:" + camel.Groups[2].Value.ToLowerInvariant());
        }
        var lower = trimmed.ToLowerInvariant();
        if (Prefix().Match(lower) is { Success: true } prefix)
        {
            return Sided(prefix.Groups[1].Value, "prefix", prefix.Groups[2].Value, prefix.Groups[3].Value);
        }
        if (Suffix().Match(lower) is { Success: true } suffix)
        {
            return Sided(suffix.Groups[3].Value, "suffix", suffix.Groups[2].Value, suffix.Groups[1].Value);
        }
        return null;
    }

    private static (bool Left, string Key) Sided(string side, string where, string separator, string rest) =>
        (side is "left" or "l", $"{where}:{(side.Length == 1 ? "short" : "long")}:{separator}:{rest}");

    [GeneratedRegex("^(left|right|l|r)([ _.-])(.+)$")]
    private static partial Regex Prefix();

    [GeneratedRegex("^(.+?)([ _.-])(left|right|l|r)$")]
    private static partial Regex Suffix();

    [GeneratedRegex("^(left|right)([A-Z].*)$")]
    private static partial Regex Camel();
}
