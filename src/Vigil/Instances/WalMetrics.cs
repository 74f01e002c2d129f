using Vigil.Common.Metrics;
using Vigil.Wal;

namespace Vigil.Instances;

/// <summary>
/// WAL self-metrics. Families belong to the process; each instance run binds its own
/// <c>instance="…"</c> children in the run's scope (issue 2, self-metrics).
/// </summary>
internal sealed class WalMetrics
{
    private readonly MetricFamily<Counter> _bytes;
    private readonly MetricFamily<Counter> _segments;
    private readonly MetricFamily<Gauge> _currentSegment;
    private readonly MetricFamily<Histogram> _fsync;
    private readonly MetricFamily<Counter> _repairs;
    private readonly MetricFamily<Counter> _failures;
    private long _repairsSinceStart;

    public WalMetrics(MetricsScope processScope)
    {
        _bytes = processScope.CounterFamily("vigil_wal_bytes_written_total", "Bytes written to the instance WAL, record framing included.", "instance");
        _segments = processScope.CounterFamily("vigil_wal_segments_total", "WAL segments created or opened for writing.", "instance");
        _currentSegment = processScope.GaugeFamily("vigil_wal_segment_current", "Index of the WAL segment being written.", "instance");
        _fsync = processScope.HistogramFamily("vigil_wal_fsync_duration_seconds", "Duration of WAL fsyncs (one per group commit).", Histogram.ExponentialBuckets(0.0001, 4, 10), "instance");
        _repairs = processScope.CounterFamily("vigil_wal_repairs_total", "Torn WAL tails cut at open.", "instance");
        _failures = processScope.CounterFamily("vigil_wal_write_failures_total", "WAL writes or fsyncs that failed (their commits were answered 500).", "instance");
    }

    /// <summary>WAL repairs of every instance since the process started (runtimeinfo's <c>corruptionCount</c>, issue 6).</summary>
    public long RepairsSinceStart => Interlocked.Read(ref _repairsSinceStart);

    public IWalObserver Bind(MetricsScope runScope, string instance) => new Observer(
        runScope.Child(_bytes, instance),
        runScope.Child(_segments, instance),
        runScope.Child(_currentSegment, instance),
        runScope.Child(_fsync, instance),
        runScope.Child(_repairs, instance),
        runScope.Child(_failures, instance),
        () => Interlocked.Increment(ref _repairsSinceStart));

    private sealed class Observer(Counter bytes, Counter segments, Gauge current, Histogram fsync, Counter repairs, Counter failures, Action onRepair) : IWalObserver
    {
        public void OnBytesWritten(long count) => bytes.Add(count);

        public void OnSegmentCreated(int segmentIndex)
        {
            segments.Inc();
            current.Set(segmentIndex);
        }

        public void OnFsync(TimeSpan duration) => fsync.Observe(duration);

        public void OnRepair(WalRepair repair)
        {
            repairs.Inc();
            onRepair();
        }

        public void OnWriteFailure(Exception error) => failures.Inc();
    }
}
