using System.Text.RegularExpressions;

namespace Annotator.Tests.Web.Architecture;

/// <summary>
/// The app's folders (docs/architecture.md) depend on each other one way only: each folder is its own namespace, no
/// two folders reference each other, and no feature references the composition root (Hosting) or the pages (Components).
/// Read from the source, so a reference that creeps in through a using directive or a qualified name is caught alike.
/// </summary>
public sealed partial class FolderDependencies
{
    private static readonly string WebRoot = Path.Combine(RepositoryRoot(), "Annotator.Web");

    [Fact]
    public void EveryFileIsInItsFoldersNamespace()
    {
        var wrong = SourceFiles()
            .Where(f => f.Folder is not ("Components" or "(root)"))
            .Where(f => NamespaceOf(f.Text) is { } ns && ns != $"Annotator.Web.{f.Folder}")
            .Select(f => $"{f.Path}: {NamespaceOf(f.Text)}")
            .ToList();
        Assert.True(wrong.Count == 0, "Files outside their folder's namespace:\n" + string.Join('\n', wrong));
    }

    [Fact]
    public void NoTwoFoldersReferenceEachOther()
    {
        var graph = Graph();
        var both = graph.SelectMany(from => from.Value.Select(to => (From: from.Key, To: to)))
            .Where(edge => string.CompareOrdinal(edge.From, edge.To) < 0 && graph.GetValueOrDefault(edge.To)?.Contains(edge.From) == true)
            .Select(edge => $"{edge.From} <-> {edge.To}")
            .ToList();
        Assert.True(both.Count == 0, "Folders that reference each other:\n" + string.Join('\n', both));
    }

    [Fact]
    public void FeaturesDoNotReferenceTheCompositionRootOrThePages()
    {
        var graph = Graph();
        var wrong = graph.Where(g => g.Key is not ("Hosting" or "Components" or "(root)"))
            .SelectMany(g => g.Value.Where(to => to is "Hosting" or "Components").Select(to => $"{g.Key} -> {to}"))
            .ToList();
        Assert.True(wrong.Count == 0, string.Join('\n', wrong));
    }

    [Fact]
    public void TheFeedKnowsNoFeature()
    {
        // The bus carries every feature's messages; it must not depend on any of them.
        Assert.Empty(Graph().GetValueOrDefault("Feed") ?? []);
    }

    [Fact]
    public void TheGraphIsReadFromTheSource()
    {
        // Guards the test itself: a scan that found nothing would pass the checks above.
        var graph = Graph();
        Assert.Contains("Annotations", graph["Collaboration"]);
        Assert.Contains("Feed", graph["Annotations"]);
    }

    private static Dictionary<string, HashSet<string>> Graph()
    {
        var graph = new Dictionary<string, HashSet<string>>();
        foreach (var file in SourceFiles())
        {
            var targets = graph.TryGetValue(file.Folder, out var set) ? set : graph[file.Folder] = [];
            foreach (Match match in Reference().Matches(file.Text))
            {
                var target = match.Groups[1].Value;
                if (target != file.Folder)
                {
                    targets.Add(target);
                }
            }
        }
        return graph;
    }

    private static IEnumerable<(string Path, string Folder, string Text)> SourceFiles() =>
        Directory.EnumerateFiles(WebRoot, "*.*", SearchOption.AllDirectories)
            .Where(p => p.EndsWith(".cs", StringComparison.Ordinal) || p.EndsWith(".razor", StringComparison.Ordinal))
            .Select(p => Path.GetRelativePath(WebRoot, p))
            .Where(p => !p.StartsWith("bin", StringComparison.Ordinal) && !p.StartsWith("obj", StringComparison.Ordinal)
                && !p.Contains("Migrations", StringComparison.Ordinal))
            .Select(p => (p, p.Contains(Path.DirectorySeparatorChar, StringComparison.Ordinal) ? p[..p.IndexOf(Path.DirectorySeparatorChar, StringComparison.Ordinal)] : "(root)",
                File.ReadAllText(Path.Combine(WebRoot, p))));

    private static string? NamespaceOf(string text) => Namespace().Match(text) is { Success: true } m ? m.Groups[1].Value : null;

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Annotator.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException("The repository root (Annotator.sln) was not found above " + AppContext.BaseDirectory);
    }

    [GeneratedRegex(@"\bAnnotator\.Web\.([A-Z]\w*)")]
    private static partial Regex Reference();

    [GeneratedRegex(@"^namespace (Annotator\.Web(?:\.\w+)?)", RegexOptions.Multiline)]
    private static partial Regex Namespace();
}
