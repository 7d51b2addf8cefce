using System.Text.RegularExpressions;
using System.Xml;

namespace Annotator.Core.Taxonomy.Interchange;

/// <summary>An element of an imported XML document: its local name, attributes, child elements and line.</summary>
internal sealed class XmlTag(string name, Dictionary<string, string> attributes, int line)
{
    /// <summary>Local name, as written.</summary>
    public string Name { get; } = name;

    /// <summary>Line in the document, for notes.</summary>
    public int Line { get; } = line;

    /// <summary>Child elements, in order.</summary>
    public List<XmlTag> Children { get; } = [];

    /// <summary>An attribute's value (name matched ignoring case, as Label Studio does), or null.</summary>
    public string? this[string attribute] => attributes.TryGetValue(attribute, out var value) ? value : null;

    /// <summary>Whether the element is named <paramref name="name"/>, ignoring case.</summary>
    public bool Is(string name) => string.Equals(Name, name, StringComparison.OrdinalIgnoreCase);

    /// <summary>Every element below this one, depth first.</summary>
    public IEnumerable<XmlTag> Descendants() => Children.SelectMany(c => c.Descendants().Prepend(c));
}

/// <summary>
/// Reads untrusted XML into <see cref="XmlTag"/>s with everything dangerous refused: no DTD (so no external entities
/// and no entity expansion), no resolver, a size cap and a depth cap. Every refusal is a <see cref="DomainException"/>
/// whose message starts with the caller's subject ("The labeling config").
/// </summary>
internal static partial class SafeXml
{
    private const string Wrapper = "r";

    /// <summary>Parses <paramref name="text"/>; with <paramref name="wrap"/> it is a fragment read inside a root element.</summary>
    public static XmlTag Parse(string text, string subject, bool wrap = false)
    {
        ArgumentNullException.ThrowIfNull(text);
        // Checked before reading so the message is ours; MaxCharactersInDocument below is the backstop.
        if (text.Length > InterchangeLimits.MaxForeignCharacters)
        {
            throw new DomainException($"{subject} is larger than {InterchangeLimits.Megabytes(InterchangeLimits.MaxForeignCharacters)}.");
        }
        var opening = wrap ? $"<{Wrapper}>" : "";
        var settings = new XmlReaderSettings
        {
            DtdProcessing = DtdProcessing.Prohibit,
            XmlResolver = null,
            MaxCharactersInDocument = InterchangeLimits.MaxForeignCharacters + 2 * opening.Length + 1,
            MaxCharactersFromEntities = 0,
            IgnoreComments = true,
            IgnoreProcessingInstructions = true,
            IgnoreWhitespace = true,
        };
        // A byte order mark that survived decoding is not content.
        text = text.TrimStart('\uFEFF');
        var source = wrap ? $"{opening}{text}</{Wrapper}>" : text;
        // The wrapper is one level the user did not write.
        var maxDepth = InterchangeLimits.MaxDepth + (wrap ? 1 : 0);
        try
        {
            using var reader = XmlReader.Create(new StringReader(source), settings);
            var lineInfo = (IXmlLineInfo)reader;
            var open = new Stack<XmlTag>();
            XmlTag? root = null;
            while (reader.Read())
            {
                if (reader.NodeType != XmlNodeType.Element)
                {
                    if (reader.NodeType == XmlNodeType.EndElement)
                    {
                        open.Pop();
                    }
                    continue;
                }
                if (reader.Depth >= maxDepth)
                {
                    throw new DomainException($"{subject} is nested deeper than {InterchangeLimits.MaxDepth} levels.");
                }
                var tag = new XmlTag(reader.LocalName, ReadAttributes(reader), lineInfo.LineNumber);
                if (open.TryPeek(out var parent))
                {
                    parent.Children.Add(tag);
                }
                else
                {
                    root = tag;
                }
                if (!reader.IsEmptyElement)
                {
                    open.Push(tag);
                }
            }
            return root ?? throw new DomainException($"{subject} is empty.");
        }
        catch (XmlException exception)
        {
            // A DOCTYPE is refused before it is read, and the exception then carries no position; the text says why.
            if (source.Contains("<!DOCTYPE", StringComparison.OrdinalIgnoreCase))
            {
                throw new DomainException($"{subject} must not contain a DOCTYPE (DTDs and external entities are refused).");
            }
            var reason = PositionSuffix().Replace(exception.Message, "").Trim();
            var line = exception.LineNumber;
            var position = exception.LinePosition - (wrap && line == 1 ? opening.Length : 0);
            var where = line > 0 ? $" (line {line}, position {Math.Max(position, 1)})" : "";
            throw new DomainException($"{subject} is not well-formed XML: {reason.TrimEnd('.')}{where}.");
        }
    }

    private static Dictionary<string, string> ReadAttributes(XmlReader reader)
    {
        var attributes = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        if (reader.MoveToFirstAttribute())
        {
            do
            {
                if (reader.Prefix != "xmlns" && reader.LocalName != "xmlns")
                {
                    // Label Studio ignores the case of attribute names; the first spelling wins.
                    attributes.TryAdd(reader.LocalName, reader.Value);
                }
            }
            while (reader.MoveToNextAttribute());
            reader.MoveToElement();
        }
        return attributes;
    }

    [GeneratedRegex(@"\s*Line \d+, position \d+\.?\s*$")]
    private static partial Regex PositionSuffix();
}
