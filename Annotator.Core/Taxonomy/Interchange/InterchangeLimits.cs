namespace Annotator.Core.Taxonomy.Interchange;

/// <summary>
/// The limits every taxonomy import enforces. Imports take files from users; the limits keep a hostile or broken file
/// from costing more than a moment of one request, and are far above any real taxonomy.
/// </summary>
public static class InterchangeLimits
{
    /// <summary>Largest Label Studio config or CVAT labels file, in characters (2 MB).</summary>
    public const int MaxForeignCharacters = 2 * 1024 * 1024;

    /// <summary>Largest Annotator taxonomy file, in characters (8 MB: it may carry long Markdown guidelines).</summary>
    public const int MaxTaxonomyJsonCharacters = 8 * 1024 * 1024;

    /// <summary>Deepest element or array/object nesting of any imported document.</summary>
    public const int MaxDepth = 64;

    /// <summary>Most labels in one taxonomy.</summary>
    public const int MaxLabels = 5_000;

    /// <summary>Most options of one question or select attribute.</summary>
    public const int MaxOptions = 1_000;

    /// <summary>Most image-level questions.</summary>
    public const int MaxQuestions = 1_000;

    /// <summary>Most attributes of one label, and most project attributes.</summary>
    public const int MaxAttributes = 500;

    /// <summary>Most points of one skeleton.</summary>
    public const int MaxSkeletonPoints = 500;

    /// <summary>The size limits in words, for messages.</summary>
    internal static string Megabytes(int characters) => $"{characters / (1024 * 1024)} MB";
}
