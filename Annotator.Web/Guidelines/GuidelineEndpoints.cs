using System.Security.Claims;
using Annotator.Web.Accounts;
using Annotator.Web.Projects;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Annotator.Web.Guidelines;

/// <summary>
/// Guideline example images: upload (admins) and download (project members and admins). A caller who may not see the
/// project gets 404 with no body, as for a project or a file that does not exist.
/// </summary>
public static class GuidelineEndpoints
{
    /// <summary>How long browsers keep an asset: a name is the hash of its bytes, so it never changes.</summary>
    private const string Caching = "private, max-age=31536000, immutable";

    /// <summary>Room for the multipart framing around the one file.</summary>
    private const long RequestOverhead = 64 * 1024;

    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapGuidelineEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapGet("/projects/{projectId:int}/guideline-assets/{name}", ServeAsync).RequireAuthorization();
        // Antiforgery is checked in the handler, after membership, as for image uploads (a non-member gets 404 first).
        app.MapPost("/api/projects/{projectId:int}/guideline-assets", UploadAsync).RequireAuthorization().DisableAntiforgery();
        return app;
    }

    private static async Task<IResult> ServeAsync(int projectId, string name, ClaimsPrincipal user, ProjectAccess access,
        GuidelineAssetService assets, HttpContext context, CancellationToken cancellationToken)
    {
        if (await access.ForProjectAsync(user, projectId, cancellationToken) is null
            || assets.PathOf(projectId, name) is not { } path || !File.Exists(path))
        {
            return Results.NotFound();
        }
        var headers = context.Response.Headers;
        headers.CacheControl = Caching;
        headers.XContentTypeOptions = "nosniff";
        // An image is never a document: no scripts, no plugins, even if a browser were talked into rendering it.
        headers.ContentSecurityPolicy = "default-src 'none'; sandbox";
        return Results.File(path, GuidelineAssetService.ContentTypeOf(name), entityTag: new EntityTagHeaderValue($"\"{name}\""));
    }

    private static async Task<IResult> UploadAsync(int projectId, ClaimsPrincipal user, ProjectAccess access,
        GuidelineAssetService assets, IAntiforgery antiforgery, HttpContext context, CancellationToken cancellationToken)
    {
        if (await access.ForProjectAsync(user, projectId, cancellationToken) is null)
        {
            return Results.NotFound();
        }
        if (await AntiforgeryCheck.RefusalAsync(antiforgery, context) is { } antiforgeryRefusal)
        {
            return Error(StatusCodes.Status400BadRequest, antiforgeryRefusal);
        }
        if (!MediaTypeHeaderValue.TryParse(context.Request.ContentType, out var mediaType)
            || !mediaType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase)
            || string.IsNullOrEmpty(HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value))
        {
            return Error(StatusCodes.Status415UnsupportedMediaType, "Send the image as multipart/form-data.");
        }
        var limit = GuidelineAssetService.MaxUploadBytes + RequestOverhead;
        if (context.Request.ContentLength > limit)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, TooLarge());
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }
        var reader = new MultipartReader(HeaderUtilities.RemoveQuotes(mediaType.Boundary).Value!, context.Request.Body)
        {
            BodyLengthLimit = limit,
        };
        GuidelineAssetUpload? upload = null;
        try
        {
            while (upload is null && await reader.ReadNextSectionAsync(cancellationToken) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition) || !disposition.IsFileDisposition())
                {
                    continue;
                }
                var fileName = disposition.FileNameStar.HasValue ? disposition.FileNameStar.Value! : disposition.FileName.Value ?? "image";
                upload = await assets.UploadAsync(user, projectId, fileName, section.Body, cancellationToken);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Error(StatusCodes.Status413PayloadTooLarge, TooLarge());
        }
        catch (Exception e) when (e is InvalidDataException or IOException && !cancellationToken.IsCancellationRequested)
        {
            // IOException covers BadHttpRequestException and a body that ends before the multipart's closing boundary.
            return Error(StatusCodes.Status400BadRequest,
                "The upload ended before it was complete (a part or the closing boundary of the multipart/form-data body is missing); nothing was added.");
        }
        return upload switch
        {
            null => Error(StatusCodes.Status400BadRequest, "The request holds no file."),
            { Asset: { } asset } => Results.Ok(asset),
            { Refusal: GuidelineAssetRefusal.NotFound } => Results.NotFound(),
            { Refusal: GuidelineAssetRefusal.Forbidden } => Error(StatusCodes.Status403Forbidden, upload.Error!),
            { Refusal: GuidelineAssetRefusal.TooLarge } => Error(StatusCodes.Status413PayloadTooLarge, upload.Error!),
            { Refusal: GuidelineAssetRefusal.Failed } => Error(StatusCodes.Status500InternalServerError, upload.Error!),
            _ => Error(StatusCodes.Status400BadRequest, upload.Error!),
        };
    }

    private static string TooLarge() =>
        $"The image is larger than the limit of {GuidelineAssetService.MaxUploadBytes / (1024 * 1024)} MiB for guideline images.";

    private static IResult Error(int status, string message) => Results.Json(new { error = message }, statusCode: status);
}
