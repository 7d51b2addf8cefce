namespace Annotator.Web.Hosting;

/// <summary>Headers every response carries.</summary>
public static class SecurityHeaders
{
    /// <summary>
    /// The pages' Content-Security-Policy: scripts only from this origin (no inline script, no eval), no framing, no
    /// plugins, forms post only here. Inline styles stay allowed because MudBlazor sets element styles.
    /// </summary>
    public const string PagePolicy =
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; " +
        "font-src 'self' data:; connect-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    /// <summary>Adds the headers to every response before it starts.</summary>
    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        context.Response.OnStarting(() =>
        {
            var headers = context.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers.XFrameOptions = "DENY";
            headers["Referrer-Policy"] = "same-origin";
            headers["Permissions-Policy"] = "camera=(), microphone=(), geolocation=()";
            if (!headers.ContainsKey("Content-Security-Policy"))
            {
                headers.ContentSecurityPolicy = PagePolicy;
            }
            return Task.CompletedTask;
        });
        await next();
    });
}
