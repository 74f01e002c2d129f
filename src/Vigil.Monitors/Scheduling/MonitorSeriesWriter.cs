using Vigil.Monitors.Collectors;
using Vigil.Monitors.Model;
using Vigil.Monitors.Templates;
using Vigil.Scrape.Loop;

namespace Vigil.Monitors.Scheduling;

/// <summary>
/// Turns one monitor's rounds into samples: the availability series every monitor has
/// (<c>vigil_monitor_up</c>, <c>vigil_monitor_collect_duration_seconds</c>,
/// <c>vigil_monitor_collect_errors_total{reason}</c>) and the template's group series, all with the monitor's
/// labels plus <c>monitor</c> and <c>app</c>. Series objects are built once per distinct label set and reused, so a
/// steady monitor allocates nothing per sample; their WAL refs are dropped when the instance run changes.
/// </summary>
internal sealed partial class MonitorSeriesWriter
{
    private readonly (string Name, string Value)[] _base;
    private readonly ScrapedSeries _up;
    private readonly ScrapedSeries _duration;
    private readonly Dictionary<string, (ScrapedSeries Series, long Count)> _errors = new(StringComparer.Ordinal);
    private readonly Dictionary<SeriesKey, ScrapedSeries> _groupSeries = [];
    private readonly List<ScrapedSeries> _written = [];
    private object? _run;
    private bool _wrote;

    public MonitorSeriesWriter(MonitorDefinition monitor)
    {
        _base = MonitorSeriesCache.BaseLabels(monitor);
        Cache = new MonitorSeriesCache(_base);
        _up = Series("vigil_monitor_up", []);
        _duration = Series("vigil_monitor_collect_duration_seconds", []);
    }

    /// <summary>The monitor's arbitrary series (a scraped endpoint's), labelled as this writer's.</summary>
    public MonitorSeriesCache Cache { get; }

    /// <summary>Every series of the monitor so far (each is written in the round that creates it).</summary>
    public IReadOnlyList<ScrapedSeries> Written => _written;

    /// <summary>
    /// Appends one round. A failed round (<paramref name="errorReason"/> set) writes up=0, the duration and the
    /// error counters, plus whatever rows the collector still produced (a failed probe's measurements).
    /// </summary>
    public void Write(IMonitorAppendLease lease, long timestampMs, TimeSpan duration, string? errorReason, CollectionRows? rows)
    {
        if (!ReferenceEquals(_run, lease.Run))
        {
            foreach (var series in _written)
            {
                series.Ref = 0;
            }

            ForgetSampleRefs();
            _run = lease.Run;
        }

        _wrote = true;
        var appender = lease.Appender;
        Append(appender, _up, timestampMs, errorReason is null ? 1 : 0);
        Append(appender, _duration, timestampMs, duration.TotalSeconds);
        if (errorReason is not null)
        {
            var (series, count) = _errors.TryGetValue(errorReason, out var known) ? known : (Series("vigil_monitor_collect_errors_total", [("reason", errorReason)]), 0);
            _errors[errorReason] = (series, count + 1);
        }

        // Every reason seen keeps being written, so rate() sees a flat counter between errors.
        foreach (var (series, count) in _errors.Values)
        {
            Append(appender, series, timestampMs, count);
        }

        if (rows is not null)
        {
            WriteRows(appender, timestampMs, rows);
        }

        // Rows are given for a successful round or a failed probe: a collector that reports a failure keeps whatever
        // samples it left (the kafka collector's partial result when one broker is down); a round that threw has none.
        WriteSamples(appender, timestampMs, rows?.Samples);
    }

