using System.Diagnostics;
using System.Globalization;

namespace Annotator.Bench;

/// <summary>
/// Macro benchmarks of the real app: <c>ingest</c> (images per second through the upload endpoint), <c>grid</c>
/// (opening a project of 100,000 images), <c>canvas</c> (10,000 shapes in the labeling workspace, in Chromium), <c>live</c>
/// (500 programs on the annotations hub: how fast a committed operation reaches the others) and <c>live-throughput</c>
/// (operations persisted per second through the hub), <c>live-nodes</c> (the same on one node and on two, on PostgreSQL
/// and Redis) and <c>taxonomy</c> (publishing a merge that relabels 50,000 regions). Each run is bounded by a timeout and cleans up its temporary folders.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        var command = args.FirstOrDefault()?.ToLowerInvariant();
        var options = BenchOptions.Parse(args.Skip(1).ToArray());
        using var timeout = new CancellationTokenSource(options.Timeout);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            timeout.Cancel();
        };
        try
        {
            switch (command)
            {
                case "ingest":
                    await IngestBenchmark.RunAsync(options, timeout.Token);
                    return 0;
                case "generate":
                    // Writes the ingest input once, for repeated runs with --input while profiling.
                    // --size WxH makes other sizes: tiny images show the pipeline's fixed cost per file.
                    var size = BenchOptions.Value(args, "--size")?.Split('x') is [var w, var h] ? (int.Parse(w, CultureInfo.InvariantCulture), int.Parse(h, CultureInfo.InvariantCulture)) : (IngestBenchmark.Width, IngestBenchmark.Height);
                    JpegGenerator.Generate(options.Input ?? throw new ArgumentException("generate needs --input FOLDER"),
                        options.Images + IngestBenchmark.WarmUp, size.Item1, size.Item2, timeout.Token);
                    return 0;
                case "ingest-profile":
                    await IngestBenchmark.ProfileAsync(options, timeout.Token);
                    return 0;
                case "grid":
                    await GridBenchmark.RunAsync(options, timeout.Token);
                    return 0;
                case "canvas":
                    await CanvasBenchmark.RunAsync(options, timeout.Token);
                    return 0;
                case "live":
                    await LiveBenchmark.RunAsync(int.Parse(BenchOptions.Value(args, "--clients") ?? "500", CultureInfo.InvariantCulture), timeout.Token);
                    return 0;
                case "live-throughput":
                    await LiveBenchmark.RunThroughputAsync(timeout.Token);
                    return 0;
                case "live-nodes":
                    await LiveBenchmark.RunNodesAsync(timeout.Token);
                    return 0;
                case "taxonomy":
                    await TaxonomyBenchmark.RunAsync(int.Parse(BenchOptions.Value(args, "--regions") ?? "50000", CultureInfo.InvariantCulture), timeout.Token);
                    return 0;
                case "grid-cold":
                    // Started by "grid" itself, in a fresh process.
                    await GridBenchmark.RunColdAsync(args, timeout.Token);
                    return 0;
                case "all":
                    // Each benchmark in its own process: "cold" then means a fresh runtime, and one benchmark's
                    // memory peak is not the other's.
                    var ingest = await RunChildAsync(["ingest", .. args.Skip(1)], timeout.Token);
                    var grid = await RunChildAsync(["grid", .. args.Skip(1)], timeout.Token);
                    var canvas = await RunChildAsync(["canvas", .. args.Skip(1)], timeout.Token);
                    return ingest != 0 ? ingest : grid != 0 ? grid : canvas;
                default:
                    Console.Error.WriteLine("Usage: Annotator.Bench ingest|grid|canvas|live|live-throughput|live-nodes|taxonomy|all [--images N] [--regions N] [--clients N] [--concurrency N] [--grid-images N] " +
                        "[--timeout-minutes N] [--input FOLDER]\n       Annotator.Bench generate --input FOLDER [--images N] [--size WxH]\n" +
                        "       Annotator.Bench ingest-profile [--images N]");
                    return 2;
            }
        }
        catch (OperationCanceledException) when (timeout.IsCancellationRequested)
        {
            Console.Error.WriteLine($"Stopped: the run took longer than {options.Timeout.TotalMinutes:N0} minutes or was cancelled.");
            return 3;
        }
        finally
        {
            // Each benchmark deletes its own folder under this one; the shared parent goes once it is empty.
            try
            {
                Directory.Delete(Path.Combine(Path.GetTempPath(), "annotator-bench"));
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>Runs this program again with <paramref name="args"/>, sharing the console.</summary>
    public static async Task<int> RunChildAsync(string[] args, CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(Environment.ProcessPath!) { UseShellExecute = false };
        if (Path.GetFileNameWithoutExtension(Environment.ProcessPath!) == "dotnet")
        {
            start.ArgumentList.Add(typeof(Program).Assembly.Location);
        }
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }
        using var child = Process.Start(start)!;
        try
        {
            await child.WaitForExitAsync(cancellationToken);
        }
        catch (OperationCanceledException)
        {
            child.Kill(entireProcessTree: true);
            throw;
        }
        return child.ExitCode;
    }
}

/// <summary>Command-line options.</summary>
internal sealed record BenchOptions(int Images, int Concurrency, int GridImages, TimeSpan Timeout, string? Input)
{
    /// <summary>
    /// Reads <c>--images</c>, <c>--concurrency</c>, <c>--grid-images</c>, <c>--timeout-minutes</c> and <c>--input</c> (a folder
    /// of JPEGs to ingest instead of generating them, to repeat a run quickly while profiling; it is left alone).
    /// </summary>
    public static BenchOptions Parse(string[] args)
    {
        var input = Value(args, "--input");
        int Get(string name, int fallback)
        {
            var i = Array.IndexOf(args, name);
            return i >= 0 && i + 1 < args.Length && int.TryParse(args[i + 1], out var value) && value > 0 ? value : fallback;
        }
        return new BenchOptions(Get("--images", 2000), Get("--concurrency", 4), Get("--grid-images", 100_000),
            TimeSpan.FromMinutes(Get("--timeout-minutes", 30)), input);
    }

    /// <summary>The value after <paramref name="name"/>, or null.</summary>
    public static string? Value(string[] args, string name) =>
        Array.IndexOf(args, name) is var at && at >= 0 && at + 1 < args.Length ? args[at + 1] : null;
}
