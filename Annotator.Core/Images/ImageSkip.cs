namespace Annotator.Core.Images;

/// <summary>
/// A labeler set an image aside, with a reason (blurry, nothing to label, unsure…). The image leaves that labeler's
/// queue; its status does not change, so someone else may still label it.
/// </summary>
public sealed class ImageSkip
{
    /// <summary>Longest reason kept.</summary>
    public const int MaxReasonLength = 500;

    private ImageSkip()
    {
        UserId = "";
        Reason = "";
    }

    /// <summary>Records a skip.</summary>
    public ImageSkip(int imageId, string userId, string reason, DateTime nowUtc)
    {
        ImageId = imageId;
        UserId = userId;
        Reason = CleanReason(reason);
        CreatedAt = nowUtc;
    }

    /// <summary>Database id.</summary>
    public int Id { get; private set; }

    /// <summary>The image.</summary>
    public int ImageId { get; private set; }

    /// <summary>Who skipped it.</summary>
    public string UserId { get; private set; }

    /// <summary>Why.</summary>
    public string Reason { get; private set; }

    /// <summary>When (UTC).</summary>
    public DateTime CreatedAt { get; private set; }

    /// <summary>Skipped again: the newest reason counts.</summary>
    public void Change(string reason, DateTime nowUtc)
    {
        Reason = CleanReason(reason);
        CreatedAt = nowUtc;
    }

    private static string CleanReason(string reason)
    {
        var cleaned = reason?.Trim() ?? "";
        if (cleaned.Length == 0)
        {
            throw new DomainException("Give a reason for skipping the image.");
        }
        if (cleaned.Length > MaxReasonLength)
        {
            throw new DomainException($"The reason is {cleaned.Length} characters long; keep it to {MaxReasonLength}.");
        }
        return cleaned;
    }
}
