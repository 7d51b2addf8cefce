using Annotator.Web.Guidelines;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
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
}
