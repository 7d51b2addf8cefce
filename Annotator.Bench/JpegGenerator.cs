using System.Diagnostics;
using Vips = NetVips;

namespace Annotator.Bench;

/// <summary>
/// Makes distinct, photo-like JPEGs: a colour gradient, Perlin texture and fine sensor-like noise, so every file has its
/// own hash and compresses like a real photo (a flat or synthetic pattern would compress to a few KB and make decoding
/// unrealistically cheap).
/// </summary>
internal static class JpegGenerator
{
    // Perlin and Gaussian noise cost ~100 ms per megapixel each; rendering a small pool once and cutting every image
    // out of two of its members at random offsets makes 2,000 images take seconds, not minutes.
    private const int PoolSize = 12;
    private const int Margin = 160;

    /// <summary>Writes <paramref name="count"/> JPEGs of <paramref name="width"/>×<paramref name="height"/> into <paramref name="folder"/>.</summary>
    public static IReadOnlyList<string> Generate(string folder, int count, int width, int height, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(folder);
        var pool = new Vips.Image[PoolSize];
        using var xy = Vips.Image.Xyz(width, height).Cast(Vips.Enums.BandFormat.Float).CopyMemory();
        var parallel = new ParallelOptions { MaxDegreeOfParallelism = Math.Max(2, Environment.ProcessorCount), CancellationToken = cancellationToken };
        try
        {
            var clock = Stopwatch.StartNew();
            Parallel.For(0, PoolSize, parallel, i => pool[i] = Texture(width + Margin, height + Margin, seed: 1000 + i));
            Console.WriteLine($"  texture pool ready ({clock.Elapsed.TotalSeconds:N1} s)");
            var paths = new string[count];
            var done = 0;
            Parallel.For(0, count, parallel, i =>
            {
                var path = Path.Combine(folder, $"photo_{i:D5}.jpg");
                Write(path, pool, xy, i, width, height);
                paths[i] = path;
                var n = Interlocked.Increment(ref done);
                if (n % 500 == 0)
                {
                    Console.WriteLine($"  generated {n:N0}/{count:N0} ({clock.Elapsed.TotalSeconds:N0} s)");
                }
            });
            var sizes = paths.Select(p => new FileInfo(p).Length).ToArray();
            Console.WriteLine($"  generated {count:N0} in {clock.Elapsed.TotalSeconds:N1} s: {sizes.Sum() / 1e6:N0} MB, " +
                $"{sizes.Average() / 1024:N0} KiB average ({sizes.Min() / 1024:N0}–{sizes.Max() / 1024:N0} KiB)");
            return paths;
        }
        finally
        {
            foreach (var image in pool)
            {
                image?.Dispose();
            }
        }
    }

    /// <summary>Three bands of Perlin texture plus grain, centred on 0, kept in memory.</summary>
    private static Vips.Image Texture(int width, int height, int seed)
    {
        var random = new Random(seed);
        var bands = new Vips.Image[3];
        try
        {
            for (var b = 0; b < 3; b++)
            {
                using var coarse = Vips.Image.Perlin(width, height, cellSize: random.Next(96, 256), seed: random.Next());
                using var fine = Vips.Image.Perlin(width, height, cellSize: random.Next(12, 40), seed: random.Next());
                using var grain = Vips.Image.Gaussnoise(width, height, sigma: 8, mean: 0, seed: random.Next());
                using var sum = (coarse * 55) + (fine * 20) + grain;
                bands[b] = sum.Cast(Vips.Enums.BandFormat.Float);
            }
            using var joined = bands[0].Bandjoin(bands[1], bands[2]);
            return joined.CopyMemory();
        }
        finally
        {
            foreach (var band in bands)
            {
                band?.Dispose();
            }
        }
    }

    private static void Write(string path, Vips.Image[] pool, Vips.Image xy, int seed, int width, int height)
    {
        var random = new Random(seed);
        using var a = pool[random.Next(pool.Length)].Crop(random.Next(Margin), random.Next(Margin), width, height);
        using var b = pool[random.Next(pool.Length)].Crop(random.Next(Margin), random.Next(Margin), width, height);
        using var b2 = b.Flip(random.Next(2) == 0 ? Vips.Enums.Direction.Horizontal : Vips.Enums.Direction.Vertical);
        using var x = xy[0];
        using var y = xy[1];
        var levels = new Vips.Image[3];
        try
        {
            for (var band = 0; band < 3; band++)
            {
                // A diagonal gradient with its own direction and level per band: the "scene" colour.
                levels[band] = (x * ((random.NextDouble() - 0.5) * 160 / width)) + (y * ((random.NextDouble() - 0.5) * 160 / height))
                    + (70 + random.NextDouble() * 110);
            }
            using var gradient = levels[0].Bandjoin(levels[1], levels[2]);
            var wa = 0.6 + random.NextDouble() * 0.6;
            var wb = 0.3 + random.NextDouble() * 0.5;
            using var photo = gradient + (a * wa) + (b2 * wb);
            using var pixels = photo.Cast(Vips.Enums.BandFormat.Uchar);
            using var srgb = pixels.Copy(interpretation: Vips.Enums.Interpretation.Srgb);
            srgb.Jpegsave(path, q: 89, keep: Vips.Enums.ForeignKeep.None);
        }
        finally
        {
            foreach (var level in levels)
            {
                level?.Dispose();
            }
        }
    }
}
