namespace Annotator.Web.Images;

/// <summary>What happened to one file.</summary>
public enum IngestOutcome
{
    /// <summary>Stored and added to the project.</summary>
    Added,

    /// <summary>The project already has this exact file; nothing was added.</summary>
    Duplicate,

    /// <summary>Refused; <see cref="IngestResult.Error"/> says why. Nothing was stored.</summary>
    Refused,
}

/// <summary>The result for one file of an upload, archive or folder import.</summary>
/// <param name="FileName">The file (or archive entry) name as given.</param>
/// <param name="Outcome">What happened.</param>
/// <param name="ImageId">The image (new, or the existing duplicate).</param>
/// <param name="Error">Why it was refused.</param>
public sealed record IngestResult(string FileName, IngestOutcome Outcome, int? ImageId = null, string? Error = null)
{
    /// <summary>A refusal.</summary>
    public static IngestResult Refused(string fileName, string error) => new(fileName, IngestOutcome.Refused, null, error);
}
