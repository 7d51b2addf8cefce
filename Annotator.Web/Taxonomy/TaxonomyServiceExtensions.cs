namespace Annotator.Web.Taxonomy;

/// <summary>Registers the taxonomy editor's service.</summary>
public static class TaxonomyServiceExtensions
{
    /// <summary>Drafts, publishing (with the migration of existing annotations), import and export.</summary>
    public static IServiceCollection AddAnnotatorTaxonomy(this IServiceCollection services)
    {
        services.AddSingleton<TaxonomyService>();
        return services;
    }
}
