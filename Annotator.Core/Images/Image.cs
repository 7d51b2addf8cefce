namespace Annotator.Core.Images;

/// <summary>
/// An image of a project. Width and height are those of the image as displayed, after EXIF orientation, and every
/// coordinate of every region refers to them.
/// </summary>
public sealed class Image
{
    /// <summary>Longest file name kept (for display only; files are stored by content hash).</summary>
    public const int MaxFileNameLength = 255;

    private Image()
    {
        FileName = "";
        Sha256 = "";
        DisplaySha256 = "";
        UploadedById = "";
    }

    /// <summary>Records a validated, stored image.</summary>
    /// <param name="projectId">The project it belongs to.</param>
    /// <param name="fileName">The name it was uploaded under, for display.</param>
    /// <param name="sha256">Hex SHA-256 of the uploaded bytes: identical files are stored once.</param>
    /// <param name="displaySha256">Hex SHA-256 of the file served for display (the same file unless EXIF orientation had to be applied).</param>
    /// <param name="format">The format of the displayed file.</param>
    /// <param name="byteLength">Size of the uploaded file.</param>
    /// <param name="width">Displayed width in pixels.</param>
    /// <param name="height">Displayed height in pixels.</param>
    /// <param name="uploadedById">Who added it.</param>
    /// <param name="nowUtc">When.</param>
    public Image(int projectId, string fileName, string sha256, string displaySha256, ImageFormat format, long byteLength,
        int width, int height, string uploadedById, DateTime nowUtc)
    {
        if (width <= 0 || height <= 0)
        {
            throw new DomainException($"Image size {width}×{height} is not valid.");
        }
        ProjectId = projectId;
        FileName = CleanFileName(fileName);
        Sha256 = sha256;
        DisplaySha256 = displaySha256;
        Format = format;
        ByteLength = byteLength;
        Width = width;
        Height = height;
        UploadedById = uploadedById;
        CreatedAt = nowUtc;
        Status = ImageStatus.New;
    }

    /// <summary>Database id.</summary>
    public int Id { get; private set; }

    /// <summary>The project.</summary>
    public int ProjectId { get; private set; }

    /// <summary>Name it was uploaded under (display only).</summary>
    public string FileName { get; private set; }

    /// <summary>Hex SHA-256 of the uploaded bytes.</summary>
    public string Sha256 { get; private set; }

    /// <summary>Hex SHA-256 of the file served for display.</summary>
    public string DisplaySha256 { get; private set; }

    /// <summary>Format of the displayed file.</summary>
    public ImageFormat Format { get; private set; }

    /// <summary>Size in bytes of the uploaded file.</summary>
    public long ByteLength { get; private set; }

    /// <summary>Displayed width in pixels.</summary>
    public int Width { get; private set; }

    /// <summary>Displayed height in pixels.</summary>
    public int Height { get; private set; }

    /// <summary>Workflow status.</summary>
    public ImageStatus Status { get; private set; }

    /// <summary>The sequence number the next committed edit operation on this image gets.</summary>
    public long NextSequence { get; private set; } = 1;

    /// <summary>Who added it.</summary>
    public string UploadedById { get; private set; }

    /// <summary>When it was added (UTC).</summary>
    public DateTime CreatedAt { get; private set; }

    /// <summary>Megapixels, for display and limits.</summary>
    public double Megapixels => (double)Width * Height / 1_000_000d;

    /// <summary>Takes the next sequence number for an operation being committed.</summary>
    public long TakeSequenceNumber() => NextSequence++;

    /// <summary>
    /// An edit was committed: a new, labeled or rejected image is in progress again (a done image that changes has to
    /// be marked done again). Images in review or accepted keep their status.
    /// </summary>
    public void Edited()
    {
        if (Status is ImageStatus.New or ImageStatus.Labeled or ImageStatus.Rejected)
        {
            Status = ImageStatus.InProgress;
        }
    }

    /// <summary>Enough labelers marked it done (one with overlap 1, N with overlap N).</summary>
    public void LabelingDone()
    {
        if (Status is ImageStatus.New or ImageStatus.InProgress or ImageStatus.Rejected)
        {
            Status = ImageStatus.Labeled;
        }
    }

    /// <summary>Whether labelers may still change it: not while a reviewer has it or after acceptance.</summary>
    public bool IsOpenForLabeling => Status is not (ImageStatus.InReview or ImageStatus.Accepted);

    /// <summary>Moves the image to another workflow status.</summary>
    public void SetStatus(ImageStatus status)
    {
        if (!Enum.IsDefined(status))
        {
            throw new DomainException($"Unknown image status {(int)status}.");
        }
        Status = status;
    }

    /// <summary>Keeps only the last path segment and drops control characters; never used as a path.</summary>
    public static string CleanFileName(string? name)
    {
        var last = (name ?? "").Replace('\\', '/');
        last = last[(last.LastIndexOf('/') + 1)..];
        var clean = new string(last.Where(c => !char.IsControl(c)).ToArray()).Trim();
        if (clean.Length == 0)
        {
            clean = "image";
        }
        return clean.Length > MaxFileNameLength ? clean[..MaxFileNameLength] : clean;
    }
}
