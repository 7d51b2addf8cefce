using Annotator.Core.Geometry;

namespace Annotator.Tests.Core.Geometry;

public sealed class CocoRleEncode
{
    [Fact]
    public void EncodesColumnByColumnStartingWithZeros()
    {
        // Width 3, height 2, row-major:
        //   1 1 0
        //   0 1 0
        // Column-major reading: (1,0) (1,1) (0,0) → 1 | 0 | 1 1 | 0 0  →  runs of zeros/ones: 0,1,1,2,2.
        byte[] bitmap = [1, 1, 0, 0, 1, 0];
        Assert.Equal([0, 1, 1, 2, 2], CocoRle.Encode(bitmap, 3, 2));
    }

    [Fact]
    public void EncodesTheMiddleColumn()
    {
        byte[] bitmap = [0, 1, 0, 0, 1, 0];
        Assert.Equal([2, 2, 2], CocoRle.Encode(bitmap, 3, 2));
    }

    [Fact]
    public void EncodesAnEmptyMaskAsOneRunOfZeros()
    {
        Assert.Equal([6], CocoRle.Encode(new byte[6], 3, 2));
    }

    [Fact]
    public void DecodesBackToRowMajor()
    {
        Assert.Equal([1, 1, 0, 0, 1, 0], CocoRle.DecodeToRowMajor([0, 1, 1, 2, 2], 3, 2));
    }

    [Fact]
    public void RoundTripsRandomBitmaps()
    {
        var random = new Random(7);
        foreach (var (width, height) in new[] { (1, 1), (5, 3), (3, 5), (17, 11), (64, 1) })
        {
            var bitmap = new byte[width * height];
            for (var i = 0; i < bitmap.Length; i++)
            {
                bitmap[i] = (byte)(random.NextDouble() < 0.4 ? 1 : 0);
            }
            var counts = CocoRle.Encode(bitmap, width, height);
            Assert.Equal(bitmap, CocoRle.DecodeToRowMajor(counts, width, height));
            Assert.Equal(bitmap.Count(b => b != 0), CocoRle.Area(counts));
            Assert.Equal(width * height, counts.Sum());
        }
    }

    [Fact]
    public void TreatsAnyNonZeroByteAsSet()
    {
        Assert.Equal([0, 2], CocoRle.Encode([255, 7], 1, 2));
    }

    [Fact]
    public void MeasuresAreaAndBounds()
    {
        // 4×3 image with pixels (1,1) and (2,1) set: column 0 empty (3), column 1 row 1 → 0+1 zero, 1 one, ...
        var bitmap = new byte[12];
        bitmap[1 * 4 + 1] = 1;
        bitmap[1 * 4 + 2] = 1;
        var counts = CocoRle.Encode(bitmap, 4, 3);

        Assert.Equal([4, 1, 2, 1, 4], counts);
        Assert.Equal(2, CocoRle.Area(counts));
        Assert.Equal(new Bounds(1, 1, 2, 1), CocoRle.BoundsOf(counts, 4, 3));
    }

    [Fact]
    public void BoundsOfARunWrappingIntoTheNextColumnSpanTheFullHeight()
    {
        // Height 3: run covering (col 0,row 2) and (col 1,row 0).
        Assert.Equal(new Bounds(0, 0, 2, 3), CocoRle.BoundsOf([2, 2, 5], 3, 3));
    }

    [Fact]
    public void BoundsOfAnEmptyMaskIsNull()
    {
        Assert.Null(CocoRle.BoundsOf([6], 3, 2));
        Assert.Null(CocoRle.BoundsOf([6, 0], 3, 2));
    }

    [Fact]
    public void RefusesMismatchedSizes()
    {
        Assert.Throws<ArgumentException>(() => CocoRle.Encode(new byte[5], 3, 2));
        Assert.Throws<ArgumentException>(() => CocoRle.DecodeToRowMajor([1, 2], 3, 2));
        Assert.Throws<ArgumentException>(() => CocoRle.DecodeToRowMajor([7, -1], 3, 2));
    }
}
