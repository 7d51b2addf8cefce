using System.Diagnostics;
using System.Net;
using System.Reflection;
using Annotator.Tests.Reliability;

namespace Annotator.Tests.Web.Hosting;

/// <summary>
/// The published app started as <c>dotnet /somewhere/Annotator.Web.dll</c> from another working directory serves its
/// static files (they come from the app's own folder, not from the working directory).
/// </summary>
public sealed class PublishedAppFromAnotherFolder : IAsyncLifetime
{
    private static readonly TimeSpan PublishLimit = TimeSpan.FromMinutes(5);

    private readonly string _root = Path.Combine(Path.GetTempPath(), "annotator-published-" + Guid.NewGuid().ToString("N")[..12]);

    public ValueTask InitializeAsync()
    {
        Directory.CreateDirectory(_root);
        return ValueTask.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        try
        {
            Directory.Delete(_root, recursive: true);
        }
        catch (IOException)
        {
        }
        return ValueTask.CompletedTask;
    }

    [Fact]
    public async Task ServesStaticFilesWithTheirContent()
    {
        var appFolder = Path.Combine(_root, "app");
        var elsewhere = Directory.CreateDirectory(Path.Combine(_root, "elsewhere")).FullName;
        await PublishAsync(appFolder);

        await using var app = await AppProcess.StartAsync(Path.Combine(_root, "data"), appFolder, elsewhere, TestContext.Current.CancellationToken);
        using var http = new HttpClient { BaseAddress = app.Address, Timeout = TimeSpan.FromSeconds(30) };

        foreach (var asset in new[] { "/_framework/blazor.web.js", "/js/upload.js", "/favicon.svg" })
        {
            using var response = await http.GetAsync(asset, TestContext.Current.CancellationToken);
            var body = await response.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{asset} answered {(int)response.StatusCode}.\n{app.Output}");
            Assert.True(body.Length > 100, $"{asset} came back with {body.Length} bytes.\n{app.Output}");
        }
        // The working directory gets nothing: the data folder was configured, the content root is the app's folder.
        Assert.Empty(Directory.EnumerateFileSystemEntries(elsewhere));
    }

    /// <summary>Publishes the already built Annotator.Web (same configuration as these tests) to <paramref name="output"/>.</summary>
    private static async Task PublishAsync(string output)
    {
        var project = Path.Combine(SolutionFolder(), "Annotator.Web", "Annotator.Web.csproj");
        var configuration = typeof(PublishedAppFromAnotherFolder).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var start = new ProcessStartInfo(AppProcess.DotnetHost())
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "publish", project, "--no-build", "-c", configuration, "-o", output, "-nologo", "-v", "q" })
        {
            start.ArgumentList.Add(argument);
        }
        var (exitCode, stdout, stderr) = await AppProcess.RunToExitAsync(start, PublishLimit);
        Assert.True(exitCode == 0, $"dotnet publish failed:\n{stdout}\n{stderr}");
    }

    private static string SolutionFolder()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Annotator.sln")))
            {
                return folder.FullName;
            }
        }
        throw new InvalidOperationException($"No Annotator.sln above {AppContext.BaseDirectory}.");
    }
}
