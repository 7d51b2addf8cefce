using Annotator.Core.Images;
using Microsoft.Extensions.Options;
using Vips = NetVips;

namespace Annotator.Web.Images;

/// <summary>What decoding an image file found.</summary>
/// <param name="Format">The format of the displayed file.</param>
/// <param name="Width">Displayed width (after EXIF orientation).</param>
/// <param name="Height">Displayed height.</param>
/// <param name="Thumbnail">The WebP thumbnail.</param>
/// <param name="DisplayFile">A re-encoded, upright copy when the file carried an EXIF rotation, else null (the file itself is displayed).</param>
public sealed record InspectedImage(ImageFormat Format, int Width, int Height, byte[] Thumbnail, string? DisplayFile);

/// <summary>
/// Decodes an uploaded file with libvips and refuses what is not a whole, sane JPEG, PNG, WebP or TIFF: the size is
/// checked from the header before any pixel is decoded (decompression bombs), and the pixels are then decoded once,
/// strictly (truncated or corrupt files fail), into the thumbnail and, for a file with an EXIF rotation, the upright copy.
/// Refusals say what is wrong with the file in the uploader's words; libvips' own messages go to the log only.
/// </summary>
public sealed class ImageInspector
{
    private readonly ImageOptions _options;
    private readonly ImageStore _store;
    private readonly ILogger<ImageInspector> _logger;

    static ImageInspector()
    {
        // Only the four loaders we accept may run; everything else libvips could parse (SVG, PDF, ImageMagick,
        // matrix files…) stays blocked even if a file somehow reached it.
        Vips.NetVips.BlockUntrusted = true;
        Vips.Operation.Block("VipsForeignLoad", true);
        foreach (var loader in new[] { "VipsForeignLoadJpeg", "VipsForeignLoadPng", "VipsForeignLoadWebp", "VipsForeignLoadTiff" })
        {
            Vips.Operation.Block(loader, false);
        }
        // Each file is opened once; the operation cache would only hold memory.
        Vips.Cache.Max = 0;
    }

    /// <summary>Creates an inspector with the configured limits.</summary>
    public ImageInspector(IOptions<ImageOptions> options, ImageStore store, ILogger<ImageInspector> logger)
    {
        _options = options.Value;
        _store = store;
        _logger = logger;
    }

    /// <summary>
    /// Inspects the file at <paramref name="path"/>, whose content was recognised as <paramref name="format"/>.
    /// Throws <see cref="ImageRejectedException"/> with a readable reason when it must be refused.
    /// </summary>
    public InspectedImage Inspect(string path, ImageFormat format)
    {
        int storedWidth, storedHeight, orientation;
        try
        {
            // The header only: no pixel is decoded yet.
            using var header = Vips.Image.NewFromFile(path, access: Vips.Enums.Access.Sequential, failOn: Vips.Enums.FailOn.Error);
            storedWidth = header.Width;
            storedHeight = header.Height;
            orientation = header.Contains("orientation") ? Convert.ToInt32(header.Get("orientation")) : 1;
        }
        catch (Vips.VipsException e)
        {
            throw Corrupt(format, path, e);
        }
        var pixels = (long)storedWidth * storedHeight;
        if (pixels > _options.MaxPixels)
        {
            throw new ImageRejectedException(
                $"The image is {storedWidth:N0}×{storedHeight:N0} pixels ({pixels / 1_000_000d:#,0.#} megapixels), above the limit of " +
                $"{_options.MaxPixels / 1_000_000d:#,0.#} megapixels. Larger images will be accepted once tiled gigapixel images are supported.");
        }
        var turned = orientation is >= 5 and <= 8;
        var width = turned ? storedHeight : storedWidth;
        var height = turned ? storedWidth : storedHeight;

        if (orientation is > 1 and <= 8)
        {
            return InspectRotated(path, format, width, height);
        }
        byte[] thumbnail;
        try
        {
            using var thumb = format == ImageFormat.Jpeg
                ? JpegThumbnail(path, storedWidth, storedHeight)
                : Vips.Image.Thumbnail(path + "[fail_on=error]", _options.ThumbnailSize, _options.ThumbnailSize, size: Vips.Enums.Size.Down);
            thumbnail = Encode(thumb);
        }
        catch (Vips.VipsException e)
        {
            throw Corrupt(format, path, e);
        }
        return new InspectedImage(format, width, height, thumbnail, null);
    }

