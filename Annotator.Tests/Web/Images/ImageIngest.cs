using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using Annotator.Core.Accounts;
using Annotator.Core.Images;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Images;
using Microsoft.EntityFrameworkCore;
using Vips = NetVips;

namespace Annotator.Tests.Web.Images;

/// <summary>Image ingest through the real upload endpoint, on each database.</summary>
public abstract class ImageIngest<TApp>(TApp fixture) where TApp : AppFixture
{
    private AnnotatorFactory App => fixture.App;

    private async Task<(ApiClient Client, int ProjectId, string UserId)> AdminWithProjectAsync()
    {
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        var admin = await App.CreateUserAsync(email, AppRoles.Admin);
        var projectId = await App.CreateProjectAsync("Ingest " + Guid.NewGuid().ToString("N")[..6], admin.Id, (admin.Id, ProjectRole.Reviewer));
        return (await ApiClient.SignInAsync(App, email), projectId, admin.Id);
    }

    private string[] StoreFiles() => Directory.Exists(Path.Combine(App.DataPath, "store"))
        ? [.. Directory.EnumerateFiles(Path.Combine(App.DataPath, "store"), "*", SearchOption.AllDirectories).Order()]
        : [];

    private async Task<int> ImageCountAsync(int projectId)
    {
        await using var db = await App.NewDbContextAsync();
        return await db.Images.CountAsync(i => i.ProjectId == projectId);
    }

    [Theory]
    [MemberData(nameof(Fixtures.BadImages), MemberType = typeof(Fixtures))]
    public async Task RefusesBadImageLeavingNothingBehind(string file)
    {
        var (client, projectId, _) = await AdminWithProjectAsync();
        var before = StoreFiles();

        var response = await client.UploadFilesAsync(projectId, Fixtures.PathOf("bad-images/" + file));

        var result = Assert.Single(response.Results);
        Assert.Equal(IngestOutcome.Refused, result.Outcome);
        Assert.False(string.IsNullOrWhiteSpace(result.Error));
        Assert.Equal(0, await ImageCountAsync(projectId));
        Assert.Equal(before, StoreFiles());
    }

    [Fact]
    public async Task RefusalMessagesNameTheProblem()
    {
        var (client, projectId, _) = await AdminWithProjectAsync();
        var response = await client.UploadFilesAsync(projectId,
            [.. new[] { "empty.jpg", "html-disguised.png", "script.svg", "bomb-20000x20000.png", "truncated.jpg" }.Select(f => Fixtures.PathOf("bad-images/" + f))]);
        var errors = response.Results.ToDictionary(r => r.FileName, r => r.Error ?? "");

        Assert.Contains("empty", errors["empty.jpg"]);
        Assert.Contains("HTML", errors["html-disguised.png"]);
        Assert.Contains("SVG", errors["script.svg"]);
        Assert.Contains("20,000×20,000", errors["bomb-20000x20000.png"]);
        Assert.Contains("megapixels", errors["bomb-20000x20000.png"]);
        Assert.Contains("JPEG", errors["truncated.jpg"]);
    }

    [Fact]
    public async Task RefusalMessagesNeverShowLibraryInternals()
    {
        var (client, projectId, _) = await AdminWithProjectAsync();
        using var damagedZip = new MemoryStream();
        using (var archive = new ZipArchive(damagedZip, ZipArchiveMode.Create, leaveOpen: true))
        {
            archive.CreateEntryFromFile(Fixtures.PathOf("bad-images/truncated.jpg"), "in-zip/truncated.jpg");
        }
        // A zip signature and then nothing a zip reader can use.
        byte[] brokenZip = [(byte)'P', (byte)'K', 3, 4, .. new byte[200]];
        var files = Fixtures.BadImages.Select(row => (row.Data, File.ReadAllBytes(Fixtures.PathOf("bad-images/" + row.Data))))
            .Append(("packed.zip", damagedZip.ToArray())).Append(("broken.zip", brokenZip)).ToArray();

        var response = await client.UploadAsync(projectId, files);
        var body = await response.Content.ReadFromJsonAsync<Annotator.Web.Api.IngestResponse>(ApiClient.Json);

        var errors = body!.Results.ToDictionary(r => r.FileName, r => r.Error ?? "");
        Assert.Equal(Fixtures.BadImages.Count + 2, errors.Count);
        Assert.All(errors, e =>
        {
            Assert.False(string.IsNullOrWhiteSpace(e.Value), e.Key);
            foreach (var internals in new[] { "vips", "Exception", "unable to call", "libjpeg", "libpng", "spng", "VipsForeign" })
            {
                Assert.DoesNotContain(internals, e.Value, StringComparison.OrdinalIgnoreCase);
            }
        });
        Assert.Equal("The JPEG data is corrupt or truncated; the file cannot be read as an image. Export or download it again and retry.",
            errors["truncated.jpg"]);
        Assert.Equal(errors["truncated.jpg"], errors["in-zip/truncated.jpg"]);
        Assert.Contains("archive is damaged", errors["broken.zip"]);
        Assert.Equal(0, await ImageCountAsync(projectId));
    }

