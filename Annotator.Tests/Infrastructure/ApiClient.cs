using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Serialization;
using Annotator.Web.Api;

namespace Annotator.Tests.Infrastructure;

/// <summary>A signed-in HTTP client of the app, as the browser's upload script uses it.</summary>
public sealed class ApiClient(HttpClient http, string antiforgeryToken) : IDisposable
{
    /// <summary>JSON options of the app's API.</summary>
    public static JsonSerializerOptions Json { get; } = new(JsonSerializerDefaults.Web)
    {
        Converters = { new JsonStringEnumConverter() },
    };

    /// <summary>The underlying client (keeps the auth cookie).</summary>
    public HttpClient Http { get; } = http;

    /// <summary>Signs in <paramref name="email"/> and reads an antiforgery token.</summary>
    public static async Task<ApiClient> SignInAsync(AnnotatorFactory app, string email)
    {
        var http = app.NewClient();
        await AnnotatorFactory.SignInAsync(http, email);
        return new ApiClient(http, await AnnotatorFactory.AntiforgeryTokenAsync(http));
    }

    /// <summary>Uploads files (name, bytes) in one multipart request.</summary>
    public Task<HttpResponseMessage> UploadAsync(int projectId, params (string Name, byte[] Content)[] files)
    {
        var form = new MultipartFormDataContent();
        foreach (var (name, content) in files)
        {
            var part = new ByteArrayContent(content);
            part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            form.Add(part, "files", name);
        }
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{projectId}/images") { Content = form };
        request.Headers.Add("X-CSRF-TOKEN", antiforgeryToken);
        return Http.SendAsync(request);
    }

    /// <summary>Uploads fixture files by path and reads the per-file results.</summary>
    public async Task<IngestResponse> UploadFilesAsync(int projectId, params string[] paths)
    {
        var response = await UploadAsync(projectId, [.. paths.Select(p => (Path.GetFileName(p), File.ReadAllBytes(p)))]);
        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<IngestResponse>(Json))!;
    }

    /// <summary>Imports a taxonomy file into the project's draft.</summary>
    public Task<HttpResponseMessage> ImportTaxonomyAsync(int projectId, string content, string? format = null, bool withToken = true)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{projectId}/taxonomy/draft{(format is null ? "" : "?format=" + format)}")
        {
            Content = new StringContent(content, System.Text.Encoding.UTF8, "text/plain"),
        };
        if (withToken)
        {
            request.Headers.Add("X-CSRF-TOKEN", antiforgeryToken);
        }
        return Http.SendAsync(request);
    }

    /// <summary>Asks for a server folder import.</summary>
    public Task<HttpResponseMessage> ImportFolderAsync(int projectId, string? folder)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{projectId}/images/import")
        {
            Content = JsonContent.Create(new FolderImportRequest(folder)),
        };
        request.Headers.Add("X-CSRF-TOKEN", antiforgeryToken);
        return Http.SendAsync(request);
    }

    public void Dispose() => Http.Dispose();
}
