namespace Annotator.Core.Taxonomy;

/// <summary>Attribute kinds in words, for messages and the editor.</summary>
public static class AttributeKindNames
{
    /// <summary>"single select", "multi select", "checkbox", "number", "text".</summary>
    public static string ToWords(AttributeKind kind) => kind switch
    {
        AttributeKind.SingleSelect => "single select",
        AttributeKind.MultiSelect => "multi select",
        AttributeKind.Checkbox => "checkbox",
        AttributeKind.Number => "number",
        _ => "text",
    };
}
