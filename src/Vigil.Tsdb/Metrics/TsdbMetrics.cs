using Vigil.Common.Metrics;
using Vigil.Tsdb.Feed;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Metrics;

/// <summary>
/// TSDB self-metrics (issue 5; Prometheus's <c>prometheus_tsdb_head_*</c>). The head's figures are read from the head
/// at exposition time; each instance run binds the counters of its WAL feeder in the run's scope.
/// </summary>
internal sealed class TsdbMetrics
{
    private readonly MetricFamily<Counter> _fed;
    private readonly MetricFamily<Counter> _refused;
    private readonly MetricFamily<Counter> _unknown;
    private readonly MetricFamily<Counter> _persisted;

    public TsdbMetrics(MetricsScope processScope, LocalStorage storage)
    {
        ArgumentNullException.ThrowIfNull(processScope);
        ArgumentNullException.ThrowIfNull(storage);
        var head = storage.Head;
        processScope.Gauge("vigil_tsdb_head_series", "Series in the head.").SetSource(() => head.SeriesCount);
        processScope.Gauge("vigil_tsdb_head_chunks", "Chunks in the head, open and closed.").SetSource(() => head.ChunkCount);
        processScope.Gauge("vigil_tsdb_head_min_time_seconds", "Oldest sample time in the head (Unix seconds).").SetSource(() => Seconds(head.MinTime));
        processScope.Gauge("vigil_tsdb_head_max_time_seconds", "Newest sample time in the head (Unix seconds).").SetSource(() => Seconds(head.MaxTime));
        processScope.Counter("vigil_tsdb_head_out_of_order_samples_total", "Samples stored out of order, within out_of_order_time_window.")
            .SetSource(() => head.OutOfOrderSamples);
        var blocks = storage.Blocks;
        var counters = storage.Counters;
        processScope.Gauge("vigil_tsdb_blocks_loaded", "Blocks on disk and queried.").SetSource(() => blocks.Blocks.Count);
        processScope.Gauge("vigil_tsdb_storage_blocks_bytes", "Bytes of the blocks on disk (index and chunks).").SetSource(() => blocks.Blocks.Sum(b => b.Size));
        processScope.Counter("vigil_tsdb_blocks_cut_total", "Blocks written from the head.").SetSource(() => counters.BlocksCut);
        processScope.Counter("vigil_tsdb_compactions_total", "Compactions of blocks into a larger block.").SetSource(() => counters.Compactions);
        processScope.Counter("vigil_tsdb_compaction_seconds_total", "Time spent compacting blocks.").SetSource(() => counters.CompactionTime.TotalSeconds);
        processScope.Counter("vigil_tsdb_compactions_failed_total", "Compactions that failed (their sources stay).").SetSource(() => counters.CompactionFailures);
        processScope.Counter("vigil_tsdb_retention_deletions_total", "Blocks deleted by retention_time or retention_size.").SetSource(() => counters.RetentionDeletions);
        _fed = processScope.CounterFamily("vigil_tsdb_wal_samples_total", "Samples read from an instance WAL into the head.", "instance");
        _refused = processScope.CounterFamily("vigil_tsdb_wal_samples_refused_total", "Samples from an instance WAL the head refused, by reason.", "instance", "reason");
        _persisted = processScope.CounterFamily(
            "vigil_tsdb_wal_samples_already_in_blocks_total", "WAL samples skipped on replay because a block already holds their time.", "instance");
        _unknown = processScope.CounterFamily("vigil_tsdb_wal_unknown_series_samples_total", "WAL samples whose series record was never seen.", "instance");
    }

    /// <summary>Claims <paramref name="instance"/>'s feeder counters in the run's scope.</summary>
    public void Bind(MetricsScope runScope, string instance, FeedCounters counters)
    {
        ArgumentNullException.ThrowIfNull(runScope);
        ArgumentNullException.ThrowIfNull(counters);
        runScope.Child(_fed, instance).SetSource(() => counters.Samples);
        runScope.Child(_unknown, instance).SetSource(() => counters.UnknownSeries);
        runScope.Child(_persisted, instance).SetSource(() => counters.AlreadyPersisted);
        var refused = runScope.Partition(_refused, instance);
        foreach (var error in Enum.GetValues<AppendError>().Where(e => e != AppendError.None))
        {
            refused.WithLabels(ReasonLabel(error)).SetSource(() => counters.RefusedFor(error));
        }
    }

    private static string ReasonLabel(AppendError error) => error switch
    {
        AppendError.OutOfOrder => "out_of_order",
        AppendError.OutOfBounds => "out_of_bounds",
        AppendError.TooOld => "too_old",
        AppendError.DuplicateSampleForTimestamp => "duplicate",
        AppendError.InvalidLabels => "invalid_labels",
        _ => error.ToString(),
    };

    private static double Seconds(long ms) => ms is long.MinValue or long.MaxValue ? double.NaN : ms / 1000.0;
}
