namespace Annotator.Web.Accounts;

/// <summary>How often sessions are re-checked (section <c>Annotator:Live</c>, key <c>SessionCheckSeconds</c>).</summary>
public sealed class SessionOptions
{
    /// <summary>The configuration section.</summary>
    public const string Section = "Annotator:Live";

    /// <summary>
    /// How often an open page re-checks its user (seconds): a deactivated account, or one signed out elsewhere or whose
    /// password or role changed, loses the page within this time and is sent to sign in again.
    /// </summary>
    public int SessionCheckSeconds { get; set; } = 60;
}
