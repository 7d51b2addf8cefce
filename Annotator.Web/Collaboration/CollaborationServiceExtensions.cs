using Annotator.Web.Accounts;

namespace Annotator.Web.Collaboration;

/// <summary>Registers live collaboration: presence and the annotations hub for programs.</summary>
public static class CollaborationServiceExtensions
{
    /// <summary>
    /// Presence (per circuit and across nodes through the feed) and the annotations hub: message size limit and one
    /// invocation at a time per client (so a client's operations apply in the order it sent them). No SignalR backplane:
    /// every message a hub client gets comes from the feed (Redis pub/sub across nodes when configured) and is sent by
    /// the node the client is connected to, through that connection's own queue (<see cref="HubOutbox"/>).
    /// </summary>
    public static IServiceCollection AddAnnotatorCollaboration(this IServiceCollection services, IConfiguration configuration)
    {
        var options = services.BindOptions<CollaborationOptions>(configuration, CollaborationOptions.Section);
        services.AddSignalR().AddHubOptions<AnnotationsHub>(o =>
        {
            o.MaximumReceiveMessageSize = options.HubMaxMessageBytes;
            o.MaximumParallelInvocationsPerClient = 1;
            o.EnableDetailedErrors = false;
        });
        services.AddSingleton<HubConnectionRegistry>();
        services.AddSingleton<PresenceTracker>();
        services.AddScoped<PresenceCircuit>();
        services.AddScoped<Microsoft.AspNetCore.Components.Server.Circuits.CircuitHandler>(s => s.GetRequiredService<PresenceCircuit>());
        return services;
    }

    /// <summary>Maps the annotations hub (<see cref="AnnotationsHub.Path"/>), rate-limited per client address.</summary>
    public static IEndpointRouteBuilder MapAnnotatorCollaboration(this IEndpointRouteBuilder endpoints)
    {
        var options = endpoints.ServiceProvider.GetRequiredService<Microsoft.Extensions.Options.IOptions<CollaborationOptions>>().Value;
        // A client that has not taken a message for this long is disconnected; it reconnects and catches up.
        endpoints.MapHub<AnnotationsHub>(AnnotationsHub.Path, o => o.TransportSendTimeout = TimeSpan.FromSeconds(options.SendTimeoutSeconds))
            .RequireRateLimiting(RateLimits.Hub);
        return endpoints;
    }
}
