using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Security.Cryptography;
using Annotator.Core.Images;
using Annotator.Web.Images;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vips = NetVips;

namespace Annotator.Bench;

/// <summary>
/// Where one image's ingest time goes, on one thread: hashing, <see cref="ImageInspector.Inspect"/> as the ingest
/// calls it, its libvips stages one by one, and references for what was tried or could be chosen instead. Each stage
/// reports the median and p95 of wall time and of the process's CPU time (libvips runs part of a pipeline on worker
/// threads; on a VM wall time also includes what the hypervisor took).
/// </summary>
internal static partial class IngestProfile
{
    public static void Run(IReadOnlyList<string> files, string dataPath)
    {
        var options = Options.Create(new Annotator.Web.Data.AnnotatorOptions { DataPath = dataPath });
        var inspector = new ImageInspector(Options.Create(new ImageOptions()), new ImageStore(options), NullLogger<ImageInspector>.Instance);
        var stages = new List<(string Name, List<double> Wall, List<double> Cpu)>();
        void Time(string stage, Action action)
        {
            var cpu = ProcessCpuMs();
            var clock = Stopwatch.StartNew();
            action();
            var wall = clock.Elapsed.TotalMilliseconds;
            cpu = ProcessCpuMs() - cpu;
            var index = stages.FindIndex(s => s.Name == stage);
            if (index < 0)
            {
                stages.Add((stage, [], []));
                index = stages.Count - 1;
            }
            stages[index].Wall.Add(wall);
            stages[index].Cpu.Add(cpu);
        }
        var load = Vips.Enums.Access.Sequential;
        var strict = Vips.Enums.FailOn.Error;
        foreach (var file in files)
        {
            Time("read + SHA-256", () => SHA256.HashData(File.ReadAllBytes(file)));
            Time("Inspect, as the ingest calls it", () => inspector.Inspect(file, ImageFormat.Jpeg));
            Time("  header (size check, no pixels)", () =>
            {
                using var header = Vips.Image.NewFromFile(file, access: load, failOn: strict);
                _ = header.Width;
            });
            Vips.Image? thumb = null;
            Time("  strict decode at 1/4 + resize", () =>
            {
                using var decoded = Vips.Image.NewFromFile(file, access: load, failOn: strict, kwargs: new Vips.VOption { { "shrink", 4 } });
                using var resized = decoded.ThumbnailImage(256, 256, size: Vips.Enums.Size.Down);
                thumb = resized.CopyMemory();
            });
            using (thumb)
            {
                Time("  WebP encode, effort 0", () => thumb!.WebpsaveBuffer(q: 80, effort: 0, keep: Vips.Enums.ForeignKeep.None));
                Time("    ref: WebP encode, effort 2", () => thumb!.WebpsaveBuffer(q: 80, effort: 2, keep: Vips.Enums.ForeignKeep.None));
                Time("    ref: JPEG encode, q 80", () => thumb!.JpegsaveBuffer(q: 80, keep: Vips.Enums.ForeignKeep.None));
            }
            Time("    ref: strict decode at 1/8 (entropy decoding)", () =>
            {
                using var decoded = Vips.Image.NewFromFile(file, access: load, failOn: strict, kwargs: new Vips.VOption { { "shrink", 8 } });
                _ = decoded.Avg();
            });
            Time("    ref: libvips thumbnail (decodes at 1/2)", () =>
            {
                using var lazy = Vips.Image.Thumbnail(file + "[fail_on=error]", 256, 256, size: Vips.Enums.Size.Down);
                using var copy = lazy.CopyMemory();
            });
            Time("    ref: full-size strict decode", () =>
            {
                using var full = Vips.Image.NewFromFile(file, access: load, failOn: strict);
                _ = full.Avg();
            });
        }
        Console.WriteLine($"== ingest stages, one thread, {files.Count} files: median / p95 ms, wall and process CPU");
        Console.WriteLine($"  {"",-50} {"wall",15} {"CPU",15}");
        foreach (var (name, wall, cpu) in stages)
        {
            Console.WriteLine($"  {name,-50} {Stats.Median(wall),7:N2} {Stats.Quantile(wall, 0.95),7:N2} {Stats.Median(cpu),7:N2} {Stats.Quantile(cpu, 0.95),7:N2}");
        }
    }

    /// <summary>CPU time of the whole process so far, in ms, with the kernel's nanosecond accounting (Process.TotalProcessorTime counts in 10 ms ticks).</summary>
    private static double ProcessCpuMs()
    {
        if (ClockGetTime(ProcessCpuTimeClock, out var time) != 0)
        {
            throw new InvalidOperationException("clock_gettime(CLOCK_PROCESS_CPUTIME_ID) failed.");
        }
        return time.Seconds * 1000d + time.Nanoseconds / 1_000_000d;
    }

    private const int ProcessCpuTimeClock = 2;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_gettime")]
    private static partial int ClockGetTime(int clock, out TimeSpec time);
}
