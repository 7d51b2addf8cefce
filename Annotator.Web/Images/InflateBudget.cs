namespace Annotator.Web.Images;

/// <summary>
/// How many bytes the archives of one upload request may expand to: <c>ratio</c> times their compressed size plus a
/// fixed allowance. Archive entries draw on it as they are inflated, so a zip bomb stops at the first block past the
/// limit instead of filling the disk. Safe to share between the sections of one request.
/// </summary>
public sealed class InflateBudget
{
    private readonly double _ratio;
    private long _allowed;
    private long _used;

    /// <summary>A budget of <paramref name="allowanceBytes"/> that grows by <paramref name="ratio"/> × each archive's size.</summary>
    public InflateBudget(double ratio, long allowanceBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(ratio);
        ArgumentOutOfRangeException.ThrowIfNegative(allowanceBytes);
        _ratio = ratio;
        _allowed = allowanceBytes;
    }

    /// <summary>Bytes the request's archives may expand to so far.</summary>
    public long Allowed => Interlocked.Read(ref _allowed);

    /// <summary>Bytes inflated so far.</summary>
    public long Used => Interlocked.Read(ref _used);

    /// <summary>Grows the budget for an archive of <paramref name="compressedBytes"/>.</summary>
    public void AddArchive(long compressedBytes) =>
        Interlocked.Add(ref _allowed, (long)Math.Min(long.MaxValue / 4, compressedBytes * _ratio));

    /// <summary>Takes <paramref name="bytes"/> just inflated; false once the total is past <see cref="Allowed"/>.</summary>
    public bool TryTake(long bytes) => Interlocked.Add(ref _used, bytes) <= Allowed;
}
