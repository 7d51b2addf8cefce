namespace Annotator.Web.Components.Layout;

/// <summary>Light or dark: what the user chose in the app bar, or the system's setting.</summary>
public enum ThemeMode
{
    /// <summary>Follow the system's (browser's) setting, prefers-color-scheme.</summary>
    System,

    /// <summary>Always light.</summary>
    Light,

    /// <summary>Always dark.</summary>
    Dark,
}

/// <summary>
/// The theme as this browser remembers it, in the <see cref="CookieName"/> cookie: the user's choice and, when they
/// follow the system, the system's setting as last seen. The server reads it to render a page in the right colours from
/// the first byte; the browser rewrites it whenever either changes (MainLayout). Not a secret, and nothing trusts it.
/// </summary>
/// <param name="Mode">The user's choice.</param>
/// <param name="SystemDark">Whether the system was last seen in dark mode.</param>
public readonly record struct ThemeSetting(ThemeMode Mode, bool SystemDark)
{
    /// <summary>The cookie's name.</summary>
    public const string CookieName = "annotator-theme";

    /// <summary>Whether pages are dark.</summary>
    public bool IsDark => Mode == ThemeMode.Dark || (Mode == ThemeMode.System && SystemDark);

    /// <summary>Reads the cookie's value; anything else (no cookie, a value from elsewhere) follows a light system.</summary>
    public static ThemeSetting Parse(string? value) => value switch
    {
        "dark" => new(ThemeMode.Dark, false),
        "light" => new(ThemeMode.Light, false),
        "system-dark" => new(ThemeMode.System, true),
        _ => new(ThemeMode.System, false),
    };

    /// <summary>The cookie's value.</summary>
    public override string ToString() => Mode switch
    {
        ThemeMode.Dark => "dark",
        ThemeMode.Light => "light",
        _ => SystemDark ? "system-dark" : "system-light",
    };
}
