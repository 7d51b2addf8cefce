using Microsoft.AspNetCore.Antiforgery;

namespace Annotator.Web.Accounts;

/// <summary>The antiforgery check of the API endpoints that take a body, with a reason a person can act on.</summary>
public static class AntiforgeryCheck
{
    /// <summary>
    /// Null when the request carries a valid antiforgery token; otherwise why it is refused. A form body is read to look
    /// for the token when the header is missing, and a malformed one (a multipart body without its closing boundary)
    /// is refused for what it is instead of failing the request.
    /// </summary>
    public static async Task<string?> RefusalAsync(IAntiforgery antiforgery, HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(antiforgery);
        ArgumentNullException.ThrowIfNull(context);
        try
        {
            return await antiforgery.IsRequestValidAsync(context)
                ? null
                : "Missing or invalid anti-forgery token. Reload the page and try again.";
        }
        catch (Exception e) when (!context.RequestAborted.IsCancellationRequested
            && (e is InvalidDataException or IOException || e is AntiforgeryValidationException { InnerException: InvalidDataException or IOException }))
        {
            // Antiforgery wraps the form reader's failure in an AntiforgeryValidationException.
            return "The request body is not well-formed (a part or the closing boundary of the multipart/form-data body is missing), " +
                "and it carries no anti-forgery token header. Reload the page and try again.";
        }
    }
}
