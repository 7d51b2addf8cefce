using Annotator.Tests.Infrastructure;
using Microsoft.Playwright;
using static Annotator.Tests.Browser.BrowserSteps;
using static Microsoft.Playwright.Assertions;

namespace Annotator.Tests.Browser;

/// <summary>First start in a real browser: the setup form and what the first admin finds afterwards.</summary>
public sealed class SetupPage(ChromiumFixture chromium) : IClassFixture<ChromiumFixture>
{
    [Fact]
    public async Task RefusesWeakPasswordsWithVisibleMessage()
    {
        TestEnvironment.RequireChromium();
        await using var app = new AnnotatorFactory(TestDatabase.Sqlite).UseKestrelOnLoopback();
        await using var browser = await chromium.NewPageAsync(app.ServerAddress);
        var page = browser.Page;
        await page.GotoAsync("/");
        await Expect(page).ToHaveURLAsync(EndsWith("/setup"));

        await SubmitSetupAsync(page, "ada@example.com", "Ada Lovelace", "password1234");

        await Expect(page).ToHaveURLAsync(EndsWith("/setup"));
        await Expect(page.GetByTestId("form-error")).ToBeVisibleAsync();
        await Expect(page.GetByTestId("form-error")).ToContainTextAsync("too common");

        await SubmitSetupAsync(page, "ada@example.com", "Ada Lovelace", "short pass");

        await Expect(page).ToHaveURLAsync(EndsWith("/setup"));
        await Expect(page.Locator(".field-error")).ToHaveTextAsync("The password must be at least 12 characters.");
        await using var db = await app.NewDbContextAsync();
        Assert.Empty(db.Users);
        browser.AssertNoErrors();
    }

    [Fact]
    public async Task FirstAdminFindsDemoProjectWithTwelveImages()
    {
        TestEnvironment.RequireChromium();
        await using var app = new AnnotatorFactory(TestDatabase.Sqlite).With("Annotator:SeedDemoProject", "true").UseKestrelOnLoopback();
        await using var browser = await chromium.NewPageAsync(app.ServerAddress);
        var page = browser.Page;

        await CompleteSetupAsync(page);

        var card = page.GetByTestId("project-card");
        await Expect(card).ToHaveCountAsync(1);
        await Expect(card).ToContainTextAsync("Demo: everyday scenes");
        await Expect(card).ToContainTextAsync("0 of 12 images labeled");
        await WaitForProjectListAsync(page);
        await card.GetByRole(AriaRole.Link, new() { Name = "Demo: everyday scenes" }).ClickAsync();
        await Expect(page).ToHaveURLAsync(ProjectUrl());
        await Expect(page.GetByTestId("image-count")).ToHaveTextAsync("12");
        await Expect(page.GetByTestId("image-tile")).ToHaveCountAsync(12);
        browser.AssertNoErrors();
    }
}
