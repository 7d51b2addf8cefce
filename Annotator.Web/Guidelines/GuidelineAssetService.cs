using System.Globalization;
using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using Annotator.Core.Images;
using Annotator.Web.Data;
using Annotator.Web.Images;
using Annotator.Web.Projects;
using Microsoft.Extensions.Options;
using Vips = NetVips;

namespace Annotator.Web.Guidelines;

/// <summary>An example image stored for a project's guidelines.</summary>
/// <param name="Url">Where the app serves it (project members only); what Markdown refers to.</param>
/// <param name="Width">Width in pixels, upright.</param>
/// <param name="Height">Height in pixels, upright.</param>
public sealed record GuidelineAsset(string Url, int Width, int Height);

/// <summary>Why an upload was refused.</summary>
public enum GuidelineAssetRefusal
{
    /// <summary>No such project, or the caller is not in it.</summary>
    NotFound,

    /// <summary>The caller may not change guidelines (admins only), or the project is archived.</summary>
    Forbidden,

    /// <summary>The file is not a whole, sane image.</summary>
    Invalid,

    /// <summary>The file is over <see cref="GuidelineAssetService.MaxUploadBytes"/>.</summary>
    TooLarge,

    /// <summary>The server could not store it.</summary>
    Failed,
}

/// <summary>The outcome of an upload: the stored asset, or the refusal and a sentence for the person who sent it.</summary>
/// <param name="Asset">The stored image, when accepted.</param>
/// <param name="Refusal">Why not, when refused.</param>
/// <param name="Error">The reason in words, when refused.</param>
public sealed record GuidelineAssetUpload(GuidelineAsset? Asset, GuidelineAssetRefusal? Refusal, string? Error)
{
    /// <summary>Accepted.</summary>
    public static GuidelineAssetUpload Stored(GuidelineAsset asset) => new(asset, null, null);

    /// <summary>Refused.</summary>
    public static GuidelineAssetUpload Refused(GuidelineAssetRefusal refusal, string error) => new(null, refusal, error);
}

