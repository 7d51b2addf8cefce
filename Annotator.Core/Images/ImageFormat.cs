namespace Annotator.Core.Images;

/// <summary>The raster formats Annotator accepts, recognised by content, never by file name.</summary>
public enum ImageFormat
{
    /// <summary>JPEG (image/jpeg).</summary>
    Jpeg = 1,

    /// <summary>PNG (image/png).</summary>
    Png = 2,

    /// <summary>WebP (image/webp).</summary>
    Webp = 3,

    /// <summary>TIFF (image/tiff).</summary>
    Tiff = 4,
}

/// <summary>Content types and signatures of <see cref="ImageFormat"/>.</summary>
public static class ImageFormats
{
    /// <summary>The media type to serve a stored file of <paramref name="format"/> with.</summary>
    public static string ContentType(this ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "image/jpeg",
        ImageFormat.Png => "image/png",
        ImageFormat.Webp => "image/webp",
        ImageFormat.Tiff => "image/tiff",
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>
    /// Recognises a format from the first bytes of a file (at least 12 are needed to tell WebP). Returns null for
    /// anything else: HTML, SVG, GIF, PDF, an empty file.
    /// </summary>
    public static ImageFormat? Detect(ReadOnlySpan<byte> head)
    {
        if (head.Length >= 3 && head[0] == 0xFF && head[1] == 0xD8 && head[2] == 0xFF)
        {
            return ImageFormat.Jpeg;
        }
        if (head.StartsWith((ReadOnlySpan<byte>)[0x89, (byte)'P', (byte)'N', (byte)'G', 0x0D, 0x0A, 0x1A, 0x0A]))
        {
            return ImageFormat.Png;
        }
        if (head.Length >= 12 && head[..4].SequenceEqual("RIFF"u8) && head[8..12].SequenceEqual("WEBP"u8))
        {
            return ImageFormat.Webp;
        }
        if (head.StartsWith("II*\0"u8) || head.StartsWith("MM\0*"u8))
        {
            return ImageFormat.Tiff;
        }
        return null;
    }

    /// <summary>A short description of what unrecognised content looks like, for error messages.</summary>
    public static string Describe(ReadOnlySpan<byte> head)
    {
        if (head.IsEmpty)
        {
            return "the file is empty";
        }
        var start = System.Text.Encoding.UTF8.GetString(head[..Math.Min(head.Length, 64)]).TrimStart('\uFEFF', ' ', '\t', '\r', '\n');
        if (start.StartsWith('<'))
        {
            return start.Contains("svg", StringComparison.OrdinalIgnoreCase)
                ? "it is SVG/XML, which can carry scripts"
                : "it is HTML/XML text";
        }
        if (head.StartsWith("GIF8"u8))
        {
            return "it is a GIF";
        }
        if (head.StartsWith("%PDF"u8))
        {
            return "it is a PDF";
        }
        return "its content is not a known image format";
    }
}
