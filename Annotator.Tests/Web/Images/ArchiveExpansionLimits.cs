using System.IO.Compression;
using System.Net;
using System.Net.Http.Json;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Api;
using Annotator.Web.Images;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;

namespace Annotator.Tests.Web.Images;

/// <summary>
/// Zip bombs through the real upload endpoint: an entry is refused from its first bytes before it is written to disk,
/// and the archives of one request stop expanding at <c>ZipInflateRatio</c> × their size plus the allowance.
/// </summary>
public sealed class ArchiveExpansionLimits(SqliteApp fixture) : IClassFixture<SqliteApp>
{
    private const int MiB = 1024 * 1024;

    private AnnotatorFactory App => fixture.App;

    private ImageIngestService Ingest => App.Services.GetRequiredService<ImageIngestService>();

    private string[] StoreFiles() => Directory.Exists(Path.Combine(App.DataPath, "store"))
        ? [.. Directory.EnumerateFiles(Path.Combine(App.DataPath, "store"), "*", SearchOption.AllDirectories).Order()]
        : [];

    private async Task<(ApiClient Client, int ProjectId)> AdminWithProjectAsync()
    {
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        var admin = await App.CreateUserAsync(email, AppRoles.Admin);
        var projectId = await App.CreateProjectAsync("Zip " + Guid.NewGuid().ToString("N")[..6], admin.Id, (admin.Id, ProjectRole.Reviewer));
        return (await ApiClient.SignInAsync(App, email), projectId);
    }

    private async Task<int> ImageCountAsync(int projectId)
    {
        await using var db = await App.NewDbContextAsync();
        return await db.Images.CountAsync(i => i.ProjectId == projectId);
    }

    /// <summary>A zip of <paramref name="entries"/> entries, each <paramref name="head"/> followed by zeros up to <paramref name="size"/> bytes.</summary>
    private static byte[] Bomb(int entries, long size, byte[] head)
    {
        using var zip = new MemoryStream();
        using (var archive = new ZipArchive(zip, ZipArchiveMode.Create, leaveOpen: true))
        {
            var zeros = new byte[MiB];
            for (var i = 0; i < entries; i++)
            {
                using var entry = archive.CreateEntry($"zeros-{i}.png", CompressionLevel.SmallestSize).Open();
                entry.Write(head);
                for (var written = (long)head.Length; written < size; written += zeros.Length)
                {
                    entry.Write(zeros, 0, (int)Math.Min(zeros.Length, size - written));
                }
            }
        }
        return zip.ToArray();
    }

    [Fact]
    public async Task RefusesEntriesOfZerosFromTheirFirstBytesWithoutWritingThem()
    {
        var (client, projectId) = await AdminWithProjectAsync();
        var before = StoreFiles();
        // 8 × 200 MiB of zeros in well under 2 MiB: each entry is below the file size limit, so only its content stops it.
        var zip = Bomb(8, 200L * MiB, []);
        var spooledBefore = Ingest.SpooledBytes;

        var response = await client.UploadAsync(projectId, ("zeros.zip", zip));
        var body = await response.Content.ReadFromJsonAsync<IngestResponse>(ApiClient.Json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(8, body!.Results.Count);
        Assert.All(body.Results, r =>
        {
            Assert.Equal(IngestOutcome.Refused, r.Outcome);
            Assert.Equal("Not a JPEG, PNG, WebP or TIFF image: its content is not a known image format.", r.Error);
        });
        // Only the archive itself went to disk, never an inflated entry.
        Assert.InRange(Ingest.SpooledBytes - spooledBefore, zip.Length, zip.Length);
        Assert.Equal(0, await ImageCountAsync(projectId));
        Assert.Equal(before, StoreFiles());
    }

    [Fact]
    public async Task StopsExpandingAtTheRequestsLimitAndRefusesTheRest()
    {
        var (client, projectId) = await AdminWithProjectAsync();
        var before = StoreFiles();
        // Each entry starts like a PNG, so its first bytes pass; 6 × 40 MiB is past 4 × the archive plus 64 MiB.
        byte[] png = [0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A];
        var zip = Bomb(6, 40L * MiB, png);
        var allowed = 4L * zip.Length + 64L * MiB;
        var spooledBefore = Ingest.SpooledBytes;

        var response = await client.UploadAsync(projectId, ("bomb.zip", zip));
        var body = await response.Content.ReadFromJsonAsync<IngestResponse>(ApiClient.Json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var results = body!.Results;
        Assert.All(results, r => Assert.Equal(IngestOutcome.Refused, r.Outcome));
        // The first entry fits and is refused for its content; the second reaches the limit; the rest is not read.
        Assert.Equal(["zeros-0.png", "zeros-1.png", "bomb.zip"], results.Select(r => r.FileName));
        Assert.Contains("PNG data is corrupt or truncated", results[0].Error);
        Assert.Equal($"The archive expands to more than {allowed / (double)MiB:N0} MiB, the limit for this upload (a few times its own size); it was not unpacked further.",
            results[1].Error);
        Assert.Equal("4 more entries were not read: the archive expands to more than the upload allows.", results[2].Error);
        Assert.InRange(Ingest.SpooledBytes - spooledBefore, zip.Length, zip.Length + allowed);
        Assert.Equal(0, await ImageCountAsync(projectId));
        Assert.Equal(before, StoreFiles());
    }

    [Fact]
    public async Task RefusesManySmallEntriesOfZerosOneByOne()
    {
        var (client, projectId) = await AdminWithProjectAsync();
        var before = StoreFiles();
        var zip = Bomb(300, 4L * MiB, []);
        var spooledBefore = Ingest.SpooledBytes;

        var response = await client.UploadAsync(projectId, ("many.zip", zip));
        var body = await response.Content.ReadFromJsonAsync<IngestResponse>(ApiClient.Json);

        Assert.Equal(300, body!.Refused);
        Assert.All(body.Results, r => Assert.Contains("not a known image format", r.Error));
        Assert.Equal(zip.Length, Ingest.SpooledBytes - spooledBefore);
        Assert.Equal(0, await ImageCountAsync(projectId));
        Assert.Equal(before, StoreFiles());
    }

    [Fact]
    public async Task RefusesAFileThatIsNeitherAnImageNorAnArchiveBeforeStoringIt()
    {
        var (client, projectId) = await AdminWithProjectAsync();
        var spooledBefore = Ingest.SpooledBytes;

        var response = await client.UploadAsync(projectId, ("zeros.png", new byte[32 * MiB]));
        var body = await response.Content.ReadFromJsonAsync<IngestResponse>(ApiClient.Json);

        Assert.Contains("not a known image format", Assert.Single(body!.Results).Error);
        Assert.Equal(0, Ingest.SpooledBytes - spooledBefore);
    }
}