    /// <summary>
    /// A file with an EXIF rotation is decoded once, in full: the upright copy is saved from it and the thumbnail made
    /// from that copy in memory.
    /// </summary>
    private InspectedImage InspectRotated(string path, ImageFormat format, int width, int height)
    {
        var displayFile = _store.NewTempPath();
        try
        {
            using var original = Vips.Image.NewFromFile(path, access: Vips.Enums.Access.Random, failOn: Vips.Enums.FailOn.Error);
            // Decoded here, strictly: a truncated or corrupt file fails before anything is written.
            using var upright = original.Autorot().CopyMemory();
            if (format == ImageFormat.Jpeg)
            {
                upright.Jpegsave(displayFile, q: 95, keep: Vips.Enums.ForeignKeep.Icc);
            }
            else
            {
                upright.Pngsave(displayFile, keep: Vips.Enums.ForeignKeep.Icc);
            }
            using var thumb = upright.ThumbnailImage(_options.ThumbnailSize, _options.ThumbnailSize, size: Vips.Enums.Size.Down);
            var displayFormat = format == ImageFormat.Jpeg ? format : ImageFormat.Png;
            return new InspectedImage(displayFormat, width, height, Encode(thumb), displayFile);
        }
        catch (Vips.VipsException e)
        {
            ImageStore.DeleteQuietly(displayFile);
            throw Corrupt(format, path, e);
        }
    }

    /// <summary>
    /// Decodes every pixel of a JPEG strictly (a truncated or corrupt file fails) at the largest of libjpeg's 1/2, 1/4
    /// and 1/8 scales that still covers the thumbnail, then resizes to it. The entropy-coded data is read whole at any
    /// scale, so the check is the same as a full decode's; the scaled IDCT skips most of the rest. libvips'
    /// <c>thumbnail</c> would keep a 2× margin and decode 1,155×866 at 1/2 (about 4 ms more per megapixel image).
    /// </summary>
    private Vips.Image JpegThumbnail(string path, int storedWidth, int storedHeight)
    {
        var size = _options.ThumbnailSize;
        var scale = Math.Min(1d, Math.Min((double)size / storedWidth, (double)size / storedHeight));
        var targetWidth = Math.Max(1, (int)Math.Round(storedWidth * scale));
        var targetHeight = Math.Max(1, (int)Math.Round(storedHeight * scale));
        var shrink = 1;
        foreach (var candidate in new[] { 8, 4, 2 })
        {
            // libjpeg rounds a scaled side up.
            if ((storedWidth + candidate - 1) / candidate >= targetWidth && (storedHeight + candidate - 1) / candidate >= targetHeight)
            {
                shrink = candidate;
                break;
            }
        }
        using var decoded = Vips.Image.NewFromFile(path, access: Vips.Enums.Access.Sequential, failOn: Vips.Enums.FailOn.Error,
            kwargs: new Vips.VOption { { "shrink", shrink } });
        return decoded.Width == targetWidth && decoded.Height == targetHeight
            ? decoded.Copy()
            // Forced to the size the whole image scales to: a scaled decode rounds its sides up, so its aspect is off by
            // up to a pixel.
            : decoded.ThumbnailImage(targetWidth, targetHeight, size: Vips.Enums.Size.Force);
    }

    // Effort 2 rather than libwebp's default 4: on photos the file is ~3% larger and the encode takes half the time,
    // which was a third of an image's ingest CPU.
    private static byte[] Encode(Vips.Image thumb) => thumb.WebpsaveBuffer(q: 80, effort: 0, keep: Vips.Enums.ForeignKeep.None);

    private ImageRejectedException Corrupt(ImageFormat format, string path, Vips.VipsException e)
    {
        _logger.LogInformation("Refused {Path} as corrupt {Format}: {Reason}", path, format, e.Message.Split('\n')[0]);
        return new ImageRejectedException(CorruptMessage(format));
    }

    /// <summary>The refusal for a file that starts like <paramref name="format"/> but cannot be decoded.</summary>
    public static string CorruptMessage(ImageFormat format) =>
        $"The {Name(format)} data is corrupt or truncated; the file cannot be read as an image. Export or download it again and retry.";

    /// <summary>The format's name as people know it.</summary>
    public static string Name(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "JPEG",
        ImageFormat.Png => "PNG",
        ImageFormat.Webp => "WebP",
        _ => "TIFF",
    };
}
