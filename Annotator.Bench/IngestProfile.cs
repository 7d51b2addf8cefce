using System.Diagnostics;
using System.Security.Cryptography;
using Vips = NetVips;

namespace Annotator.Bench;

/// <summary>
/// Where one image's ingest time goes, stage by stage, on one thread: the libvips calls ImageInspector makes, and
/// hashing, with two references (the thumbnail at libwebp's default effort, and a full-size decode). Used to find
/// what to improve when the ingest target is missed.
/// </summary>
internal static class IngestProfile
{
    public static void Run(IReadOnlyList<string> files)
    {
        var stages = new Dictionary<string, List<double>>();
        void Time(string stage, Action action)
        {
            var clock = Stopwatch.StartNew();
            action();
            if (!stages.TryGetValue(stage, out var list))
            {
                stages[stage] = list = [];
            }
            list.Add(clock.Elapsed.TotalMilliseconds);
        }
        foreach (var file in files)
        {
            Time("read + SHA-256", () => SHA256.HashData(File.ReadAllBytes(file)));
            Time("header (NewFromFile)", () =>
            {
                using var header = Vips.Image.NewFromFile(file, access: Vips.Enums.Access.Sequential, failOn: Vips.Enums.FailOn.Error);
                _ = header.Width;
            });
            Vips.Image? thumb = null;
            Time("decode to thumbnail (Thumbnail)", () =>
            {
                using var lazy = Vips.Image.Thumbnail(file + "[fail_on=error]", 256, 256, size: Vips.Enums.Size.Down);
                thumb = lazy.CopyMemory();
            });
            using (thumb)
            {
                Time("WebP encode, effort 2 (as ingest)", () => thumb!.WebpsaveBuffer(q: 80, effort: 2, keep: Vips.Enums.ForeignKeep.None));
                Time("  ref: WebP encode, effort 4", () => thumb!.WebpsaveBuffer(q: 80, keep: Vips.Enums.ForeignKeep.None));
            }
            Time("  ref: full-size decode", () =>
            {
                using var full = Vips.Image.NewFromFile(file, access: Vips.Enums.Access.Sequential, failOn: Vips.Enums.FailOn.Error);
                _ = full.Avg();
            });
        }
        Console.WriteLine($"== ingest stages, one thread, {files.Count} files (median / p95 ms):");
        foreach (var (stage, times) in stages)
        {
            Console.WriteLine($"  {stage,-36} {Stats.Median(times),7:N2} {Stats.Quantile(times, 0.95),7:N2}");
        }
    }
}
