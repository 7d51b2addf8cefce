using System.Text.RegularExpressions;
using Annotator.Core.Annotations;
using Annotator.Web.Accounts;
using Annotator.Web.Annotations;
using Annotator.Web.Api;
using Annotator.Web.Components;
using Annotator.Web.Data;
using Annotator.Web.Guidelines;
using Annotator.Web.Health;
using Annotator.Web.Images;
using Annotator.Web.Collaboration;
using Annotator.Web.Feed;
using Annotator.Web.Projects;
using Annotator.Web.Taxonomy;
using Annotator.Web.Workspace;
using MudBlazor.Services;

namespace Annotator.Web.Hosting;

/// <summary>Registration and the request pipeline, grouped by concern.</summary>
public static partial class HostingExtensions
{
    /// <summary>
    /// How the app starts: its content root (appsettings.json, wwwroot and the static assets' manifest) is the folder
    /// the app's files are in, so <c>dotnet /opt/annotator/Annotator.Web.dll</c> serves its static files whatever the
    /// working directory (with the working directory as content root, every asset was answered 200 with an empty body).
    /// <c>--contentRoot</c> or <c>ASPNETCORE_CONTENTROOT</c>/<c>DOTNET_CONTENTROOT</c> still choose another. A relative
    /// <see cref="Data.AnnotatorOptions.DataPath"/> stays relative to the working directory.
    /// </summary>
    public static WebApplicationOptions StartOptions(string[] args)
    {
        var configured = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey];
        return new WebApplicationOptions
        {
            Args = args,
            ContentRootPath = string.IsNullOrEmpty(configured) ? AppContext.BaseDirectory : null,
        };
    }

    /// <summary>
    /// Registers everything the app needs: each feature folder registers its own services and binds its own options
    /// (docs/architecture.md).
    /// </summary>
    public static WebApplicationBuilder AddAnnotator(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var data = configuration.GetSection(AnnotatorOptions.Section).Get<AnnotatorOptions>() ?? new AnnotatorOptions();
        DataFolder.Prepare(data.DataFullPath);
        var collaboration = configuration.GetSection(CollaborationOptions.Section).Get<CollaborationOptions>() ?? new CollaborationOptions();

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddAnnotatorData(configuration);
        builder.Services.AddAnnotatorFeed(configuration);
        builder.Services.AddAnnotatorAccounts(configuration);
        builder.Services.AddAnnotatorImages(configuration);
        builder.Services.AddAnnotatorGuidelines();
        builder.Services.AddAnnotatorProjects(configuration);
        builder.Services.AddAnnotatorAnnotations();
        builder.Services.AddAnnotatorWorkspace();
        builder.Services.AddAnnotatorTaxonomy();
        builder.Services.AddAnnotatorCollaboration(configuration);
        builder.Services.AddAnnotatorHealth(configuration);
        builder.Services.AddRazorComponents()
            .AddInteractiveServerComponents(o => o.DisconnectedCircuitRetentionPeriod = TimeSpan.FromSeconds(Math.Max(1, collaboration.CircuitRetentionSeconds)))
            // The canvas sends one operation per interop call; a mask or a long polygon is far above SignalR's 32 KB default.
            .AddHubOptions(o => o.MaximumReceiveMessageSize = OperationJson.MaxOperationBytes + 64 * 1024);
        // Notices go bottom left: top right is where the workspace keeps Skip and Done.
        builder.Services.AddMudServices(c => c.SnackbarConfiguration.PositionClass = MudBlazor.Defaults.Classes.Position.BottomLeft);
        builder.Services.AddProblemDetails();
        return builder;
    }

    /// <summary>The request pipeline.</summary>
    public static WebApplication UseAnnotator(this WebApplication app)
    {
        if (!app.Environment.IsDevelopment())
        {
            app.UseExceptionHandler("/error", createScopeForErrors: true);
            app.UseHsts();
        }
        app.UseSecurityHeaders();
        // Before authentication: a refused request costs no password hashing or token look-up.
        app.UseRateLimiter();
        app.UseRequireSetup();
        app.UseAuthentication();
        // Before authorization: a non-member must get the same 404 as for a missing project, not "access denied".
        app.UseProjectGate();
        app.UseAuthorization();
        app.UseAntiforgery();

        app.MapStaticAssets();
        app.MapImageEndpoints();
        app.MapTaxonomyEndpoints();
        app.MapGuidelineEndpoints();
        app.MapAccountEndpoints();
        app.MapAnnotatorHealth();
        app.MapAnnotatorCollaboration();
        // Our own Content-Security-Policy (SecurityHeaders) already says frame-ancestors 'none'; Blazor's narrower header
        // would otherwise take its place.
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode(o => o.ContentSecurityFrameAncestorsPolicy = null);
        return app;
    }

    /// <summary>Until the first admin exists, every page leads to /setup.</summary>
    private static IApplicationBuilder UseRequireSetup(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var path = context.Request.Path;
        if (!path.StartsWithSegments("/setup") && !path.StartsWithSegments("/_framework") && !path.StartsWithSegments("/_content")
            && !path.StartsWithSegments("/_blazor") && !path.StartsWithSegments(AnnotationsHub.Path)
            && !path.StartsWithSegments(HealthServiceExtensions.Path) && !Path.HasExtension(path.Value)
            && !await context.RequestServices.GetRequiredService<SetupState>().IsDoneAsync(context.RequestAborted))
        {
            context.Response.Redirect("/setup");
            return;
        }
        await next();
    });

    /// <summary>
    /// A signed-in user who asks for a project page they may not see gets 404 with no body, exactly as for a project
    /// that does not exist. The pages check again when rendering (interactive navigation does not come through here).
    /// </summary>
    private static IApplicationBuilder UseProjectGate(this IApplicationBuilder app) => app.Use(async (context, next) =>
    {
        var match = ProjectPath().Match(context.Request.Path.Value ?? "");
        if (match.Success && context.User.Identity?.IsAuthenticated == true)
        {
            var access = context.RequestServices.GetRequiredService<ProjectAccess>();
            if (!int.TryParse(match.Groups[1].Value, out var projectId)
                || await access.ForProjectAsync(context.User, projectId, context.RequestAborted) is null)
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }
        }
        await next();
    });

    [GeneratedRegex(@"^/projects/([^/]+)(/|$)", RegexOptions.IgnoreCase)]
    private static partial Regex ProjectPath();
}
