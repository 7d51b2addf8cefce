using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;

namespace Annotator.Web.Annotations;

/// <summary>
/// The workspace protocol's messages, serialized and read without reflection (System.Text.Json source generation).
/// Properties that are null are left out, except a region operation's <c>region</c> and <c>revision</c> (a deleted
/// region is <c>"region":null</c>) and a conflict's (the region as it is now, null when it was deleted).
/// </summary>
public static class WorkspaceJson
{
    private static readonly JsonSerializerOptions Options = new(WorkspaceJsonContext.Default.Options)
    {
        TypeInfoResolver = WorkspaceJsonContext.Default.WithAddedModifier(RegionWhenItApplies),
    };

    /// <summary><see cref="Annotations.CommittedOperation"/>.</summary>
    public static JsonTypeInfo<CommittedOperation> CommittedOperation { get; } =
        (JsonTypeInfo<CommittedOperation>)Options.GetTypeInfo(typeof(CommittedOperation));

    /// <summary><see cref="Annotations.OperationRefusal"/>.</summary>
    public static JsonTypeInfo<OperationRefusal> OperationRefusal { get; } =
        (JsonTypeInfo<OperationRefusal>)Options.GetTypeInfo(typeof(OperationRefusal));

    /// <summary><see cref="Annotations.CatchUp"/>.</summary>
    public static JsonTypeInfo<CatchUp> CatchUp { get; } = (JsonTypeInfo<CatchUp>)Options.GetTypeInfo(typeof(CatchUp));

    private static void RegionWhenItApplies(JsonTypeInfo info)
    {
        Func<object, bool>? applies = info.Type == typeof(CommittedOperation)
            ? o => ((CommittedOperation)o).RegionId is not null
            : info.Type == typeof(OperationRefusal) ? o => ((OperationRefusal)o).Conflict is not null : null;
        if (applies is null)
        {
            return;
        }
        foreach (var property in info.Properties)
        {
            if (property.Name is "region" or "revision")
            {
                property.ShouldSerialize = (owner, _) => applies(owner);
            }
        }
    }
}

/// <summary>The source-generated metadata behind <see cref="WorkspaceJson"/>.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(CommittedOperation))]
[JsonSerializable(typeof(OperationRefusal))]
[JsonSerializable(typeof(CatchUp))]
internal sealed partial class WorkspaceJsonContext : JsonSerializerContext;