    /// <summary>Marks every written series stale (Prometheus's staleness marker); the writer is done after this.</summary>
    public void WriteStale(IMonitorAppendLease lease, long timestampMs)
    {
        if (!_wrote)
        {
            // Never written (stopped before its first round): nothing to mark, and no series record to create.
            return;
        }

        if (!ReferenceEquals(_run, lease.Run))
        {
            foreach (var series in _written)
            {
                series.Ref = 0;
            }

            ForgetSampleRefs();
        }

        foreach (var series in _written)
        {
            lease.Appender.Append(series, timestampMs, StaleMarker.Value);
        }

        WriteSamples(lease.Appender, timestampMs, null);
    }

    private void WriteRows(IScrapeAppender appender, long timestampMs, CollectionRows rows)
    {
        for (var g = 0; g < rows.Groups.Count; g++)
        {
            var group = rows.Groups[g];
            if (!group.Due)
            {
                continue;
            }

            for (var r = 0; r < group.Count; r++)
            {
                WriteRow(appender, timestampMs, g, group.Group, group[r]);
            }
        }
    }

    private void WriteRow(IScrapeAppender appender, long timestampMs, int groupIndex, MetricsGroup group, MetricsRow row)
    {
        var labelKey = LabelKey(group, row);
        for (var f = 0; f < group.Fields.Count; f++)
        {
            var field = group.Fields[f];
            if (field.Kind != FieldKind.Label && !double.IsNaN(row.Values[f]))
            {
                Append(appender, GroupSeries(groupIndex, f, group, row, labelKey), timestampMs, row.Values[f]);
            }
        }

        for (var c = 0; c < group.Calculated.Count; c++)
        {
            var value = group.Calculated[c].Expression.Evaluate(row.Values);
            if (!double.IsNaN(value))
            {
                Append(appender, GroupSeries(groupIndex, group.Fields.Count + c, group, row, labelKey), timestampMs, value);
            }
        }
    }

    private static void Append(IScrapeAppender appender, ScrapedSeries series, long timestampMs, double value) =>
        appender.Append(series, timestampMs, value);

    private ScrapedSeries GroupSeries(int groupIndex, int fieldIndex, MetricsGroup group, MetricsRow row, string labelKey)
    {
        var key = new SeriesKey(groupIndex, fieldIndex, labelKey);
        if (_groupSeries.TryGetValue(key, out var series))
        {
            return series;
        }

        var extra = new List<(string, string)>();
        for (var f = 0; f < group.Fields.Count; f++)
        {
            if (group.Fields[f].Kind == FieldKind.Label && row.Labels[f] is { Length: > 0 } value)
            {
                extra.Add((group.Fields[f].Metric, value));
            }
        }

        var metric = fieldIndex < group.Fields.Count ? group.Fields[fieldIndex].Metric : group.Calculated[fieldIndex - group.Fields.Count].Metric;
        if (fieldIndex < group.Fields.Count)
        {
            extra.AddRange(group.Fields[fieldIndex].Labels.Select(l => (l.Key, l.Value)));
        }

        series = Series(metric, extra);
        _groupSeries[key] = series;
        return series;
    }

    /// <summary>The row's label values joined; empty (no allocation) for groups without label fields.</summary>
    private static string LabelKey(MetricsGroup group, MetricsRow row)
    {
        string? key = null;
        for (var f = 0; f < group.Fields.Count; f++)
        {
            if (group.Fields[f].Kind == FieldKind.Label)
            {
                key = key is null ? row.Labels[f] ?? "" : key + "\xff" + row.Labels[f];
            }
        }

        return key ?? "";
    }

    /// <summary>A series of the monitor's base labels plus <paramref name="extra"/>; the base wins a clash (Vigil's labels are reserved).</summary>
    private ScrapedSeries Series(string metric, IEnumerable<(string Name, string Value)> extra)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["__name__"] = metric };
        foreach (var (name, value) in extra)
        {
            labels[name] = value;
        }

        foreach (var (name, value) in _base)
        {
            labels[name] = value;
        }

        var series = new ScrapedSeries([.. labels.Select(l => (l.Key, l.Value))]);
        _written.Add(series);
        return series;
    }

    private readonly record struct SeriesKey(int Group, int Field, string Labels);
}
