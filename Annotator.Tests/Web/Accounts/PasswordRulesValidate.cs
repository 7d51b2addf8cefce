using Annotator.Web.Accounts;
using Annotator.Web.Data;

namespace Annotator.Tests.Web.Accounts;

public sealed class PasswordRulesValidate
{
    private static async Task<string[]> ProblemsAsync(string password)
    {
        var user = new AppUser { Email = "grace.hopper@example.com", DisplayName = "Grace Hopper" };
        var result = await new PasswordRules().ValidateAsync(null!, user, password);
        return [.. result.Errors.Select(e => e.Code)];
    }

    [Theory]
    [InlineData("correct horse battery staple")]
    [InlineData("7 labelled boxes per cat")]
    public async Task AcceptsLongUncommonPasswords(string password) => Assert.Empty(await ProblemsAsync(password));

    [Theory]
    [InlineData("password123456", "PasswordTooCommon")]
    [InlineData("Annotator2026!", "PasswordTooCommon")]
    [InlineData("abcdefghijklmn", "PasswordSequence")]
    [InlineData("my grace.hopper secret", "PasswordContainsEmail")]
    [InlineData("iamgracehopper!!", "PasswordContainsName")]
    public async Task RefusesGuessablePasswords(string password, string code) => Assert.Contains(code, await ProblemsAsync(password));
}
