using System.Diagnostics;
using System.Globalization;
using System.Runtime;

namespace Annotator.Bench;

/// <summary>Memory figures of this process, from /proc (Linux).</summary>
internal static class ProcessMemory
{
    /// <summary>Peak resident set size (VmHWM) in bytes, or -1 where /proc is missing.</summary>
    public static long PeakWorkingSet() => Status("VmHWM:");

    /// <summary>Current resident set size (VmRSS) in bytes, or -1.</summary>
    public static long WorkingSet() => Status("VmRSS:");

    /// <summary>
    /// Resets VmHWM to the current RSS, so a phase's peak is not the peak of what ran before it (generating the test
    /// images, an earlier phase). Returns false where the kernel does not allow it.
    /// </summary>
    public static bool ResetPeak()
    {
        try
        {
            File.WriteAllText("/proc/self/clear_refs", "5");
            return true;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static long Status(string key)
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/self/status"))
            {
                if (line.StartsWith(key, StringComparison.Ordinal))
                {
                    var kb = line[key.Length..].Trim().Split(' ')[0];
                    return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
                }
            }
        }
        catch (IOException)
        {
        }
        return -1;
    }
}

/// <summary>
/// What the runtime and the process did during a timed phase: peak RSS (VmHWM after a reset), the largest managed
/// heap seen by a 50 ms sampler, and GC counts, pauses and allocations.
/// </summary>
internal sealed class PhaseMonitor : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _sampler;
    private readonly int[] _collections;
    private readonly TimeSpan _pause;
    private readonly long _allocated;
    private readonly TimeSpan _cpu;
    private readonly long _jitted;
    private readonly TimeSpan _jitTime;
    private long _maxHeap;

    private PhaseMonitor()
    {
        PeakWasReset = ProcessMemory.ResetPeak();
        _collections = [GC.CollectionCount(0), GC.CollectionCount(1), GC.CollectionCount(2)];
        _pause = GC.GetTotalPauseDuration();
        _allocated = GC.GetTotalAllocatedBytes();
        _cpu = Process.GetCurrentProcess().TotalProcessorTime;
        _jitted = JitInfo.GetCompiledMethodCount();
        _jitTime = JitInfo.GetCompilationTime();
        _sampler = SampleAsync(_stop.Token);
    }

    /// <summary>Whether VmHWM was reset at the start (else the peak includes what ran before).</summary>
    public bool PeakWasReset { get; }

    /// <summary>Starts monitoring.</summary>
    public static PhaseMonitor Start() => new();

    /// <summary>The figures so far.</summary>
    public PhaseFigures Read()
    {
        var info = GC.GetGCMemoryInfo(GCKind.Any);
        return new PhaseFigures(
            ProcessMemory.PeakWorkingSet(),
            PeakWasReset,
            Math.Max(Interlocked.Read(ref _maxHeap), GC.GetTotalMemory(false)),
            info.TotalCommittedBytes,
            GC.CollectionCount(0) - _collections[0],
            GC.CollectionCount(1) - _collections[1],
            GC.CollectionCount(2) - _collections[2],
            GC.GetTotalPauseDuration() - _pause,
            GC.GetTotalAllocatedBytes() - _allocated,
            Process.GetCurrentProcess().TotalProcessorTime - _cpu,
            JitInfo.GetCompiledMethodCount() - _jitted,
            JitInfo.GetCompilationTime() - _jitTime);
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(50));
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken))
            {
                var heap = GC.GetTotalMemory(false);
                if (heap > Interlocked.Read(ref _maxHeap))
                {
                    Interlocked.Exchange(ref _maxHeap, heap);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _sampler;
        _stop.Dispose();
    }
}

/// <summary>Figures of one phase.</summary>
internal sealed record PhaseFigures(long PeakRss, bool PeakWasReset, long MaxManagedHeap, long GcCommitted, int Gen0, int Gen1,
    int Gen2, TimeSpan GcPause, long Allocated, TimeSpan Cpu, long Jitted, TimeSpan JitTime)
{
    public override string ToString() =>
        $"peak RSS (VmHWM) {Mib(PeakRss)}{(PeakWasReset ? "" : " (not reset: includes earlier phases)")}, " +
        $"max managed heap {Mib(MaxManagedHeap)}, GC committed {Mib(GcCommitted)}, " +
        $"GCs gen0/1/2 {Gen0}/{Gen1}/{Gen2}, GC pauses {GcPause.TotalMilliseconds:N0} ms, allocated {Mib(Allocated)}, " +
        $"process CPU {Cpu.TotalSeconds:N1} s, JIT {Jitted:N0} methods in {JitTime.TotalSeconds:N1} s";

    /// <summary>Bytes as MiB.</summary>
    public static string Mib(long bytes) => bytes < 0 ? "n/a" : $"{bytes / (1024d * 1024):N0} MiB";
}

/// <summary>Order statistics of timings.</summary>
internal static class Stats
{
    /// <summary>The <paramref name="p"/>-quantile (0..1, nearest rank) of <paramref name="values"/>.</summary>
    public static double Quantile(IReadOnlyCollection<double> values, double p)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var rank = (int)Math.Ceiling(p * sorted.Length) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Length - 1)];
    }

    /// <summary>Median (for an even count, the mean of the two middle values).</summary>
    public static double Median(IReadOnlyCollection<double> values)
    {
        var sorted = values.Order().ToArray();
        if (sorted.Length == 0)
        {
            return double.NaN;
        }
        var mid = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
    }
}
