using System.Globalization;

namespace Annotator.Bench;

/// <summary>
/// What else the machine was doing while a benchmark ran: the load average, and how the cores' time was spent
/// (from <c>/proc/stat</c>). On a virtual machine "steal" is time the hypervisor gave our virtual cores to someone
/// else: a run with 35 % steal had about 1.3 of its 2 cores, and its wall-clock figures are that much worse.
/// </summary>
internal static class MachineLoad
{
    /// <summary>The 1, 5 and 15 minute load averages (and runnable/total tasks) from /proc/loadavg.</summary>
    public static string LoadAverage()
    {
        try
        {
            return File.ReadAllText("/proc/loadavg").Trim();
        }
        catch (IOException)
        {
            return "n/a";
        }
    }

    /// <summary>The machine's CPU time counters now (jiffies summed over all cores), or null where /proc/stat is missing.</summary>
    public static CpuTimes? Cpu()
    {
        if (!File.Exists("/proc/stat"))
        {
            return null;
        }
        var line = File.ReadLines("/proc/stat").First(l => l.StartsWith("cpu ", StringComparison.Ordinal));
        var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries).Skip(1)
            .Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already counted in user).
        long At(int i) => i < fields.Length ? fields[i] : 0;
        return new CpuTimes(At(0) + At(1) + At(2) + At(5) + At(6), At(3) + At(4), At(7));
    }
}

/// <summary>Cumulative CPU time of the whole machine, in clock ticks.</summary>
/// <param name="Busy">User, nice, system, irq and softirq.</param>
/// <param name="Idle">Idle and I/O wait.</param>
/// <param name="Steal">Taken by the hypervisor for other guests.</param>
internal sealed record CpuTimes(long Busy, long Idle, long Steal)
{
    /// <summary>How the cores' time between <paramref name="start"/> and this was spent, as "busy 61 %, idle 4 %, steal 35 %".</summary>
    public string Since(CpuTimes? start)
    {
        if (start is null)
        {
            return "n/a";
        }
        var busy = Busy - start.Busy;
        var idle = Idle - start.Idle;
        var steal = Steal - start.Steal;
        var total = Math.Max(1, busy + idle + steal);
        return $"busy {100d * busy / total:N0} %, idle {100d * idle / total:N0} %, steal {100d * steal / total:N0} %";
    }
}
