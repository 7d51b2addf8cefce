namespace Annotator.Core.Annotations;

/// <summary>Whose regions an <see cref="AnnotationSet"/> holds.</summary>
public enum AnnotationSetKind
{
    /// <summary>A labeler's own set (or the shared set of the image when overlap is 1).</summary>
    Labeler = 0,

    /// <summary>The reviewers' consensus.</summary>
    Consensus = 1,

    /// <summary>Predictions of one model version; they become regions only when accepted.</summary>
    Predictions = 2,
}
