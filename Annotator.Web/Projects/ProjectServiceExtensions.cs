namespace Annotator.Web.Projects;

/// <summary>Registers projects.</summary>
public static class ProjectServiceExtensions
{
    /// <summary>Project access, the project service and the demo project.</summary>
    public static IServiceCollection AddAnnotatorProjects(this IServiceCollection services, IConfiguration configuration)
    {
        services.Configure<ProjectOptions>(configuration.GetSection(ProjectOptions.Section));
        services.AddSingleton<ProjectAccess>();
        services.AddSingleton<DemoProjectSeeder>();
        services.AddScoped<ProjectService>();
        return services;
    }
}