    [Fact]
    public async Task BadFilesDoNotStopTheRestOfTheBatch()
    {
        var (client, projectId, _) = await AdminWithProjectAsync();

        var response = await client.UploadFilesAsync(projectId,
            Fixtures.PathOf("bad-images/empty.jpg"), Fixtures.Good("horse.png"), Fixtures.PathOf("bad-images/script.svg"), Fixtures.Good("coins.png"));

        Assert.Equal([IngestOutcome.Refused, IngestOutcome.Added, IngestOutcome.Refused, IngestOutcome.Added],
            response.Results.Select(r => r.Outcome));
        Assert.Equal(2, await ImageCountAsync(projectId));
    }

    [Fact]
    public async Task StoresGoodImagesWithSizeFormatAndThumbnail()
    {
        var (client, projectId, _) = await AdminWithProjectAsync();

        var response = await client.UploadFilesAsync(projectId, Fixtures.Good("rocket.jpg"), Fixtures.Good("chelsea.png"));

        Assert.Equal(2, response.Added);
        await using var db = await App.NewDbContextAsync();
        var rocket = await db.Images.SingleAsync(i => i.ProjectId == projectId && i.FileName == "rocket.jpg");
        Assert.Equal((640, 427, ImageFormat.Jpeg, ImageStatus.New), (rocket.Width, rocket.Height, rocket.Format, rocket.Status));

        var thumb = await client.Http.GetAsync($"/images/{rocket.Id}/thumbnail");
        Assert.Equal(HttpStatusCode.OK, thumb.StatusCode);
        Assert.Equal("image/webp", thumb.Content.Headers.ContentType?.MediaType);
        using var thumbnail = Vips.Image.NewFromBuffer(await thumb.Content.ReadAsByteArrayAsync());
        Assert.Equal(256, Math.Max(thumbnail.Width, thumbnail.Height));
    }

