using Annotator.Core.Images;
using Annotator.Web.Hosting;
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
/// checked from the header before any pixel is decoded (decompression bombs), and the whole image is then decoded
/// once, strictly, to make the thumbnail (truncated or corrupt files).
/// </summary>
public sealed class ImageInspector
{
    private readonly ImageOptions _options;
    private readonly ImageStore _store;

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
    public ImageInspector(IOptions<AnnotatorOptions> options, ImageStore store)
    {
        _options = options.Value.Images;
        _store = store;
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
            using var header = Vips.Image.NewFromFile(path, access: Vips.Enums.Access.Sequential, failOn: Vips.Enums.FailOn.Error);
            storedWidth = header.Width;
            storedHeight = header.Height;
            orientation = header.Contains("orientation") ? Convert.ToInt32(header.Get("orientation")) : 1;
        }
        catch (Vips.VipsException e)
        {
            throw new ImageRejectedException($"The file looks like {Name(format)} but cannot be read: {FirstLine(e.Message)}.");
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

        byte[] thumbnail;
        try
        {
            // Decodes every pixel (with shrink-on-load where the format has it), strictly: a truncated or corrupt
            // file fails here. EXIF orientation is applied, so the thumbnail is upright.
            using var thumb = Vips.Image.Thumbnail(path + "[fail_on=error]", _options.ThumbnailSize, _options.ThumbnailSize,
                size: Vips.Enums.Size.Down);
            // Effort 2 rather than libwebp's default 4: on photos the file is ~3% larger and the encode takes half the
            // time, which was a third of an image's ingest CPU.
            thumbnail = thumb.WebpsaveBuffer(q: 80, effort: 2, keep: Vips.Enums.ForeignKeep.None);
        }
        catch (Vips.VipsException e)
        {
            throw new ImageRejectedException($"The {Name(format)} file is damaged or incomplete: {FirstLine(e.Message)}.");
        }

        string? displayFile = null;
        if (orientation is > 1 and <= 8)
        {
            displayFile = _store.NewTempPath();
            try
            {
                using var original = Vips.Image.NewFromFile(path, access: Vips.Enums.Access.Random, failOn: Vips.Enums.FailOn.Error);
                using var upright = original.Autorot();
                if (format == ImageFormat.Jpeg)
                {
                    upright.Jpegsave(displayFile, q: 95, keep: Vips.Enums.ForeignKeep.Icc);
                }
                else
                {
                    upright.Pngsave(displayFile, keep: Vips.Enums.ForeignKeep.Icc);
                }
            }
            catch (Vips.VipsException e)
            {
                ImageStore.DeleteQuietly(displayFile);
                throw new ImageRejectedException($"The {Name(format)} file could not be turned upright: {FirstLine(e.Message)}.");
            }
        }
        var displayFormat = displayFile is null || format == ImageFormat.Jpeg ? format : ImageFormat.Png;
        return new InspectedImage(displayFormat, width, height, thumbnail, displayFile);
    }

    private static string Name(ImageFormat format) => format switch
    {
        ImageFormat.Jpeg => "a JPEG",
        ImageFormat.Png => "a PNG",
        ImageFormat.Webp => "a WebP",
        _ => "a TIFF",
    };

    private static string FirstLine(string message)
    {
        var line = message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault() ?? "unknown error";
        return line.TrimEnd('.');
    }
}
