using Annotator.Core;
using Annotator.Web.Images;

namespace Annotator.Tests.Web.Images;

public sealed class ServerFolderResolve : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "annotator-import-" + Guid.NewGuid().ToString("N"));
    private readonly string _outside = Path.Combine(Path.GetTempPath(), "annotator-outside-" + Guid.NewGuid().ToString("N"));

    public ServerFolderResolve()
    {
        Directory.CreateDirectory(Path.Combine(_root, "batch", "day1"));
        Directory.CreateDirectory(_outside);
        File.WriteAllText(Path.Combine(_outside, "secret.png"), "x");
        Directory.CreateSymbolicLink(Path.Combine(_root, "link-out"), _outside);
        File.CreateSymbolicLink(Path.Combine(_root, "batch", "secret.png"), Path.Combine(_outside, "secret.png"));
        File.WriteAllText(Path.Combine(_root, "batch", "day1", "a.png"), "x");
    }

    [Theory]
    [InlineData("", "")]
    [InlineData("batch", "batch")]
    [InlineData("batch/day1", "batch/day1")]
    [InlineData("batch/./day1/", "batch/day1")]
    public void ResolvesFoldersInsideTheRoot(string relative, string expected)
    {
        var (root, path) = ServerFolder.Resolve(_root, relative);
        Assert.Equal(Path.TrimEndingDirectorySeparator(Path.Combine(_root, expected)), path);
        Assert.Equal(_root, root);
    }

    [Theory]
    [InlineData("..", "'..'")]
    [InlineData("batch/../../", "'..'")]
    [InlineData("/etc", "relative")]
    [InlineData("link-out", "symbolic link")]
    [InlineData("missing", "no folder")]
    public void RefusesEveryWayOut(string relative, string message)
    {
        var error = Assert.Throws<DomainException>(() => ServerFolder.Resolve(_root, relative));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void RefusesWhenNotConfigured() =>
        Assert.Contains("not configured", Assert.Throws<DomainException>(() => ServerFolder.Resolve("", "x")).Message);

    [Fact]
    public void ListsRegularFilesAndSkipsLinks()
    {
        var (root, path) = ServerFolder.Resolve(_root, "batch");
        Assert.Equal([Path.Combine(_root, "batch", "day1", "a.png")], ServerFolder.ImageCandidates(root, path));
    }

    public void Dispose()
    {
        Directory.Delete(_root, recursive: true);
        Directory.Delete(_outside, recursive: true);
    }
}