    [Fact]
    public async Task ServesImagesAsImagesNeverAsDocuments()
    {
        var (client, projectId, _) = await AdminWithProjectAsync();
        var response = await client.UploadFilesAsync(projectId, Fixtures.Good("horse.png"));

        var file = await client.Http.GetAsync($"/images/{response.Results[0].ImageId}/file");

        Assert.Equal(HttpStatusCode.OK, file.StatusCode);
        Assert.Equal("image/png", file.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", file.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", file.Headers.GetValues("Content-Security-Policy").Single());
        Assert.Equal(await File.ReadAllBytesAsync(Fixtures.Good("horse.png")), await file.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task AppliesExifOrientationAtIngest()
    {
        var (client, projectId, _) = await AdminWithProjectAsync();

        var response = await client.UploadFilesAsync(projectId, Fixtures.ExifRotated);

        var id = Assert.Single(response.Results).ImageId;
        await using var db = await App.NewDbContextAsync();
        var image = await db.Images.SingleAsync(i => i.Id == id);
        Assert.Equal((427, 640), (image.Width, image.Height));
        Assert.NotEqual(image.Sha256, image.DisplaySha256);
        // The served file is upright itself, so no viewer has to know about EXIF.
        var bytes = await client.Http.GetByteArrayAsync($"/images/{id}/file");
        using var served = Vips.Image.NewFromBuffer(bytes);
        Assert.Equal((427, 640), (served.Width, served.Height));
        Assert.True(!served.Contains("orientation") || Convert.ToInt32(served.Get("orientation")) == 1);
        var thumbnail = await client.Http.GetByteArrayAsync($"/images/{id}/thumbnail");
        using var thumb = Vips.Image.NewFromBuffer(thumbnail);
        Assert.True(thumb.Height > thumb.Width);
    }

    [Fact]
    public async Task StoresIdenticalFilesOnce()
    {
        var (client, projectId, adminId) = await AdminWithProjectAsync();
        var otherProject = await App.CreateProjectAsync("Other " + Guid.NewGuid().ToString("N")[..6], adminId, (adminId, ProjectRole.Reviewer));

        var first = await client.UploadFilesAsync(projectId, Fixtures.Good("coffee.png"));
        var filesAfterFirst = StoreFiles();
        var again = await client.UploadFilesAsync(projectId, Fixtures.Good("coffee.png"));
        var elsewhere = await client.UploadFilesAsync(otherProject, Fixtures.Good("coffee.png"));

        Assert.Equal(IngestOutcome.Added, first.Results[0].Outcome);
        Assert.Equal(IngestOutcome.Duplicate, again.Results[0].Outcome);
        Assert.Equal(first.Results[0].ImageId, again.Results[0].ImageId);
        Assert.Equal(IngestOutcome.Added, elsewhere.Results[0].Outcome);
        Assert.Equal(1, await ImageCountAsync(projectId));
        Assert.Equal(filesAfterFirst, StoreFiles());
    }

    [Fact]
    public async Task ExpandsZipArchivesAndRefusesEntriesThatClimbOut()
    {
        var (client, projectId, _) = await AdminWithProjectAsync();
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            archive.CreateEntryFromFile(Fixtures.Good("horse.png"), "animals/horse.png");
            archive.CreateEntryFromFile(Fixtures.Good("coins.png"), "../../etc/coins.png");
            archive.CreateEntryFromFile(Fixtures.Good("camera.png"), "/absolute/camera.png");
            archive.CreateEntryFromFile(Fixtures.PathOf("bad-images/script.svg"), "evil.png");
            archive.CreateEntry("empty-folder/");
        }

        var response = await client.UploadAsync(projectId, ("batch.zip", zip.ToArray()));
        var body = await response.Content.ReadFromJsonAsync<Annotator.Web.Api.IngestResponse>(ApiClient.Json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = body!.Results.ToDictionary(r => r.FileName);
        Assert.Equal(4, results.Count);
        Assert.Equal(IngestOutcome.Added, results["animals/horse.png"].Outcome);
        Assert.Equal(IngestOutcome.Refused, results["../../etc/coins.png"].Outcome);
        Assert.Contains("..", results["../../etc/coins.png"].Error);
        Assert.Equal(IngestOutcome.Refused, results["/absolute/camera.png"].Outcome);
        Assert.Equal(IngestOutcome.Refused, results["evil.png"].Outcome);
        await using var db = await App.NewDbContextAsync();
        Assert.Equal(["horse.png"], await db.Images.Where(i => i.ProjectId == projectId).Select(i => i.FileName).ToListAsync());
    }

    [Fact]
    public async Task ParallelUploadsAllLand()
    {
        var (client, projectId, _) = await AdminWithProjectAsync();
        var files = Directory.GetFiles(Fixtures.GoodImages).Order().ToArray();

        var responses = await Task.WhenAll(files.Select(f => client.UploadFilesAsync(projectId, f)));

        Assert.All(responses, r => Assert.Equal(IngestOutcome.Added, Assert.Single(r.Results).Outcome));
        Assert.Equal(files.Length, await ImageCountAsync(projectId));
    }

    [Fact]
    public async Task RefusesUploadWithoutAntiforgeryToken()
    {
        var (client, projectId, _) = await AdminWithProjectAsync();
        var form = new MultipartFormDataContent { { new ByteArrayContent(await File.ReadAllBytesAsync(Fixtures.Good("horse.png"))), "files", "horse.png" } };

        var response = await client.Http.PostAsync($"/api/projects/{projectId}/images", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(0, await ImageCountAsync(projectId));
    }

    [Fact]
    public async Task LabelersCannotUpload()
    {
        var adminEmail = $"a-{Guid.NewGuid():N}@example.com";
        var labelerEmail = $"l-{Guid.NewGuid():N}@example.com";
        var admin = await App.CreateUserAsync(adminEmail, AppRoles.Admin);
        var labeler = await App.CreateUserAsync(labelerEmail, AppRoles.Labeler);
        var projectId = await App.CreateProjectAsync("Labelers " + Guid.NewGuid().ToString("N")[..6], admin.Id, (labeler.Id, ProjectRole.Labeler));
        using var client = await ApiClient.SignInAsync(App, labelerEmail);

        var response = await client.UploadAsync(projectId, ("horse.png", await File.ReadAllBytesAsync(Fixtures.Good("horse.png"))));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal(0, await ImageCountAsync(projectId));
    }
}

public sealed class ImageIngestOnSqlite(SqliteApp app) : ImageIngest<SqliteApp>(app), IClassFixture<SqliteApp>;

public sealed class ImageIngestOnPostgres(PostgresApp app) : ImageIngest<PostgresApp>(app), IClassFixture<PostgresApp>;
