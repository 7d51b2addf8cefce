using System.Globalization;
using System.Text.RegularExpressions;

namespace Annotator.Core.Taxonomy.Interchange;

/// <summary>Colours of imported labels: CSS colours read into lower-case #rrggbb, and the palette for labels without one.</summary>
internal static partial class InterchangeColors
{
    /// <summary>
    /// Twenty distinct colours (Sasha Trubetskoy's list, which the demo taxonomy also starts from), handed out in order
    /// to labels that bring no colour.
    /// </summary>
    public static IReadOnlyList<string> Palette { get; } =
    [
        "#e6194b", "#3cb44b", "#ffe119", "#4363d8", "#f58231", "#911eb4", "#42d4f4", "#f032e6", "#bfef45", "#fabed4",
        "#469990", "#dcbeff", "#9a6324", "#fffac8", "#800000", "#aaffc3", "#808000", "#ffd8b1", "#000075", "#a9a9a9",
    ];

    // The CSS names people actually write in label configs; anything rarer gets a palette colour and a note.
    private static readonly Dictionary<string, string> Named = new(StringComparer.OrdinalIgnoreCase)
    {
        ["black"] = "#000000", ["white"] = "#ffffff", ["gray"] = "#808080", ["grey"] = "#808080",
        ["silver"] = "#c0c0c0", ["red"] = "#ff0000", ["maroon"] = "#800000", ["crimson"] = "#dc143c",
        ["darkred"] = "#8b0000", ["tomato"] = "#ff6347", ["coral"] = "#ff7f50", ["salmon"] = "#fa8072",
        ["orange"] = "#ffa500", ["darkorange"] = "#ff8c00", ["gold"] = "#ffd700", ["yellow"] = "#ffff00",
        ["khaki"] = "#f0e68c", ["olive"] = "#808000", ["lime"] = "#00ff00", ["green"] = "#008000",
        ["darkgreen"] = "#006400", ["lightgreen"] = "#90ee90", ["limegreen"] = "#32cd32", ["teal"] = "#008080",
        ["cyan"] = "#00ffff", ["aqua"] = "#00ffff", ["turquoise"] = "#40e0d0", ["skyblue"] = "#87ceeb",
        ["lightblue"] = "#add8e6", ["blue"] = "#0000ff", ["darkblue"] = "#00008b", ["navy"] = "#000080",
        ["royalblue"] = "#4169e1", ["steelblue"] = "#4682b4", ["purple"] = "#800080", ["indigo"] = "#4b0082",
        ["violet"] = "#ee82ee", ["magenta"] = "#ff00ff", ["fuchsia"] = "#ff00ff", ["orchid"] = "#da70d6",
        ["pink"] = "#ffc0cb", ["hotpink"] = "#ff69b4", ["brown"] = "#a52a2a", ["chocolate"] = "#d2691e",
        ["tan"] = "#d2b48c", ["beige"] = "#f5f5dc", ["lavender"] = "#e6e6fa", ["plum"] = "#dda0dd",
    };

    /// <summary>
    /// Reads #rgb, #rrggbb, #rrggbbaa, rgb()/rgba() or a common CSS name into #rrggbb (alpha is dropped: labels are
    /// drawn with their own opacity). False for anything else.
    /// </summary>
    public static bool TryRead(string? css, out string color)
    {
        color = "";
        var text = css?.Trim() ?? "";
        if (Named.TryGetValue(text, out var named))
        {
            color = named;
            return true;
        }
        if (Hex().Match(text) is { Success: true } hex)
        {
            var digits = hex.Groups[1].Value.ToLowerInvariant();
            color = digits.Length switch
            {
                3 or 4 => $"#{digits[0]}{digits[0]}{digits[1]}{digits[1]}{digits[2]}{digits[2]}",
                _ => $"#{digits[..6]}",
            };
            return true;
        }
        if (Rgb().Match(text) is { Success: true } rgb)
        {
            var channels = new int[3];
            for (var i = 0; i < 3; i++)
            {
                if (!int.TryParse(rgb.Groups[i + 1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out channels[i])
                    || channels[i] > 255)
                {
                    return false;
                }
            }
            color = $"#{channels[0]:x2}{channels[1]:x2}{channels[2]:x2}";
            return true;
        }
        return false;
    }

    [GeneratedRegex("^#([0-9a-fA-F]{3}|[0-9a-fA-F]{4}|[0-9a-fA-F]{6}|[0-9a-fA-F]{8})$")]
    private static partial Regex Hex();

    [GeneratedRegex(@"^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})\s*(,\s*[0-9.]+%?\s*)?\)$", RegexOptions.IgnoreCase)]
    private static partial Regex Rgb();
}
