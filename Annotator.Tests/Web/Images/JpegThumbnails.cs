using Annotator.Core.Images;
using Annotator.Web.Images;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Vips = NetVips;

namespace Annotator.Tests.Web.Images;

/// <summary>
/// JPEG thumbnails are decoded at a reduced scale (libjpeg's 1/2, 1/4, 1/8) and then resized: the result must look like
/// a thumbnail made from the full decode, and the reduced decode must still refuse a file truncated anywhere.
/// </summary>
public sealed class JpegThumbnails : IDisposable
{
    private readonly string _folder = Path.Combine(Path.GetTempPath(), "annotator-tests", "thumbs-" + Guid.NewGuid().ToString("N")[..12]);
    private readonly ImageInspector _inspector;

    public JpegThumbnails()
    {
        Directory.CreateDirectory(_folder);
        var options = Options.Create(new Annotator.Web.Data.AnnotatorOptions { DataPath = Path.Combine(_folder, "data") });
        _inspector = new ImageInspector(Options.Create(new ImageOptions()), new ImageStore(options), NullLogger<ImageInspector>.Instance);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>A photo-like JPEG: four coloured quadrants, a diagonal gradient and fine detail.</summary>
    private string Jpeg(int width, int height, string name = "photo.jpg")
    {
        using var x = Vips.Image.Xyz(width, height);
        using var xs = x[0];
        using var ys = x[1];
        using var red = (xs < width / 2).Ifthenelse(220, 30);
        using var green = (ys < height / 2).Ifthenelse(200, 40);
        using var blue = ((xs + ys) * (255.0 / (width + height))).Cast(Vips.Enums.BandFormat.Uchar);
        using var detail = ((xs * 7 + ys * 3) % 11 * 4).Cast(Vips.Enums.BandFormat.Uchar);
        using var rgb = red.Bandjoin(green, blue);
        using var withDetail = (rgb + detail).Cast(Vips.Enums.BandFormat.Uchar);
        using var srgb = withDetail.Copy(interpretation: Vips.Enums.Interpretation.Srgb);
        var path = Path.Combine(_folder, name);
        srgb.Jpegsave(path, q: 90);
        return path;
    }

    [Theory]
    [InlineData(1155, 866, 256, 192)]   // decoded at 1/4
    [InlineData(4000, 3000, 256, 192)]  // decoded at 1/8
    [InlineData(640, 427, 256, 171)]    // decoded at 1/2
    [InlineData(300, 1200, 64, 256)]    // portrait, decoded at 1/4
    [InlineData(200, 150, 200, 150)]    // smaller than a thumbnail: decoded whole, not enlarged
    public void ThumbnailHasTheSizeAndLookOfTheFullDecode(int width, int height, int thumbWidth, int thumbHeight)
    {
        var path = Jpeg(width, height);

        var inspected = _inspector.Inspect(path, ImageFormat.Jpeg);

        Assert.Equal((width, height), (inspected.Width, inspected.Height));
        using var thumbnail = Vips.Image.NewFromBuffer(inspected.Thumbnail);
        Assert.Equal((thumbWidth, thumbHeight), (thumbnail.Width, thumbnail.Height));
        using var full = Vips.Image.NewFromFile(path);
        using var reference = full.ThumbnailImage(thumbWidth, thumbHeight, size: Vips.Enums.Size.Force);
        using var difference = (thumbnail.Cast(Vips.Enums.BandFormat.Float) - reference.Cast(Vips.Enums.BandFormat.Float)).Abs();
        // Same picture: mean difference of a few levels (WebP and the different resampling), no band or offset errors.
        Assert.True(difference.Avg() < 6, $"mean difference {difference.Avg():N2} from a thumbnail of the full decode");
        using var quadrant = thumbnail.Crop(thumbWidth / 8, thumbHeight / 8, thumbWidth / 4, thumbHeight / 4);
        Assert.InRange(quadrant[0].Avg(), 200, 255); // top left is red
        Assert.InRange(quadrant[1].Avg(), 180, 255); // and green
    }

    [Theory]
    [InlineData(0.5)]
    [InlineData(0.9)]
    [InlineData(0.99)]
    public void LargeJpegTruncatedInItsScanIsRefused(double kept)
    {
        var whole = File.ReadAllBytes(Jpeg(4000, 3000, "whole.jpg"));
        var path = Path.Combine(_folder, "cut.jpg");
        File.WriteAllBytes(path, whole[..(int)(whole.Length * kept)]);

        var refused = Assert.Throws<ImageRejectedException>(() => _inspector.Inspect(path, ImageFormat.Jpeg));

        Assert.Equal(ImageInspector.CorruptMessage(ImageFormat.Jpeg), refused.Message);
    }
}
