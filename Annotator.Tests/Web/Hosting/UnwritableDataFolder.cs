using Annotator.Tests.Reliability;

namespace Annotator.Tests.Web.Hosting;

/// <summary>
/// A data folder the app cannot write to stops the start with one line naming the folder and what to do, and a
/// non-zero exit code; no stack trace.
/// </summary>
public sealed class UnwritableDataFolder : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "annotator-tests", "unwritable-" + Guid.NewGuid().ToString("N"));

    public UnwritableDataFolder() => Directory.CreateDirectory(_root);

    [Fact]
    public async Task StopsTheStartWithOneClearLine()
    {
        string data;
        if (Environment.IsPrivilegedProcess || OperatingSystem.IsWindows())
        {
            // Root writes through any mode bits: a folder that cannot be made because its parent is a regular file is
            // just as unwritable, for root too (and there are no mode bits on Windows).
            var file = Path.Combine(_root, "not-a-folder");
            await File.WriteAllTextAsync(file, "a file where the data folder's parent should be", TestContext.Current.CancellationToken);
            data = Path.Combine(file, "data");
        }
        else
        {
            data = Path.Combine(_root, "data");
            Directory.CreateDirectory(data);
            File.SetUnixFileMode(data, UnixFileMode.UserRead | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute
                | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        }

        var (exitCode, output, error) = await AppProcess.RunUntilExitAsync(data, TimeSpan.FromSeconds(120));

        Assert.NotEqual(0, exitCode);
        var lines = error.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var line = Assert.Single(lines);
        Assert.StartsWith($"Annotator cannot write to its data folder {data} (", line, StringComparison.Ordinal);
        Assert.Contains("Annotator:DataPath", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", output + error, StringComparison.Ordinal);
        Assert.DoesNotContain("Exception", output + error, StringComparison.Ordinal);
    }

    public void Dispose()
    {
        if (!OperatingSystem.IsWindows())
        {
            foreach (var folder in Directory.EnumerateDirectories(_root, "*", SearchOption.AllDirectories))
            {
                File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            }
        }
        Directory.Delete(_root, recursive: true);
    }
}
