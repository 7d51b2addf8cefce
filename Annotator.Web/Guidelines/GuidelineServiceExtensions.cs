namespace Annotator.Web.Guidelines;

/// <summary>Labeling guidelines: the Markdown renderer and the store of example images.</summary>
public static class GuidelineServiceExtensions
{
    /// <summary>Registers the guideline renderer and the guideline asset store.</summary>
    public static IServiceCollection AddAnnotatorGuidelines(this IServiceCollection services)
    {
        services.AddSingleton<GuidelineRenderer>();
        services.AddSingleton<GuidelineAssetService>();
        return services;
    }
}
