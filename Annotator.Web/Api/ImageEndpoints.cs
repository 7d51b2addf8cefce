using System.Security.Claims;
using Annotator.Core;
using Annotator.Core.Images;
using Annotator.Web.Data;
using Annotator.Web.Accounts;
using Annotator.Web.Images;
using Annotator.Web.Projects;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;

namespace Annotator.Web.Api;

/// <summary>The response to an upload or import: one result per file, and totals.</summary>
public sealed record IngestResponse(IReadOnlyList<IngestResult> Results, int Added, int Duplicates, int Refused)
{
    /// <summary>Totals <paramref name="results"/>.</summary>
    public static IngestResponse From(IReadOnlyList<IngestResult> results) => new(results,
        results.Count(r => r.Outcome == IngestOutcome.Added),
        results.Count(r => r.Outcome == IngestOutcome.Duplicate),
        results.Count(r => r.Outcome == IngestOutcome.Refused));
}

/// <summary>A request to import a server folder.</summary>
/// <param name="Folder">Relative to the configured import root; empty for the root itself.</param>
public sealed record FolderImportRequest(string? Folder);

/// <summary>Image files in and out. Every endpoint checks project membership; a non-member gets 404 with no body.</summary>
public static class ImageEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapImageEndpoints(this IEndpointRouteBuilder app)
    {
        var files = app.MapGroup("/images").RequireAuthorization();
        files.MapGet("/{imageId:int}/file", ServeFileAsync);
        files.MapGet("/{imageId:int}/thumbnail", ServeThumbnailAsync);

        var api = app.MapGroup("/api/projects/{projectId:int}/images").RequireAuthorization().DisableAntiforgery();
        api.MapPost("/", UploadAsync);
        api.MapPost("/import", ImportFolderAsync);
        return app;
    }

    private static async Task<IResult> ServeFileAsync(int imageId, ClaimsPrincipal user, ProjectAccess access, ImageStore store,
        HttpContext context, CancellationToken cancellationToken)
    {
        var image = await access.ImageAsync(user, imageId, cancellationToken);
        if (image is null)
        {
            return Results.NotFound();
        }
        var path = store.BlobPath(image.DisplaySha256);
        var extension = image.Format switch
        {
            ImageFormat.Jpeg => ".jpg",
            ImageFormat.Png => ".png",
            ImageFormat.Webp => ".webp",
            _ => ".tif",
        };
        return ServeStored(context, path, image.Format.ContentType(), image.DisplaySha256,
            Path.GetFileNameWithoutExtension(image.FileName) + extension);
    }

    private static async Task<IResult> ServeThumbnailAsync(int imageId, ClaimsPrincipal user, ProjectAccess access, ImageStore store,
        HttpContext context, CancellationToken cancellationToken)
    {
        var image = await access.ImageAsync(user, imageId, cancellationToken);
        if (image is null)
        {
            return Results.NotFound();
        }
        return ServeStored(context, store.ThumbnailPath(image.DisplaySha256), "image/webp", "t" + image.DisplaySha256, null);
    }

    private static IResult ServeStored(HttpContext context, string path, string contentType, string etag, string? downloadName)
    {
        if (!File.Exists(path))
        {
            return Results.NotFound();
        }
        var headers = context.Response.Headers;
        // An image is never a document: no scripts, no plugins, even if a browser were talked into rendering it.
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        headers.CacheControl = "private, max-age=86400";
        if (downloadName is not null)
        {
            headers.ContentDisposition = new ContentDispositionHeaderValue("inline") { FileNameStar = downloadName }.ToString();
        }
        return Results.File(path, contentType, entityTag: new EntityTagHeaderValue($"\"{etag}\""), enableRangeProcessing: true);
    }

    private static async Task<IResult> UploadAsync(int projectId, ClaimsPrincipal user, ProjectAccess access,
        ImageIngestService ingest, IAntiforgery antiforgery, IOptions<ImageOptions> options, HttpContext context,
        CancellationToken cancellationToken)
    {
        if (await RefuseAddingAsync(projectId, fromServerFolder: false, user, access, antiforgery, context, cancellationToken) is { } refusal)
        {
            return refusal;
        }
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value))
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Send the files as multipart/form-data.");
        }
        var limits = options.Value;
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limits.MaxRequestBytes;
        }
        var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value!, context.Request.Body)
        {
            BodyLengthLimit = limits.MaxRequestBytes,
        };
        var userId = ProjectAccess.UserId(user)!;
        var results = new List<IngestResult>();
        // The request's archives share one expansion budget, however many of them it holds.
        var budget = ingest.NewInflateBudget();
        try
        {
            while (await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.IsFileDisposition())
                {
                    continue;
                }
                var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value! : disposition.FileName.Value ?? "file";
                results.AddRange(await ingest.IngestUploadAsync(projectId, userId, fileName, section.Body, budget, cancellationToken));
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge,
                $"The upload is larger than the limit of {limits.MaxRequestBytes / (1024d * 1024):N0} MiB per request{Kept(results)}");
        }
        catch (Exception e) when (StorageFull.Is(e))
        {
            // Spooling the upload met a full disk.
            return Problem(StatusCodes.Status507InsufficientStorage,
                $"The server's storage is full; the upload was not stored{Kept(results)}");
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // IOException covers BadHttpRequestException and a body that ends before the multipart's closing boundary.
            // Files already taken stay taken; the rest of the request could not be read.
            return Problem(StatusCodes.Status400BadRequest,
                $"The upload ended before it was complete (a part or the closing boundary of the multipart/form-data body is missing){Kept(results)}");
        }
        if (results.Count == 0)
        {
            return Problem(StatusCodes.Status400BadRequest, "The request holds no files.");
        }
        return Results.Ok(IngestResponse.From(results));
    }

    private static async Task<IResult> ImportFolderAsync(int projectId, FolderImportRequest request, ClaimsPrincipal user,
        ProjectAccess access, ImageIngestService ingest, IAntiforgery antiforgery, HttpContext context,
        CancellationToken cancellationToken)
    {
        if (await RefuseAddingAsync(projectId, fromServerFolder: true, user, access, antiforgery, context, cancellationToken) is { } refusal)
        {
            return refusal;
        }
        try
        {
            var results = await ingest.ImportFolderAsync(projectId, ProjectAccess.UserId(user)!, request.Folder, cancellationToken);
            return Results.Ok(IngestResponse.From(results));
        }
        catch (DomainException e)
        {
            return Problem(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    /// <summary>
    /// The answer for a caller who may not add images to the project, or null when they may: 404 (no body) for
    /// non-members, 400 without a valid antiforgery token, 403 with the reason otherwise.
    /// </summary>
    private static async Task<IResult?> RefuseAddingAsync(int projectId, bool fromServerFolder, ClaimsPrincipal user,
        ProjectAccess access, IAntiforgery antiforgery, HttpContext context, CancellationToken cancellationToken)
    {
        var permission = await access.ForProjectAsync(user, projectId, cancellationToken);
        if (permission is null)
        {
            return Results.NotFound();
        }
        if (await AntiforgeryCheck.RefusalAsync(antiforgery, context) is { } antiforgeryRefusal)
        {
            return Problem(StatusCodes.Status400BadRequest, antiforgeryRefusal);
        }
        return permission.WhyCannotAddImages(fromServerFolder) is { } reason ? Problem(StatusCodes.Status403Forbidden, reason) : null;
    }

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);

    /// <summary>The end of a message about an upload that broke off: what of it was kept.</summary>
    private static string Kept(List<IngestResult> results)
    {
        var added = results.Count(r => r.Outcome == IngestOutcome.Added);
        return added == 0 ? "; nothing was added." : $"; the {added:N0} image{(added == 1 ? "" : "s")} before that point {(added == 1 ? "was" : "were")} added.";
    }
}
