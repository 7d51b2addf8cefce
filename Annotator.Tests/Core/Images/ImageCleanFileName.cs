using Annotator.Core.Images;

namespace Annotator.Tests.Core.Images;

public sealed class ImageCleanFileName
{
    [Theory]
    [InlineData("../../etc/passwd", "passwd")]
    [InlineData("C:\\Users\\x\\photo.jpg", "photo.jpg")]
    [InlineData("a/b/c.png", "c.png")]
    [InlineData("bad\u0000name\n.png", "badname.png")]
    [InlineData("", "image")]
    [InlineData(null, "image")]
    public void KeepsOnlyAPrintableLastSegment(string? input, string expected) => Assert.Equal(expected, Image.CleanFileName(input));

    [Fact]
    public void TruncatesLongNames() => Assert.Equal(Image.MaxFileNameLength, Image.CleanFileName(new string('x', 1000)).Length);
}

public sealed class ImageSequence
{
    [Fact]
    public void HandsOutIncreasingSequenceNumbersFromOne()
    {
        var image = new Image(1, "a.png", new string('a', 64), new string('a', 64), ImageFormat.Png, 10, 5, 5, "u", DateTime.UtcNow);
        Assert.Equal([1L, 2L, 3L], [image.TakeSequenceNumber(), image.TakeSequenceNumber(), image.TakeSequenceNumber()]);
        Assert.Equal(4, image.NextSequence);
    }

    [Fact]
    public void RefusesEmptySize() =>
        Assert.Throws<Annotator.Core.DomainException>(() =>
            new Image(1, "a.png", new string('a', 64), new string('a', 64), ImageFormat.Png, 10, 0, 5, "u", DateTime.UtcNow));

    [Fact]
    public void RefusesUnknownStatus()
    {
        var image = new Image(1, "a.png", new string('a', 64), new string('a', 64), ImageFormat.Png, 10, 5, 5, "u", DateTime.UtcNow);
        Assert.Throws<Annotator.Core.DomainException>(() => image.SetStatus((ImageStatus)99));
        image.SetStatus(ImageStatus.Accepted);
        Assert.Equal(ImageStatus.Accepted, image.Status);
    }
}
