namespace Annotator.Web.Images;

/// <summary>The rule for names inside uploaded archives.</summary>
public static class ZipEntryNames
{
    /// <summary>
    /// Whether an entry name is a plain relative path: not rooted, no drive letter, no <c>..</c> segment. Entry names
    /// never become paths here (files are stored by hash), but an archive that tries to climb out is hostile and its
    /// entry is refused.
    /// </summary>
    public static bool IsSafe(string fullName)
    {
        if (string.IsNullOrEmpty(fullName) || fullName.Contains('\0'))
        {
            return false;
        }
        var normalised = fullName.Replace('\\', '/');
        if (normalised.StartsWith('/') || (normalised.Length >= 2 && normalised[1] == ':'))
        {
            return false;
        }
        return !normalised.Split('/').Any(segment => segment == "..");
    }
}
