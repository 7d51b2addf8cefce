using Bunit;
using MudBlazor.Services;

namespace Annotator.Tests.Web.Components;

/// <summary>What every component test needs: MudBlazor's services, and JS interop that answers anything.</summary>
public static class ComponentTestServices
{
    /// <summary>Loose JS interop (MudBlazor calls JS freely) and MudBlazor's services.</summary>
    public static BunitContext AddTestServices(this BunitContext context)
    {
        context.JSInterop.Mode = JSRuntimeMode.Loose;
        context.Services.AddMudServices();
        return context;
    }
}
