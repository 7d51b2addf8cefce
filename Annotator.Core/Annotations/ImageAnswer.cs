namespace Annotator.Core.Annotations;

/// <summary>An answer to an image-level question of the taxonomy, within one annotation set.</summary>
public sealed class ImageAnswer
{
    private ImageAnswer()
    {
        Value = "null";
    }

    /// <summary>Records an answer (a JSON value: an option id, or an array of them).</summary>
    public ImageAnswer(int annotationSetId, Guid questionId, string value, int revision)
    {
        AnnotationSetId = annotationSetId;
        QuestionId = questionId;
        Value = value;
        Revision = revision;
    }

    /// <summary>The set.</summary>
    public int AnnotationSetId { get; private set; }

    /// <summary>The question (stable taxonomy id).</summary>
    public Guid QuestionId { get; private set; }

    /// <summary>The answer as JSON.</summary>
    public string Value { get; private set; }

    /// <summary>Bumped by every change.</summary>
    public int Revision { get; private set; }

    /// <summary>Replaces the answer with a checked value (compact JSON; see <see cref="OperationValidator"/>).</summary>
    public void Change(string valueJson)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(valueJson);
        Value = valueJson;
        Revision++;
    }
}
