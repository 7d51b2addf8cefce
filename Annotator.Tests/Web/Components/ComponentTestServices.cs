using Annotator.Web.Data;
using Annotator.Web.Guidelines;
using Annotator.Web.Images;
using Annotator.Web.Projects;
using Bunit;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using MudBlazor.Services;

namespace Annotator.Tests.Web.Components;

/// <summary>What every component test needs: MudBlazor's services, and JS interop that answers anything.</summary>
public static class ComponentTestServices
{
    /// <summary>Loose JS interop (MudBlazor calls JS freely), MudBlazor's services and the guideline renderer (label chips use it).</summary>
    public static BunitContext AddTestServices(this BunitContext context)
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        context.Services.AddSingleton<GuidelineRenderer>();
        return context;
    }

    /// <summary>
    /// The guideline editor's image upload (<see cref="GuidelineAssetService"/> and what it needs), with the store under
    /// <paramref name="dataPath"/>; for component tests that never reach the database or the store.
    /// </summary>
    public static BunitContext AddGuidelineUploads(this BunitContext context, string dataPath)
    {
        context.Services.AddSingleton<IOptions<Annotator.Web.Data.AnnotatorOptions>>(Options.Create(new Annotator.Web.Data.AnnotatorOptions { DataPath = dataPath }));
        context.Services.AddSingleton<IDbContextFactory<AnnotatorDbContext>, NoDatabase>();
        context.Services.AddSingleton<ProjectAccess>();
        context.Services.AddSingleton<ImageStore>();
        context.Services.AddSingleton<ImageInspector>();
        context.Services.AddSingleton<ILogger<GuidelineAssetService>>(NullLogger<GuidelineAssetService>.Instance);
        context.Services.AddSingleton<GuidelineAssetService>();
        return context;
    }
}
