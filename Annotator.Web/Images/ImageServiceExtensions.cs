namespace Annotator.Web.Images;

/// <summary>Registers the image store and ingest pipeline.</summary>
public static class ImageServiceExtensions
{
    /// <summary>The store, the inspector and ingest, with their limits (<c>Annotator:Images</c>).</summary>
    public static IServiceCollection AddAnnotatorImages(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ImageOptions>(configuration.GetSection(ImageOptions.Section));
        services.AddSingleton<ImageStore>();
        services.AddSingleton<ImageInspector>();
        services.AddSingleton<ImageIngestService>();
        return services;
    }
}
