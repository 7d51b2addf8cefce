using System.Net;
using System.Net.Http.Json;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Api;
using Annotator.Web.Images;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Tests.Web.Images;

/// <summary>An app with an import root full of files, a symbolic link out of it, and a low pixel limit.</summary>
public abstract class ImportRootApp(TestDatabase database) : AppFixture(database)
{
    /// <summary>Largest accepted image here: 0.3 megapixels (astronaut.png, 512², fits; retina.jpg, 1411², does not).</summary>
    public const long MaxPixels = 300_000;

    /// <summary>Largest accepted file here: 1 MiB (every fixture is smaller).</summary>
    public const long MaxFileBytes = 1024 * 1024;

    public string ImportRoot { get; } = Path.Combine(Path.GetTempPath(), "annotator-root-" + Guid.NewGuid().ToString("N"));

    public string Outside { get; } = Path.Combine(Path.GetTempPath(), "annotator-outside-" + Guid.NewGuid().ToString("N"));

    protected override void Configure(AnnotatorFactory factory)
    {
        Directory.CreateDirectory(Path.Combine(ImportRoot, "batch", "nested"));
        Directory.CreateDirectory(Outside);
        File.Copy(Fixtures.Good("astronaut.png"), Path.Combine(ImportRoot, "batch", "astronaut.png"));
        File.Copy(Fixtures.Good("horse.png"), Path.Combine(ImportRoot, "batch", "nested", "horse.png"));
        File.Copy(Fixtures.PathOf("bad-images/html-disguised.png"), Path.Combine(ImportRoot, "batch", "html.png"));
        File.Copy(Fixtures.Good("coins.png"), Path.Combine(Outside, "coins.png"));
        File.CreateSymbolicLink(Path.Combine(ImportRoot, "batch", "linked-coins.png"), Path.Combine(Outside, "coins.png"));
        Directory.CreateSymbolicLink(Path.Combine(ImportRoot, "escape"), Outside);
        factory.With("Annotator:Images:ImportRoot", ImportRoot).With("Annotator:Images:MaxPixels", MaxPixels.ToString())
            .With("Annotator:Images:MaxFileBytes", MaxFileBytes.ToString());
    }
}

public sealed class ImportRootSqliteApp() : ImportRootApp(TestDatabase.Sqlite);

public sealed class ImportRootPostgresApp() : ImportRootApp(TestDatabase.Postgres);

/// <summary>Import from a server folder and the configurable pixel limit, on each database.</summary>
public abstract class FolderImportAndLimits<TApp>(TApp fixture) where TApp : ImportRootApp
{
    private AnnotatorFactory App => fixture.App;

    private async Task<(ApiClient Admin, ApiClient Reviewer, int ProjectId)> ProjectAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var admin = await App.CreateUserAsync($"admin-{tag}@example.com", AppRoles.Admin);
        var reviewer = await App.CreateUserAsync($"reviewer-{tag}@example.com", AppRoles.Reviewer);
        var project = await App.CreateProjectAsync("Import " + tag, admin.Id, (reviewer.Id, ProjectRole.Reviewer));
        return (await ApiClient.SignInAsync(App, admin.Email!), await ApiClient.SignInAsync(App, reviewer.Email!), project);
    }

    [Fact]
    public async Task AdminsImportAFolderRecursivelyWithoutFollowingLinks()
    {
        var (admin, _, projectId) = await ProjectAsync();

        var response = await admin.ImportFolderAsync(projectId, "batch");
        var body = await response.Content.ReadFromJsonAsync<IngestResponse>(ApiClient.Json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["batch/astronaut.png", "batch/html.png", "batch/nested/horse.png"], body!.Results.Select(r => r.FileName));
        Assert.Equal([IngestOutcome.Added, IngestOutcome.Refused, IngestOutcome.Added], body.Results.Select(r => r.Outcome));
        await using var db = await App.NewDbContextAsync();
        Assert.Equal(2, await db.Images.CountAsync(i => i.ProjectId == projectId));
    }

    [Theory]
    [InlineData("../")]
    [InlineData("batch/../..")]
    [InlineData("/etc")]
    [InlineData("escape")]
    [InlineData("does-not-exist")]
    public async Task RefusesFoldersOutsideTheRoot(string folder)
    {
        var (admin, _, projectId) = await ProjectAsync();

        var response = await admin.ImportFolderAsync(projectId, folder);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("\"detail\"", await response.Content.ReadAsStringAsync());
        await using var db = await App.NewDbContextAsync();
        Assert.Equal(0, await db.Images.CountAsync(i => i.ProjectId == projectId));
    }

    [Fact]
    public async Task OnlyAdminsImportFromTheServer()
    {
        var (_, reviewer, projectId) = await ProjectAsync();

        var response = await reviewer.ImportFolderAsync(projectId, "batch");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await using var db = await App.NewDbContextAsync();
        Assert.Equal(0, await db.Images.CountAsync(i => i.ProjectId == projectId));
    }

    [Fact]
    public async Task RefusesFilesAboveTheConfiguredSizeLimitLeavingNothingBehind()
    {
        var (_, reviewer, projectId) = await ProjectAsync();
        var big = new byte[ImportRootApp.MaxFileBytes + 1];
        File.ReadAllBytes(Fixtures.Good("horse.png")).CopyTo(big, 0);
        var store = Path.Combine(App.DataPath, "store");
        string[] StoreFiles() => Directory.Exists(store) ? [.. Directory.EnumerateFiles(store, "*", SearchOption.AllDirectories).Order()] : [];
        var before = StoreFiles();

        var response = await reviewer.UploadAsync(projectId, ("big.png", big));
        var body = await response.Content.ReadFromJsonAsync<IngestResponse>(ApiClient.Json);

        var result = Assert.Single(body!.Results);
        Assert.Equal(IngestOutcome.Refused, result.Outcome);
        Assert.Contains("larger than the limit of 1 MiB", result.Error);
        Assert.Equal(before, StoreFiles());
        await using var db = await App.NewDbContextAsync();
        Assert.Equal(0, await db.Images.CountAsync(i => i.ProjectId == projectId));
    }

    [Fact]
    public async Task RefusesImagesAboveTheConfiguredPixelLimitSayingSo()
    {
        var (_, reviewer, projectId) = await ProjectAsync();

        var response = await reviewer.UploadFilesAsync(projectId, Fixtures.Good("retina.jpg"), Fixtures.Good("astronaut.png"));

        Assert.Equal([IngestOutcome.Refused, IngestOutcome.Added], response.Results.Select(r => r.Outcome));
        Assert.Contains("1,411×1,411", response.Results[0].Error);
        Assert.Contains("limit of 0.3 megapixels", response.Results[0].Error);
    }
}

public sealed class FolderImportAndLimitsOnSqlite(ImportRootSqliteApp app) : FolderImportAndLimits<ImportRootSqliteApp>(app), IClassFixture<ImportRootSqliteApp>;

public sealed class FolderImportAndLimitsOnPostgres(ImportRootPostgresApp app) : FolderImportAndLimits<ImportRootPostgresApp>(app), IClassFixture<ImportRootPostgresApp>;
