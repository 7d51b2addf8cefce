namespace Annotator.Core.Images;

/// <summary>Where an image is in the labeling workflow.</summary>
public enum ImageStatus
{
    /// <summary>Nobody has labeled it yet.</summary>
    New = 0,

    /// <summary>Somebody has started labeling.</summary>
    InProgress = 1,

    /// <summary>The labeler marked it done.</summary>
    Labeled = 2,

    /// <summary>A reviewer is looking at it.</summary>
    InReview = 3,

    /// <summary>A reviewer accepted it.</summary>
    Accepted = 4,

    /// <summary>A reviewer sent it back.</summary>
    Rejected = 5,
}
