using Annotator.Web.Accounts;

namespace Annotator.Tests.Web.Accounts;

public sealed class LocalUrlOrHome
{
    [Theory]
    [InlineData("/projects/3", "/projects/3")]
    [InlineData("/projects/3?status=New", "/projects/3?status=New")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("//evil.example/", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("javascript:alert(1)", "/")]
    [InlineData(null, "/")]
    public void OnlyFollowsPathsOnThisSite(string? url, string expected) => Assert.Equal(expected, LocalUrl.OrHome(url));
}