/// <summary>
/// Example images for guidelines, kept as files (no table): <c>{DataPath}/guidelines/{projectId}/{32 hex}.{png|jpg}</c>.
/// An upload is checked exactly as image ingest checks images (<see cref="ImageInspector"/>: content sniffing, the
/// pixel limit before decoding, a strict full decode), then re-encoded upright, without metadata and at most
/// <see cref="MaxSide"/> pixels on its longest side, to PNG (or JPEG for photos that came as JPEG). Its name is the
/// hash of the re-encoded bytes, so a URL always means the same picture. Nothing is written for a refused file.
/// </summary>
public sealed partial class GuidelineAssetService(
    ProjectAccess access,
    ImageStore store,
    ImageInspector inspector,
    IOptions<AnnotatorOptions> options,
    ILogger<GuidelineAssetService> logger)
{
    /// <summary>Largest file accepted: 10 MiB.</summary>
    public const long MaxUploadBytes = 10L * 1024 * 1024;

    /// <summary>Longest side of a stored example image, in pixels; larger images are scaled down.</summary>
    public const int MaxSide = 4096;

    private readonly string _root = Path.Combine(options.Value.DataFullPath, "guidelines");

    /// <summary>The folder that holds every project's guideline assets.</summary>
    public string Root => _root;

    /// <summary>
    /// Stores an example image for project <paramref name="projectId"/>'s guidelines. Only app admins may (the
    /// taxonomy editor is theirs), and not in an archived project; the caller is checked here, whoever calls.
    /// </summary>
    public async Task<GuidelineAssetUpload> UploadAsync(ClaimsPrincipal user, int projectId, string fileName, Stream content,
        CancellationToken cancellationToken = default)
    {
        var permission = await access.ForProjectAsync(user, projectId, cancellationToken);
        if (permission is null)
        {
            return GuidelineAssetUpload.Refused(GuidelineAssetRefusal.NotFound, "The project does not exist.");
        }
        if (!permission.IsAdmin)
        {
            return GuidelineAssetUpload.Refused(GuidelineAssetRefusal.Forbidden, "Only admins may add images to guidelines.");
        }
        if (permission.IsArchived)
        {
            return GuidelineAssetUpload.Refused(GuidelineAssetRefusal.Forbidden, "The project is archived; its guidelines cannot change.");
        }

        var upload = store.NewTempPath();
        string? upright = null;
        string? displayFile = null;
        try
        {
            var (length, head) = await SpoolAsync(content, upload, cancellationToken);
            if (length > MaxUploadBytes)
            {
                return GuidelineAssetUpload.Refused(GuidelineAssetRefusal.TooLarge,
                    $"{Name(fileName)} is larger than the limit of {MaxUploadBytes / (1024 * 1024)} MiB for guideline images.");
            }
            if (ImageFormats.Detect(head) is not { } format)
            {
                return GuidelineAssetUpload.Refused(GuidelineAssetRefusal.Invalid,
                    $"{Name(fileName)} is not a JPEG, PNG, WebP or TIFF image: {ImageFormats.Describe(head)}.");
            }
            // The same checks as every image of the project gets; libvips work is CPU-bound, so off the async flow.
            var inspected = await Task.Run(() => inspector.Inspect(upload, format), cancellationToken);
            displayFile = inspected.DisplayFile;

            upright = store.NewTempPath();
            var (width, height, jpeg) = await Task.Run(() => Reencode(upload, format, upright), cancellationToken);
            var name = await HashNameAsync(upright, jpeg ? ".jpg" : ".png", cancellationToken);
            var destination = Path.Combine(ProjectFolder(projectId), name);
            ImageStore.Commit(upright, destination);
            upright = null;
            return GuidelineAssetUpload.Stored(new GuidelineAsset(UrlOf(projectId, name), width, height));
        }
        catch (ImageRejectedException e)
        {
            return GuidelineAssetUpload.Refused(GuidelineAssetRefusal.Invalid, $"{Name(fileName)} was refused. {e.Message}");
        }
        catch (Vips.VipsException e)
        {
            logger.LogInformation("Re-encoding guideline image {File} failed: {Reason}", fileName, e.Message.Split('\n')[0]);
            return GuidelineAssetUpload.Refused(GuidelineAssetRefusal.Invalid,
                $"{Name(fileName)} could not be re-encoded: the image data is corrupt or truncated.");
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            logger.LogError(e, "Storing guideline image {File} for project {Project} failed.", fileName, projectId);
            return GuidelineAssetUpload.Refused(GuidelineAssetRefusal.Failed, "The server could not store this image; nothing was added. Try again.");
        }
        finally
        {
            ImageStore.DeleteQuietly(upload);
            ImageStore.DeleteQuietly(upright);
            ImageStore.DeleteQuietly(displayFile);
        }
    }

    /// <summary>The file of asset <paramref name="name"/> of project <paramref name="projectId"/>, or null for a name that is not one.</summary>
    public string? PathOf(int projectId, string? name) =>
        name is not null && IsAssetName(name) ? Path.Combine(ProjectFolder(projectId), name) : null;

    /// <summary>Whether <paramref name="name"/> is an asset name: 32 lower-case hex digits and .png, .jpg or .webp.</summary>
    public static bool IsAssetName(string name) => AssetName().IsMatch(name);

    /// <summary>The URL the app serves an asset at.</summary>
    public static string UrlOf(int projectId, string name) =>
        string.Create(CultureInfo.InvariantCulture, $"/projects/{projectId}/guideline-assets/{name}");

    /// <summary>The media type of an asset, from its (validated) name.</summary>
    public static string ContentTypeOf(string name) => Path.GetExtension(name) switch
    {
        ".jpg" => "image/jpeg",
        ".webp" => "image/webp",
        _ => "image/png",
    };

    private string ProjectFolder(int projectId) => Path.Combine(_root, projectId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Upright, no metadata, at most <see cref="MaxSide"/> on the long side; JPEG stays JPEG, the rest is PNG.</summary>
    private static (int Width, int Height, bool Jpeg) Reencode(string source, ImageFormat format, string destination)
    {
        // Thumbnail applies the EXIF orientation, decodes strictly and never enlarges.
        using var image = Vips.Image.Thumbnail(source + "[fail_on=error]", MaxSide, MaxSide, size: Vips.Enums.Size.Down);
        var jpeg = format == ImageFormat.Jpeg;
        if (jpeg)
        {
            image.Jpegsave(destination, q: 90, keep: Vips.Enums.ForeignKeep.None);
        }
        else
        {
            image.Pngsave(destination, keep: Vips.Enums.ForeignKeep.None);
        }
        return (image.Width, image.Height, jpeg);
    }

    private static async Task<(long Length, byte[] Head)> SpoolAsync(Stream content, string path, CancellationToken cancellationToken)
    {
        var head = new byte[64];
        var headLength = 0;
        long length = 0;
        await using var output = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, 81920, FileOptions.Asynchronous);
        var buffer = new byte[81920];
        int read;
        while ((read = await content.ReadAsync(buffer, cancellationToken)) > 0)
        {
            length += read;
            if (length > MaxUploadBytes)
            {
                return (length, []);
            }
            if (headLength < head.Length)
            {
                var take = Math.Min(head.Length - headLength, read);
                buffer.AsSpan(0, take).CopyTo(head.AsSpan(headLength));
                headLength += take;
            }
            await output.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
        return (length, head[..headLength]);
    }

    private static async Task<string> HashNameAsync(string path, string extension, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(stream, cancellationToken))[..32] + extension;
    }

    private static string Name(string fileName) => $"'{Image.CleanFileName(fileName)}'";

    [GeneratedRegex("^[0-9a-f]{32}\\.(png|jpg|webp)$")]
    private static partial Regex AssetName();
}
