using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Annotator.Core.Taxonomy.Interchange;

/// <summary>
/// Reads untrusted JSON with a size cap, a depth cap and duplicate property names refused. Every refusal is a
/// <see cref="DomainException"/> whose message starts with the caller's subject ("The CVAT labels").
/// </summary>
internal static partial class SafeJson
{
    /// <summary>Parses <paramref name="json"/> after checking its size, depth and syntax.</summary>
    public static JsonNode Parse(string json, string subject, int maxCharacters)
    {
        ArgumentNullException.ThrowIfNull(json);
        if (json.Length > maxCharacters)
        {
            throw new DomainException($"{subject} is larger than {InterchangeLimits.Megabytes(maxCharacters)}.");
        }
        var utf8 = Encoding.UTF8.GetBytes(json);
        Scan(utf8, subject);
        try
        {
            return JsonNode.Parse(utf8, documentOptions: new JsonDocumentOptions
            {
                MaxDepth = InterchangeLimits.MaxDepth,
                AllowDuplicateProperties = false,
            }) ?? throw new DomainException($"{subject} is empty (null).");
        }
        catch (JsonException exception)
        {
            throw NotValid(subject, exception);
        }
    }

    /// <summary>Reads a UTF-8 stream up to <paramref name="maxCharacters"/> bytes (a character is at least a byte).</summary>
    public static string ReadCapped(Stream utf8, string subject, int maxCharacters)
    {
        ArgumentNullException.ThrowIfNull(utf8);
        var buffer = new byte[maxCharacters + 1];
        var length = 0;
        int read;
        while (length < buffer.Length && (read = utf8.Read(buffer, length, buffer.Length - length)) > 0)
        {
            length += read;
        }
        if (length > maxCharacters)
        {
            throw new DomainException($"{subject} is larger than {InterchangeLimits.Megabytes(maxCharacters)}.");
        }
        try
        {
            return new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true)
                .GetString(buffer, 0, length).TrimStart('\uFEFF');
        }
        catch (DecoderFallbackException)
        {
            throw new DomainException($"{subject} is not UTF-8 text.");
        }
    }

    /// <summary>
    /// One pass over the tokens: our own depth check comes first so its message is ours, and syntax errors are
    /// reported with their place before anything is built.
    /// </summary>
    private static void Scan(byte[] utf8, string subject)
    {
        var reader = new Utf8JsonReader(utf8, new JsonReaderOptions { MaxDepth = InterchangeLimits.MaxDepth * 2 });
        try
        {
            while (reader.Read())
            {
                if (reader.TokenType is JsonTokenType.StartObject or JsonTokenType.StartArray
                    && reader.CurrentDepth >= InterchangeLimits.MaxDepth)
                {
                    throw new DomainException($"{subject} is nested deeper than {InterchangeLimits.MaxDepth} levels.");
                }
            }
        }
        catch (JsonException exception)
        {
            throw NotValid(subject, exception);
        }
    }

    private static DomainException NotValid(string subject, JsonException exception)
    {
        var reason = PositionSuffix().Replace(exception.Message, "").Trim().TrimEnd('.');
        var where = exception.LineNumber is { } line && exception.BytePositionInLine is { } position
            ? $" (line {line + 1}, position {position + 1})"
            : "";
        return new DomainException($"{subject} is not valid JSON: {reason}{where}.");
    }

    [GeneratedRegex(@"\s*(Path: \S*\s*\|\s*)?LineNumber: \d+ \| BytePositionInLine: \d+\.?\s*$")]
    private static partial Regex PositionSuffix();
}
