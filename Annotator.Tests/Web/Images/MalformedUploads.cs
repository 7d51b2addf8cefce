using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Microsoft.EntityFrameworkCore;

namespace Annotator.Tests.Web.Images;

/// <summary>
/// Broken request bodies over real HTTP (Kestrel on 127.0.0.1): each is answered 4xx with a reason, and nothing is
/// added or left in the store.
/// </summary>
public sealed class MalformedUploads(SqliteKestrelApp fixture) : IClassFixture<SqliteKestrelApp>
{
    private AnnotatorFactory App => fixture.App;

    private async Task<(ApiClient Client, string Token, int ProjectId)> AdminWithProjectAsync()
    {
        var email = $"admin-{Guid.NewGuid():N}@example.com";
        var admin = await App.CreateUserAsync(email, AppRoles.Admin);
        var projectId = await App.CreateProjectAsync("Broken " + Guid.NewGuid().ToString("N")[..6], admin.Id, (admin.Id, ProjectRole.Reviewer));
        // A real socket to Kestrel, keeping cookies, not following redirects.
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true }) { BaseAddress = App.ServerAddress };
        await AnnotatorFactory.SignInAsync(http, email);
        var token = await AnnotatorFactory.AntiforgeryTokenAsync(http);
        return (new ApiClient(http, token), token, projectId);
    }

    /// <summary>A multipart/form-data body with one file part, cut off before its closing boundary.</summary>
    private static ByteArrayContent WithoutClosingBoundary(string fileName, byte[] content)
    {
        var head = Encoding.ASCII.GetBytes(
            $"--cut\r\nContent-Disposition: form-data; name=\"files\"; filename=\"{fileName}\"\r\nContent-Type: application/octet-stream\r\n\r\n");
        var body = new ByteArrayContent([.. head, .. content]);
        body.Headers.ContentType = MediaTypeHeaderValue.Parse("multipart/form-data; boundary=cut");
        return body;
    }

    private string[] StoreFiles() => Directory.Exists(Path.Combine(App.DataPath, "store"))
        ? [.. Directory.EnumerateFiles(Path.Combine(App.DataPath, "store"), "*", SearchOption.AllDirectories).Order()]
        : [];

    private static async Task<string> DetailAsync(HttpResponseMessage response)
    {
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.TryGetProperty("detail", out var detail) ? detail.GetString()! : json.RootElement.GetProperty("error").GetString()!;
    }

    private async Task<int> ImageCountAsync(int projectId)
    {
        await using var db = await App.NewDbContextAsync();
        return await db.Images.CountAsync(i => i.ProjectId == projectId);
    }

    [Fact]
    public async Task AnUploadWithoutItsClosingBoundaryIsRefusedWithTheReason()
    {
        var (client, token, projectId) = await AdminWithProjectAsync();
        var before = StoreFiles();
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{projectId}/images")
        {
            Content = WithoutClosingBoundary("horse.png", await File.ReadAllBytesAsync(Fixtures.Good("horse.png"))),
        };
        request.Headers.Add("X-CSRF-TOKEN", token);

        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("closing boundary", await DetailAsync(response));
        Assert.Contains("nothing was added", await DetailAsync(response));
        Assert.Equal(0, await ImageCountAsync(projectId));
        Assert.Equal(before, StoreFiles());
    }

    [Theory]
    [InlineData("/api/projects/{0}/images")]
    [InlineData("/api/projects/{0}/guideline-assets")]
    public async Task AMalformedMultipartBodyWithoutTheAntiforgeryHeaderIsRefusedWithTheReason(string path)
    {
        var (client, _, projectId) = await AdminWithProjectAsync();
        using var request = new HttpRequestMessage(HttpMethod.Post, string.Format(System.Globalization.CultureInfo.InvariantCulture, path, projectId))
        {
            Content = WithoutClosingBoundary("horse.png", await File.ReadAllBytesAsync(Fixtures.Good("horse.png"))),
        };

        using var response = await client.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var detail = await DetailAsync(response);
        Assert.Contains("not well-formed", detail);
        Assert.Contains("anti-forgery", detail);
        Assert.Equal(0, await ImageCountAsync(projectId));
    }
}
