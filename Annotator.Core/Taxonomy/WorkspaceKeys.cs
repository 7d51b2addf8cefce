namespace Annotator.Core.Taxonomy;

/// <summary>
/// Keys the labeling workspace uses for its tools and commands (wwwroot/js/workspace/hotkeys.js), which a label's
/// hotkey must not take. Label hotkeys are one letter or digit.
/// </summary>
public static class WorkspaceKeys
{
    /// <summary>The tool and command keys, lower case.</summary>
    public static IReadOnlySet<string> Reserved { get; } = new HashSet<string>(StringComparer.OrdinalIgnoreCase)
    {
        "v", "b", "r", "p", "f", "l", "t", "e", "k", "m", "x", "n", "h", "d", "s",
    };

    /// <summary>Whether a workspace tool or command uses <paramref name="key"/> (case-insensitive).</summary>
    public static bool IsReserved(string key) => Reserved.Contains(key);

    /// <summary>What the workspace does with a reserved key, for messages.</summary>
    public static string Use(string key) => key.ToLowerInvariant() switch
    {
        "v" => "the select tool",
        "b" => "the box tool",
        "r" => "the rotated box tool",
        "p" => "the polygon tool",
        "f" => "the freehand tool",
        "l" => "the polyline tool",
        "t" => "the point tool",
        "e" => "the ellipse tool",
        "k" => "the keypoints tool",
        "m" => "the brush tool",
        "x" => "the eraser",
        "n" => "next image",
        "h" => "hide",
        "d" => "Done",
        "s" => "Skip",
        _ => "the workspace",
    };
}
