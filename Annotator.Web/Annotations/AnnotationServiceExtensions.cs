namespace Annotator.Web.Annotations;

/// <summary>Registers the one way annotations change.</summary>
public static class AnnotationServiceExtensions
{
    /// <summary>Edit operations, their validation against the published taxonomy, and their broadcast on the feed.</summary>
    public static IServiceCollection AddAnnotatorAnnotations(this IServiceCollection services)
    {
        services.AddSingleton<ImageLocks>();
        services.AddSingleton<EditMetrics>();
        services.AddSingleton<EditBroadcaster>();
        services.AddSingleton<PublishedTaxonomies>();
        services.AddSingleton<LabelHistory>();
        services.AddSingleton<AnnotationService>();
        return services;
    }
}
