using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Annotator.Web.Annotations;

/// <summary>
/// How long each stage of an edit takes on this node, as histograms in milliseconds on the meter
/// <see cref="MeterName"/> (read them with <c>dotnet-counters</c>, OpenTelemetry or a <see cref="MeterListener"/>): waiting
/// for the image's lock, the reads that check the operation, waiting for the database's writer, writing and committing,
/// and telling everyone. A tail in "send → seen by the others" shows up in one of them.
/// </summary>
public sealed class EditMetrics
{
    /// <summary>The meter's name.</summary>
    public const string MeterName = "Annotator.Edits";

    private readonly Histogram<double> _lockWait;
    private readonly Histogram<double> _check;
    private readonly Histogram<double> _writerWait;
    private readonly Histogram<double> _commit;
    private readonly Histogram<double> _publish;

    /// <summary>Creates the instruments on a meter from <paramref name="meters"/>.</summary>
    public EditMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _lockWait = meter.CreateHistogram<double>("annotator.edit.lock_wait", "ms", "Waiting for the image's lock (edits of one image queue here).");
        _check = meter.CreateHistogram<double>("annotator.edit.check", "ms", "Reads that check the operation, before its write transaction.");
        _writerWait = meter.CreateHistogram<double>("annotator.edit.writer_wait", "ms", "Waiting to begin the write transaction (SQLite: its single writer).");
        _commit = meter.CreateHistogram<double>("annotator.edit.commit", "ms", "Inside the write transaction: the checks that need it, writing, committing (durable when it ends).");
        _publish = meter.CreateHistogram<double>("annotator.edit.publish", "ms", "Handing the committed operation to the feed and the hub's groups.");
    }

    internal void LockWait(long since) => _lockWait.Record(Stopwatch.GetElapsedTime(since).TotalMilliseconds);

    internal void Check(long since) => _check.Record(Stopwatch.GetElapsedTime(since).TotalMilliseconds);

    internal void WriterWait(long since) => _writerWait.Record(Stopwatch.GetElapsedTime(since).TotalMilliseconds);

    internal void Commit(long since) => _commit.Record(Stopwatch.GetElapsedTime(since).TotalMilliseconds);

    internal void Publish(long since) => _publish.Record(Stopwatch.GetElapsedTime(since).TotalMilliseconds);
}
