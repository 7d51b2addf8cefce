using System.Security.Claims;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Annotator.Tests.Web.Components;
using Annotator.Web.Components.Taxonomy;
using Annotator.Web.Guidelines;
using Bunit;
using Microsoft.AspNetCore.Components.Forms;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Guidelines;

/// <summary>
/// The editor's "Insert image" on the real app's services and database: the image goes through the same service as
/// the upload endpoint, which checks the caller itself.
/// </summary>
public sealed class GuidelineEditorUpload : BunitContext, IClassFixture<SqliteApp>
{
    private readonly SqliteApp _fixture;

    public GuidelineEditorUpload(SqliteApp fixture)
    {
        _fixture = fixture;
        this.AddTestServices();
        Services.AddSingleton(fixture.App.Services.GetRequiredService<GuidelineAssetService>());
    }

    private async Task<int> ProjectAsync(string userId, ProjectRole role = ProjectRole.Reviewer) =>
        await _fixture.App.CreateProjectAsync("Editor " + Guid.NewGuid().ToString("N")[..6], userId, (userId, role));

    private void SignIn(string userId, string role) => AddAuthorization().SetAuthorized(userId).SetRoles(role)
        .SetClaims(new Claim(ClaimTypes.NameIdentifier, userId));

    private IRenderedComponent<GuidelineEditor> Editor(int project, string value, List<string> values) =>
        Render<GuidelineEditor>(p => p.Add(c => c.Value, value).Add(c => c.ProjectId, project).Add(c => c.ValueChanged, v => values.Add(v)));

    [Fact]
    public async Task AnAdminsImageIsAppendedAsMarkdown()
    {
        var admin = await _fixture.App.CreateUserAsync($"admin-{Guid.NewGuid():N}@example.com", AppRoles.Admin);
        var project = await ProjectAsync(admin.Id);
        SignIn(admin.Id, AppRoles.Admin);
        var values = new List<string>();
        var cut = Editor(project, "Park[ed] cars count.", values);

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(
            await File.ReadAllBytesAsync(Fixtures.Good("horse.png")), "my [horse].png", contentType: "image/png"));

        cut.WaitForAssertion(() => Assert.Single(values), TimeSpan.FromSeconds(20));
        Assert.Matches($"^Park\\[ed\\] cars count\\.\\n\\n!\\[my horse\\]\\(/projects/{project}/guideline-assets/[0-9a-f]{{32}}\\.png\\)\\n$", values[0]);
        Assert.Empty(cut.FindAll("[data-testid=guideline-image-error]"));
    }

    [Fact]
    public async Task ARefusedFileIsExplainedAndNothingIsInserted()
    {
        var admin = await _fixture.App.CreateUserAsync($"admin-{Guid.NewGuid():N}@example.com", AppRoles.Admin);
        var project = await ProjectAsync(admin.Id);
        SignIn(admin.Id, AppRoles.Admin);
        var values = new List<string>();
        var cut = Editor(project, "", values);

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromText("<svg onload=alert(1)>", "drawing.png"));

        cut.WaitForAssertion(() => Assert.Contains("not a JPEG, PNG, WebP or TIFF image", cut.Find("[data-testid=guideline-image-error]").TextContent),
            TimeSpan.FromSeconds(20));
        Assert.Contains("drawing.png", cut.Find("[data-testid=guideline-image-error]").TextContent);
        Assert.Empty(values);
    }

    [Fact]
    public async Task AReviewerCannotInsertImages()
    {
        var admin = await _fixture.App.CreateUserAsync($"admin-{Guid.NewGuid():N}@example.com", AppRoles.Admin);
        var reviewer = await _fixture.App.CreateUserAsync($"reviewer-{Guid.NewGuid():N}@example.com", AppRoles.Reviewer);
        var project = await _fixture.App.CreateProjectAsync("Editor " + Guid.NewGuid().ToString("N")[..6], admin.Id, (reviewer.Id, ProjectRole.Reviewer));
        SignIn(reviewer.Id, AppRoles.Reviewer);
        var values = new List<string>();
        var cut = Editor(project, "", values);

        cut.FindComponent<InputFile>().UploadFiles(InputFileContent.CreateFromBinary(
            await File.ReadAllBytesAsync(Fixtures.Good("horse.png")), "horse.png", contentType: "image/png"));

        cut.WaitForAssertion(() => Assert.Contains("Only admins", cut.Find("[data-testid=guideline-image-error]").TextContent),
            TimeSpan.FromSeconds(20));
        Assert.Empty(values);
    }
}
