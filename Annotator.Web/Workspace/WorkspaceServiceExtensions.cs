
namespace Annotator.Web.Workspace;

/// <summary>Registers the labeling workspace.</summary>
public static class WorkspaceServiceExtensions
{
    /// <summary>The per-circuit session that owns an open image's state, and the labeling queue.</summary>
    public static IServiceCollection AddAnnotatorWorkspace(this IServiceCollection services)
    {
        services.AddSingleton<LabelingQueue>();
        services.AddScoped<WorkspaceSession>();
        return services;
    }
}
