namespace Annotator.Core.Geometry;

/// <summary>
/// COCO's uncompressed run-length encoding of a binary mask, as pycocotools writes it: pixels are read
/// <b>column by column</b> (Fortran order), runs alternate 0, 1, 0, 1… and the first run counts zeros (it may be 0).
/// A 3×2 image (width 3, height 2) with only the middle column set reads 0,0 | 1,1 | 0,0 and encodes as [2, 2, 2].
/// </summary>
public static class CocoRle
{
    /// <summary>Encodes a row-major bitmap (any non-zero byte is a set pixel).</summary>
    /// <exception cref="ArgumentException">The bitmap is not <paramref name="width"/> × <paramref name="height"/>.</exception>
    public static int[] Encode(ReadOnlySpan<byte> rowMajorBitmap, int width, int height)
    {
        CheckSize(width, height);
        if (rowMajorBitmap.Length != (long)width * height)
        {
            throw new ArgumentException($"The bitmap has {rowMajorBitmap.Length} bytes, not {width} × {height}.", nameof(rowMajorBitmap));
        }
        var counts = new List<int>();
        var current = false;
        var run = 0;
        for (var x = 0; x < width; x++)
        {
            for (var y = 0; y < height; y++)
            {
                var set = rowMajorBitmap[y * width + x] != 0;
                if (set != current)
                {
                    counts.Add(run);
                    run = 0;
                    current = set;
                }
                run++;
            }
        }
        counts.Add(run);
        return [.. counts];
    }

    /// <summary>Decodes to a row-major bitmap of 0 and 1 bytes.</summary>
    /// <exception cref="ArgumentException">The counts are negative or do not cover exactly width × height pixels.</exception>
    public static byte[] DecodeToRowMajor(IReadOnlyList<int> counts, int width, int height)
    {
        CheckSize(width, height);
        CheckCounts(counts, width, height);
        var bitmap = new byte[width * height];
        var position = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            if (i % 2 == 1)
            {
                for (var p = position; p < position + counts[i]; p++)
                {
                    bitmap[p % height * width + p / height] = 1;
                }
            }
            position += counts[i];
        }
        return bitmap;
    }

    /// <summary>The number of set pixels: the sum of the odd-indexed runs.</summary>
    public static long Area(IReadOnlyList<int> counts)
    {
        long area = 0;
        for (var i = 1; i < counts.Count; i += 2)
        {
            area += counts[i];
        }
        return area;
    }

    /// <summary>
    /// The pixel rectangle around the set pixels (pixel edges, so one pixel at column 4, row 2 gives (4, 2, 1, 1)),
    /// or null when no pixel is set. Computed from the runs without decoding.
    /// </summary>
    public static Bounds? BoundsOf(IReadOnlyList<int> counts, int width, int height)
    {
        CheckSize(width, height);
        long minX = long.MaxValue, minY = long.MaxValue, maxX = -1, maxY = -1;
        long position = 0;
        for (var i = 0; i < counts.Count; i++)
        {
            long run = counts[i];
            if (i % 2 == 1 && run > 0)
            {
                long first = position, last = position + run - 1;
                long x0 = first / height, y0 = first % height, x1 = last / height, y1 = last % height;
                minX = Math.Min(minX, x0);
                maxX = Math.Max(maxX, x1);
                if (x0 == x1)
                {
                    minY = Math.Min(minY, y0);
                    maxY = Math.Max(maxY, y1);
                }
                else
                {
                    // A run that wraps into the next column covers the bottom of one column and the top of the next.
                    minY = 0;
                    maxY = height - 1;
                }
            }
            position += run;
        }
        return maxX < 0 ? null : new Bounds(minX, minY, maxX - minX + 1, maxY - minY + 1);
    }

    private static void CheckSize(int width, int height)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(width);
        ArgumentOutOfRangeException.ThrowIfNegative(height);
    }

    private static void CheckCounts(IReadOnlyList<int> counts, int width, int height)
    {
        long sum = 0;
        foreach (var count in counts)
        {
            if (count < 0)
            {
                throw new ArgumentException("A run length is negative.", nameof(counts));
            }
            sum += count;
        }
        if (sum != (long)width * height)
        {
            throw new ArgumentException($"The runs cover {sum} pixels, not {width} × {height}.", nameof(counts));
        }
    }
}
