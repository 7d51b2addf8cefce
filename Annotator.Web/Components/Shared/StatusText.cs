using Annotator.Core.Images;
using MudBlazor;

namespace Annotator.Web.Components.Shared;

/// <summary>How statuses are named and coloured in the UI.</summary>
public static class StatusText
{
    /// <summary>The status as people say it.</summary>
    public static string Of(ImageStatus status) => status switch
    {
        ImageStatus.New => "New",
        ImageStatus.InProgress => "In progress",
        ImageStatus.Labeled => "Labeled",
        ImageStatus.InReview => "In review",
        ImageStatus.Accepted => "Accepted",
        ImageStatus.Rejected => "Rejected",
        _ => status.ToString(),
    };

    /// <summary>The badge colour of the status.</summary>
    public static Color ColorOf(ImageStatus status) => status switch
    {
        ImageStatus.InProgress => Color.Info,
        ImageStatus.Labeled => Color.Primary,
        ImageStatus.InReview => Color.Warning,
        ImageStatus.Accepted => Color.Success,
        ImageStatus.Rejected => Color.Error,
        _ => Color.Default,
    };
}
