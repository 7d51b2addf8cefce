namespace Annotator.Web.Accounts;

/// <summary>Guards redirects after sign-in against leading off-site.</summary>
public static class LocalUrl
{
    /// <summary><paramref name="url"/> when it is a path on this site, else "/".</summary>
    public static string OrHome(string? url)
    {
        if (string.IsNullOrEmpty(url) || url[0] != '/' || url.StartsWith("//", StringComparison.Ordinal)
            || url.StartsWith("/\\", StringComparison.Ordinal) || url.Any(char.IsControl))
        {
            return "/";
        }
        return url;
    }
}
