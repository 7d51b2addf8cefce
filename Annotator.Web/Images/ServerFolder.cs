using Annotator.Core;

namespace Annotator.Web.Images;

/// <summary>Resolves a folder an admin named for import, strictly inside the configured import root.</summary>
public static class ServerFolder
{
    /// <summary>
    /// Resolves <paramref name="relative"/> under <paramref name="root"/>. Throws <see cref="DomainException"/> when
    /// import is not configured, the path is absolute, climbs out with <c>..</c>, passes through a symbolic link, or
    /// does not exist.
    /// </summary>
    public static (string Root, string Path) Resolve(string? root, string? relative)
    {
        if (string.IsNullOrWhiteSpace(root))
        {
            throw new DomainException("Import from a server folder is not configured (set Annotator:Images:ImportRoot).");
        }
        var fullRoot = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(root));
        if (!Directory.Exists(fullRoot))
        {
            throw new DomainException("The configured import folder does not exist on the server.");
        }
        var rel = (relative ?? "").Trim();
        if (System.IO.Path.IsPathRooted(rel) || rel.Contains('\0'))
        {
            throw new DomainException("Give a folder relative to the import root, not an absolute path.");
        }
        if (rel.Replace('\\', '/').Split('/').Any(s => s == ".."))
        {
            throw new DomainException("The folder may not contain '..'.");
        }
        var full = System.IO.Path.TrimEndingDirectorySeparator(System.IO.Path.GetFullPath(System.IO.Path.Combine(fullRoot, rel)));
        if (full != fullRoot && !full.StartsWith(fullRoot + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
        {
            throw new DomainException("The folder is outside the import root.");
        }
        // Every step below the root must be a real folder, not a link that could lead elsewhere.
        for (var step = full; step.Length > fullRoot.Length; step = System.IO.Path.GetDirectoryName(step)!)
        {
            var info = new DirectoryInfo(step);
            if (!info.Exists)
            {
                throw new DomainException($"There is no folder '{rel}' under the import root.");
            }
            if (info.LinkTarget is not null)
            {
                throw new DomainException("The folder passes through a symbolic link, which import does not follow.");
            }
        }
        return (fullRoot, full);
    }

    /// <summary>All regular files under <paramref name="folder"/>, in name order, never following symbolic links.</summary>
    public static IEnumerable<string> ImageCandidates(string root, string folder)
    {
        var options = new EnumerationOptions
        {
            RecurseSubdirectories = true,
            AttributesToSkip = FileAttributes.ReparsePoint | FileAttributes.Hidden | FileAttributes.System,
            IgnoreInaccessible = true,
        };
        return Directory.EnumerateFiles(folder, "*", options)
            .Where(f => f.StartsWith(root + System.IO.Path.DirectorySeparatorChar, StringComparison.Ordinal))
            .Order(StringComparer.Ordinal);
    }
}
