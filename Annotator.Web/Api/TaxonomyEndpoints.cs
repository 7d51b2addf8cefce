using System.Globalization;
using System.Security.Claims;
using System.Text;
using Annotator.Core;
using Annotator.Core.Taxonomy.Interchange;
using Annotator.Web.Accounts;
using Annotator.Web.Projects;
using Annotator.Web.Taxonomy;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Annotator.Web.Api;

/// <summary>The answer to a taxonomy import.</summary>
/// <param name="Number">The draft's version number.</param>
/// <param name="Revision">The draft's revision (send it when saving or publishing).</param>
/// <param name="Notes">What the importer dropped or changed.</param>
public sealed record TaxonomyImportResponse(int Number, int Revision, IReadOnlyList<string> Notes);

/// <summary>
/// Taxonomy files: export any version as our JSON (members), import our JSON, a Label Studio labeling config or CVAT's
/// label JSON into the draft (admins). Imports never publish: the admin looks at the draft and publishes it.
/// </summary>
public static class TaxonomyEndpoints
{
    /// <summary>Maps the endpoints.</summary>
    public static IEndpointRouteBuilder MapTaxonomyEndpoints(this IEndpointRouteBuilder app)
    {
        var api = app.MapGroup("/api/projects/{projectId:int}/taxonomy").RequireAuthorization().DisableAntiforgery();
        api.MapGet("/", ExportAsync);
        api.MapPost("/draft", ImportAsync);
        return app;
    }

    private static async Task<IResult> ExportAsync(int projectId, int? version, ClaimsPrincipal user, ProjectAccess access,
        TaxonomyService taxonomies, HttpContext context, CancellationToken cancellationToken)
    {
        if (await access.ForProjectAsync(user, projectId, cancellationToken) is null)
        {
            return Results.NotFound();
        }
        try
        {
            var json = await taxonomies.ExportAsync(user, projectId, version, cancellationToken);
            var name = $"taxonomy-project-{projectId}{(version is { } v ? "-v" + v.ToString(CultureInfo.InvariantCulture) : "")}.json";
            context.Response.Headers.ContentDisposition = new ContentDispositionHeaderValue("attachment") { FileNameStar = name }.ToString();
            return Results.Text(json, "application/json", Encoding.UTF8);
        }
        catch (DomainException e)
        {
            return Problem(StatusCodes.Status404NotFound, e.Message);
        }
    }

    private static async Task<IResult> ImportAsync(int projectId, string? format, ClaimsPrincipal user, ProjectAccess access,
        TaxonomyService taxonomies, IAntiforgery antiforgery, HttpContext context, CancellationToken cancellationToken)
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
        if (!permission.IsAdmin)
        {
            return Problem(StatusCodes.Status403Forbidden, "Only admins may change the taxonomy.");
        }
        if (!Enum.TryParse<TaxonomyFormat>(format ?? "auto", ignoreCase: true, out var parsed) || !Enum.IsDefined(parsed))
        {
            return Problem(StatusCodes.Status400BadRequest, $"Unknown format '{format}'; use auto, annotator, labelstudio or cvat.");
        }
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
        {
            size.MaxRequestBodySize = InterchangeLimits.MaxTaxonomyJsonCharacters * 2L;
        }
        string content;
        try
        {
            content = await ReadLimitedAsync(context.Request.Body, InterchangeLimits.MaxTaxonomyJsonCharacters, cancellationToken);
        }
        catch (DomainException e)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, e.Message);
        }
        catch (BadHttpRequestException)
        {
            return Problem(StatusCodes.Status413PayloadTooLarge, "The file is too large.");
        }
        try
        {
            var state = await taxonomies.LoadAsync(user, projectId, cancellationToken)
                ?? throw new DomainException("This project does not exist or you are not a member of it.");
            var imported = await taxonomies.ImportAsync(user, projectId, state.Working, parsed, content, cancellationToken);
            var saved = await taxonomies.SaveDraftAsync(user, projectId, imported.Draft, state.Draft?.Revision, cancellationToken);
            return Results.Ok(new TaxonomyImportResponse(saved.Number, saved.Revision, imported.Notes));
        }
        catch (DomainException e)
        {
            return Problem(StatusCodes.Status400BadRequest, e.Message);
        }
    }

    /// <summary>Reads the body as UTF-8 text, refusing it as soon as it passes <paramref name="maxCharacters"/>.</summary>
    private static async Task<string> ReadLimitedAsync(Stream body, int maxCharacters, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(body, Encoding.UTF8, detectEncodingFromByteOrderMarks: true, bufferSize: 16 * 1024, leaveOpen: true);
        var builder = new StringBuilder();
        var buffer = new char[16 * 1024];
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(), cancellationToken)) > 0)
        {
            builder.Append(buffer, 0, read);
            if (builder.Length > maxCharacters)
            {
                throw new DomainException($"The file is larger than {maxCharacters / (1024 * 1024)} MB.");
            }
        }
        return builder.ToString();
    }

    private static IResult Problem(int status, string detail) => Results.Problem(detail: detail, statusCode: status);
}
