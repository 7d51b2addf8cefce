using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Annotator.Core.Accounts;
using Annotator.Core.Projects;
using Annotator.Tests.Infrastructure;
using Annotator.Web.Guidelines;
using Microsoft.Extensions.DependencyInjection;
using Vips = NetVips;

namespace Annotator.Tests.Web.Guidelines;

/// <summary>
/// Guideline example images through the real endpoints (Kestrel on 127.0.0.1, SQLite file): admins upload, members
/// see, everyone else gets 404; bad files are refused with the reason and leave nothing behind.
/// </summary>
public sealed class GuidelineAssets(SqliteKestrelApp fixture) : IClassFixture<SqliteKestrelApp>
{
    private AnnotatorFactory App => fixture.App;

    private sealed record Session(HttpClient Http, string Token) : IDisposable
    {
        public void Dispose() => Http.Dispose();
    }

    private sealed record World(int Project, Session Admin, Session Member, Session Reviewer, Session Outsider) : IDisposable
    {
        public void Dispose()
        {
            Admin.Dispose();
            Member.Dispose();
            Reviewer.Dispose();
            Outsider.Dispose();
        }
    }

    private async Task<Session> SignInAsync(string email)
    {
        // Over real sockets to Kestrel, as a browser would; the in-memory client does not reach it.
        var http = new HttpClient(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true, CookieContainer = new() })
        {
            BaseAddress = App.ServerAddress,
        };
        await AnnotatorFactory.SignInAsync(http, email);
        return new Session(http, await AnnotatorFactory.AntiforgeryTokenAsync(http));
    }

    private async Task<World> WorldAsync()
    {
        var tag = Guid.NewGuid().ToString("N")[..8];
        var admin = await App.CreateUserAsync($"admin-{tag}@example.com", AppRoles.Admin);
        var labeler = await App.CreateUserAsync($"labeler-{tag}@example.com", AppRoles.Labeler);
        var reviewer = await App.CreateUserAsync($"reviewer-{tag}@example.com", AppRoles.Reviewer);
        await App.CreateUserAsync($"outsider-{tag}@example.com", AppRoles.Labeler);
        var project = await App.CreateProjectAsync("Guides " + tag, admin.Id, (labeler.Id, ProjectRole.Labeler), (reviewer.Id, ProjectRole.Reviewer));
        return new World(project, await SignInAsync(admin.Email!), await SignInAsync(labeler.Email!), await SignInAsync(reviewer.Email!),
            await SignInAsync($"outsider-{tag}@example.com"));
    }

    private static Task<HttpResponseMessage> UploadAsync(Session session, int project, string name, byte[] content, bool withToken = true)
    {
        var part = new ByteArrayContent(content);
        part.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
        var request = new HttpRequestMessage(HttpMethod.Post, $"/api/projects/{project}/guideline-assets")
        {
            Content = new MultipartFormDataContent { { part, "file", name } },
        };
        if (withToken)
        {
            request.Headers.Add("X-CSRF-TOKEN", session.Token);
        }
        return session.Http.SendAsync(request);
    }

    private static async Task<GuidelineAsset> UploadOkAsync(Session session, int project, string path)
    {
        var response = await UploadAsync(session, project, Path.GetFileName(path), await File.ReadAllBytesAsync(path));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<GuidelineAsset>(ApiClient.Json))!;
    }

    private static async Task<string> ErrorOfAsync(HttpResponseMessage response)
    {
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return json.RootElement.GetProperty("error").GetString()!;
    }

    private string[] GuidelineFiles(int project)
    {
        var folder = Path.Combine(App.DataPath, "guidelines", project.ToString());
        return Directory.Exists(folder) ? Directory.GetFiles(folder, "*", SearchOption.AllDirectories) : [];
    }

    private string[] TemporaryFiles()
    {
        var folder = Path.Combine(App.DataPath, "store", "tmp");
        return Directory.Exists(folder) ? Directory.GetFiles(folder) : [];
    }

    [Fact]
    public async Task AnAdminsUploadIsServedToMembersOnly()
    {
        using var world = await WorldAsync();

        var asset = await UploadOkAsync(world.Admin, world.Project, Fixtures.Good("horse.png"));

        Assert.Matches($"^/projects/{world.Project}/guideline-assets/[0-9a-f]{{32}}\\.png$", asset.Url);
        Assert.Equal((400, 328), (asset.Width, asset.Height));
        Assert.Single(GuidelineFiles(world.Project));
        foreach (var member in new[] { world.Member, world.Reviewer, world.Admin })
        {
            var served = await member.Http.GetAsync(asset.Url);
            Assert.Equal(HttpStatusCode.OK, served.StatusCode);
            Assert.Equal("image/png", served.Content.Headers.ContentType?.MediaType);
            Assert.Equal("nosniff", served.Headers.GetValues("X-Content-Type-Options").Single());
            var cache = served.Headers.CacheControl!;
            Assert.True(cache.Private && cache.MaxAge > TimeSpan.FromDays(1), cache.ToString());
            Assert.Contains("immutable", cache.ToString());
            using var image = Vips.Image.NewFromBuffer(await served.Content.ReadAsByteArrayAsync());
            Assert.Equal((400, 328), (image.Width, image.Height));
        }
        var outsider = await world.Outsider.Http.GetAsync(asset.Url);
        var missing = await world.Member.Http.GetAsync($"/projects/{world.Project}/guideline-assets/{new string('0', 32)}.png");
        Assert.Equal(HttpStatusCode.NotFound, outsider.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Equal(await missing.Content.ReadAsByteArrayAsync(), await outsider.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task TheSameImageTwiceIsOneFileAtOneUrl()
    {
        using var world = await WorldAsync();

        var first = await UploadOkAsync(world.Admin, world.Project, Fixtures.Good("coins.png"));
        var again = await UploadOkAsync(world.Admin, world.Project, Fixtures.Good("coins.png"));

        Assert.Equal(first, again);
        Assert.Single(GuidelineFiles(world.Project));
    }

    [Fact]
    public async Task OnlyAdminsMayUpload()
    {
        using var world = await WorldAsync();
        var horse = await File.ReadAllBytesAsync(Fixtures.Good("horse.png"));

        var labeler = await UploadAsync(world.Member, world.Project, "horse.png", horse);
        var reviewer = await UploadAsync(world.Reviewer, world.Project, "horse.png", horse);
        var outsider = await UploadAsync(world.Outsider, world.Project, "horse.png", horse);
        var noToken = await UploadAsync(world.Admin, world.Project, "horse.png", horse, withToken: false);

        Assert.Equal(HttpStatusCode.Forbidden, labeler.StatusCode);
        Assert.Contains("admins", await ErrorOfAsync(labeler));
        Assert.Equal(HttpStatusCode.Forbidden, reviewer.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, outsider.StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, noToken.StatusCode);
        Assert.Contains("anti-forgery", await ErrorOfAsync(noToken));
        Assert.Empty(GuidelineFiles(world.Project));
    }

    [Fact]
    public async Task TheServiceChecksTheCallerItself()
    {
        using var world = await WorldAsync();
        var tag = Guid.NewGuid().ToString("N")[..8];
        var labeler = await App.CreateUserAsync($"direct-{tag}@example.com", AppRoles.Labeler);
        await App.AddMemberAsync(world.Project, labeler.Id, ProjectRole.Labeler);
        var assets = App.Services.GetRequiredService<GuidelineAssetService>();
        await using var stream = File.OpenRead(Fixtures.Good("horse.png"));

        var upload = await assets.UploadAsync(TestPrincipals.For(labeler, AppRoles.Labeler), world.Project, "horse.png", stream);

        Assert.Equal(GuidelineAssetRefusal.Forbidden, upload.Refusal);
        Assert.Null(upload.Asset);
        Assert.Empty(GuidelineFiles(world.Project));
    }

    public static TheoryData<string, string[]> BadFiles { get; } = new()
    {
        { "truncated.jpg", ["JPEG"] },
        { "empty.jpg", ["empty"] },
        { "html-disguised.png", ["HTML"] },
        { "script.svg", ["SVG"] },
        { "huge-header.png", ["PNG"] },
        { "bomb-20000x20000.png", ["20,000×20,000", "megapixels"] },
    };

    [Theory]
    [MemberData(nameof(BadFiles))]
    public async Task RefusesBadImagesNamingTheProblemAndLeavesNothingBehind(string file, string[] words)
    {
        using var world = await WorldAsync();
        var temporary = TemporaryFiles();

        var response = await UploadAsync(world.Admin, world.Project, file, await File.ReadAllBytesAsync(Fixtures.PathOf("bad-images/" + file)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorOfAsync(response);
        Assert.Contains(file, error);
        Assert.All(words, word => Assert.Contains(word, error));
        Assert.Empty(GuidelineFiles(world.Project));
        Assert.Equal(temporary, TemporaryFiles());
    }

    [Fact]
    public async Task RefusesATextFileNamedLikeAnImage()
    {
        using var world = await WorldAsync();

        var response = await UploadAsync(world.Admin, world.Project, "notes.png", "Draw boxes tight around each car.\n"u8.ToArray());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await ErrorOfAsync(response);
        Assert.Contains("notes.png", error);
        Assert.Contains("not a JPEG, PNG, WebP or TIFF image", error);
        Assert.Empty(GuidelineFiles(world.Project));
    }

    [Fact]
    public async Task RefusesFilesOverTheLimitWith413()
    {
        using var world = await WorldAsync();
        var big = new byte[GuidelineAssetService.MaxUploadBytes + 1024 * 1024];
        await File.OpenRead(Fixtures.Good("horse.png")).ReadExactlyAsync(big.AsMemory(0, 1024));

        var response = await UploadAsync(world.Admin, world.Project, "big.png", big);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Contains("10 MiB", await ErrorOfAsync(response));
        Assert.Empty(GuidelineFiles(world.Project));
    }

    [Fact]
    public async Task RefusesNamesThatAreNotAssetNames()
    {
        using var world = await WorldAsync();
        var asset = await UploadOkAsync(world.Admin, world.Project, Fixtures.Good("horse.png"));
        var stored = Assert.Single(GuidelineFiles(world.Project));
        string[] names =
        [
            "..%2F..%2Fannotator.db", "..%2Fguidelines", "%2e%2e%2f%2e%2e%2fannotator.db", "..%5C..%5Cannotator.db", "annotator.db",
            "0123456789ABCDEF0123456789ABCDEF.png", "0123456789abcdef0123456789abcdef.svg", "0123456789abcdef0123456789abcdef.png.html",
            "0123456789abcdef0123456789abcdef", "0123456789abcdef0123456789abcdef0.png", " 0123456789abcdef0123456789abcdef.png",
        ];
        foreach (var name in names)
        {
            // A real image under the tested name beside the asset: only the name's shape may decide.
            var decoy = Uri.UnescapeDataString(name).Replace('/', '_').Replace('\\', '_');
            File.Copy(stored, Path.Combine(Path.GetDirectoryName(stored)!, decoy), overwrite: true);

            var response = await world.Admin.Http.GetAsync($"/projects/{world.Project}/guideline-assets/{name}");

            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{name}: {(int)response.StatusCode}");
        }
        Assert.Equal(HttpStatusCode.OK, (await world.Admin.Http.GetAsync(asset.Url)).StatusCode);
    }

    [Fact]
    public async Task AnExifRotatedPhotoComesOutUprightWithoutMetadata()
    {
        using var world = await WorldAsync();

        var asset = await UploadOkAsync(world.Admin, world.Project, Fixtures.ExifRotated);

        // Stored 640×427 with orientation 6: upright it is 427 wide and 640 high.
        Assert.Equal((427, 640), (asset.Width, asset.Height));
        Assert.EndsWith(".jpg", asset.Url);
        var served = await world.Member.Http.GetAsync(asset.Url);
        Assert.Equal("image/jpeg", served.Content.Headers.ContentType?.MediaType);
        using var image = Vips.Image.NewFromBuffer(await served.Content.ReadAsByteArrayAsync());
        Assert.Equal((427, 640), (image.Width, image.Height));
        Assert.False(image.Contains("exif-data"));
        Assert.True(!image.Contains("orientation") || Convert.ToInt32(image.Get("orientation")) == 1);
    }
}
