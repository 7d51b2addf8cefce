using Annotator.Web.Images;

namespace Annotator.Tests.Web.Images;

public sealed class ZipEntryNamesIsSafe
{
    [Theory]
    [InlineData("photo.jpg")]
    [InlineData("a/b/photo.jpg")]
    [InlineData("dots..in..name.png")]
    public void AcceptsPlainRelativePaths(string name) => Assert.True(ZipEntryNames.IsSafe(name));

    [Theory]
    [InlineData("../photo.jpg")]
    [InlineData("a/../../photo.jpg")]
    [InlineData("a\\..\\..\\photo.jpg")]
    [InlineData("/etc/passwd")]
    [InlineData("\\\\server\\share\\x.png")]
    [InlineData("C:/Windows/x.png")]
    [InlineData("nul\0byte.png")]
    [InlineData("")]
    public void RefusesPathsThatClimbOutOrAreRooted(string name) => Assert.False(ZipEntryNames.IsSafe(name));
}
