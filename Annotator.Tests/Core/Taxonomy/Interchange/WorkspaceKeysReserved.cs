using Annotator.Core.Taxonomy;

namespace Annotator.Tests.Core.Taxonomy.Interchange;

public sealed class WorkspaceKeysReserved
{
    [Theory]
    [InlineData("v")]
    [InlineData("B")]
    [InlineData("x")]
    [InlineData("N")]
    [InlineData("h")]
    [InlineData("D")]
    [InlineData("s")]
    public void ToolAndNavigationKeysAreReservedInEitherCase(string key) => Assert.True(WorkspaceKeys.IsReserved(key));

    [Theory]
    [InlineData("1")]
    [InlineData("c")]
    [InlineData("Q")]
    [InlineData("vb")]
    public void OtherKeysAreFree(string key) => Assert.False(WorkspaceKeys.IsReserved(key));

    [Fact]
    public void TheSetHoldsFifteenLowerCaseKeys()
    {
        Assert.Equal(15, WorkspaceKeys.Reserved.Count);
        Assert.All(WorkspaceKeys.Reserved, k => Assert.Equal(k.ToLowerInvariant(), k));
        Assert.Contains("M", WorkspaceKeys.Reserved);
    }
}
