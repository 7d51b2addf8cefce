namespace Annotator.Bench;

internal static class GridBenchmark
{
    public static Task RunAsync(BenchOptions options, CancellationToken cancellationToken) => Task.CompletedTask;
}
