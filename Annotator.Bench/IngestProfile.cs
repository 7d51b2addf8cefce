using System.Diagnostics;
using System.Security.Cryptography;
using Vips = NetVips;

namespace Annotator.Bench;

/// <summary>
/// Where one image's ingest time goes, stage by stage, on one thread: the same libvips calls ImageInspector makes,
/// and hashing. Used to find what to improve when the ingest target is missed.
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
            Time("thumbnail decode (Thumbnail)", () =>
            {
                thumb = Vips.Image.Thumbnail(file + "[fail_on=error]", 256, 256, size: Vips.Enums.Size.Down);
                thumb = thumb.CopyMemory();
            });
            Time("thumbnail WebP encode", () => thumb!.WebpsaveBuffer(q: 80, keep: Vips.Enums.ForeignKeep.None));
            thumb!.Dispose();
            Time("X thumbnail no fail_on", () =>
            {
                using var t = Vips.Image.Thumbnail(file, 256, 256, size: Vips.Enums.Size.Down);
                using var m = t.CopyMemory();
            });
            Time("X jpegload shrink=4 + avg", () =>
            {
                using var t = Vips.Image.NewFromFile(file, access: Vips.Enums.Access.Sequential, kwargs: new Vips.VOption { { "shrink", 4 } });
                _ = t.Avg();
            });
            Time("X jpegload shrink=4 fail_on + avg", () =>
            {
                using var t = Vips.Image.NewFromFile(file, access: Vips.Enums.Access.Sequential, failOn: Vips.Enums.FailOn.Error, kwargs: new Vips.VOption { { "shrink", 4 } });
                _ = t.Avg();
            });
            using (var t0 = Vips.Image.Thumbnail(file, 256, 256, size: Vips.Enums.Size.Down))
            using (var t1 = t0.CopyMemory())
            {
                Time("X webp effort 0", () => t1.WebpsaveBuffer(q: 80, effort: 0, keep: Vips.Enums.ForeignKeep.None));
                foreach (var effort in new[] { 0, 1, 2, 3, 4 })
                {
                    var bytes = t1.WebpsaveBuffer(q: 80, effort: effort, keep: Vips.Enums.ForeignKeep.None);
                    using var back = Vips.Image.NewFromBuffer(bytes);
                    Time($"Y size effort {effort} (bytes)", () => { });
                    stages[$"Y size effort {effort} (bytes)"][^1] = bytes.Length;
                    using var diff = (back.Cast(Vips.Enums.BandFormat.Float) - t1.Cast(Vips.Enums.BandFormat.Float)).Abs();
                    Time($"Y mean abs error effort {effort}", () => { });
                    stages[$"Y mean abs error effort {effort}"][^1] = diff.Avg();
                }
                using (var s4 = Vips.Image.NewFromFile(file, access: Vips.Enums.Access.Sequential, kwargs: new Vips.VOption { { "shrink", 4 } }))
                using (var t4 = s4.ThumbnailImage(256, height: 256, size: Vips.Enums.Size.Down))
                using (var m4 = t4.CopyMemory())
                using (var d4 = (m4.Cast(Vips.Enums.BandFormat.Float) - t1.Cast(Vips.Enums.BandFormat.Float)).Abs())
                {
                    Time("Y shrink4 vs default thumb mean abs diff", () => { });
                    stages["Y shrink4 vs default thumb mean abs diff"][^1] = d4.Avg();
                }
                Time("X shrink4 load + ThumbnailImage", () =>
                {
                    using var s4 = Vips.Image.NewFromFile(file, access: Vips.Enums.Access.Sequential, failOn: Vips.Enums.FailOn.Error, kwargs: new Vips.VOption { { "shrink", 4 } });
                    using var t4 = s4.ThumbnailImage(256, height: 256, size: Vips.Enums.Size.Down);
                    using var m4 = t4.CopyMemory();
                });
                Time("X webp effort 2", () => t1.WebpsaveBuffer(q: 80, effort: 2, keep: Vips.Enums.ForeignKeep.None));
                Time("X webp effort 4 smart_subsample off", () => t1.WebpsaveBuffer(q: 80, effort: 4, smartSubsample: false, keep: Vips.Enums.ForeignKeep.None));
                Time("X jpeg thumb q80", () => t1.JpegsaveBuffer(q: 80, keep: Vips.Enums.ForeignKeep.None));
            }
            Time("full decode (for comparison)", () =>
            {
                using var full = Vips.Image.NewFromFile(file, access: Vips.Enums.Access.Sequential, failOn: Vips.Enums.FailOn.Error);
                _ = full.Avg();
            });
        }
        Console.WriteLine($"== ingest stages, one thread, {files.Count} files (median / p95 ms):");
        foreach (var (stage, times) in stages)
        {
            Console.WriteLine($"  {stage,-32} {Stats.Median(times),7:N2} {Stats.Quantile(times, 0.95),7:N2}");
        }
    }
}
