using Annotator.Core.Images;
using Annotator.Tests.Infrastructure;

namespace Annotator.Tests.Core.Images;

public sealed class ImageFormatsDetect
{
    [Theory]
    [InlineData("rocket.jpg", ImageFormat.Jpeg)]
    [InlineData("horse.png", ImageFormat.Png)]
    public void RecognisesRealFilesByContent(string file, ImageFormat expected) =>
        Assert.Equal(expected, ImageFormats.Detect(File.ReadAllBytes(Fixtures.Good(file)).AsSpan(0, 16)));

    [Fact]
    public void RecognisesWebpAndTiffSignatures()
    {
        Assert.Equal(ImageFormat.Webp, ImageFormats.Detect("RIFF\x10\0\0\0WEBPVP8 "u8));
        Assert.Equal(ImageFormat.Tiff, ImageFormats.Detect("II*\0\x08\0\0\0"u8));
        Assert.Equal(ImageFormat.Tiff, ImageFormats.Detect("MM\0*\0\0\0\x08"u8));
    }

    [Theory]
    [InlineData("empty.jpg")]
    [InlineData("html-disguised.png")]
    [InlineData("script.svg")]
    public void IgnoresTheFileName(string badFile)
    {
        var bytes = File.ReadAllBytes(Fixtures.PathOf("bad-images/" + badFile));
        Assert.Null(ImageFormats.Detect(bytes.AsSpan(0, Math.Min(16, bytes.Length))));
    }

    [Fact]
    public void RefusesRiffThatIsNotWebp() => Assert.Null(ImageFormats.Detect("RIFF\x10\0\0\0WAVEfmt "u8));

    [Theory]
    [InlineData("", "empty")]
    [InlineData("<!DOCTYPE html><script>", "HTML")]
    [InlineData("<?xml version=\"1.0\"?><svg ", "SVG")]
    [InlineData("GIF89a", "GIF")]
    [InlineData("%PDF-1.7", "PDF")]
    public void DescribesWhatRefusedContentLooksLike(string content, string expected) =>
        Assert.Contains(expected, ImageFormats.Describe(System.Text.Encoding.UTF8.GetBytes(content)));
}
