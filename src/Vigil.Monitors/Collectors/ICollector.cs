using Vigil.Monitors.Model;
using Vigil.Monitors.Templates;

namespace Vigil.Monitors.Collectors;

/// <summary>
/// Collects one protocol. A collector is shared by every monitor of its protocol and so keeps no per-target state
/// of its own (issue 7, "The lesson behind it"): whatever must live between rounds, a connection above all, comes
/// from <see cref="CollectContext.Leases"/>, keyed by the monitor.
/// </summary>
internal interface ICollector
{
    /// <summary>The template <c>protocol</c> this collector serves.</summary>
    string Protocol { get; }

    /// <summary>
    /// One round: fills <see cref="CollectContext.Rows"/> for the groups due, or reports a failed probe with
    /// <see cref="CollectionRows.Fail"/> (rows may still hold what was measured). Throwing means the round failed
    /// with nothing to show; <see cref="CollectException"/> carries the reason label.
    /// </summary>
    Task CollectAsync(CollectContext context, CancellationToken cancellationToken);
}

/// <summary>
/// A collector with self-metrics of its own (the kafka collector's open-connection gauge). The scheduler registers
/// them once, in its scope, when it is built: never per client or per round (the brief's rule 1).
/// </summary>
internal interface ICollectorMetrics
{
    void RegisterMetrics(Common.Metrics.MetricsScope scope);
}

/// <summary>What a collector gets for one round.</summary>
internal sealed class CollectContext
{
    /// <param name="series">The monitor's series cache for <see cref="CollectionRows.Samples"/>; a one-off round (tests, the test endpoint) gets its own.</param>
    public CollectContext(MonitorDefinition monitor, MonitorTemplate template, CollectionRows rows, ConnectionLeases leases, TimeSpan timeout, MonitorSeriesCache? series = null)
    {
        Series = series ?? new MonitorSeriesCache(MonitorSeriesCache.BaseLabels(monitor));
        Monitor = monitor;
        Template = template;
        Rows = rows;
        Leases = leases;
        Timeout = timeout;
    }

    public MonitorDefinition Monitor { get; }

    public MonitorTemplate Template { get; }

    public CollectionRows Rows { get; }

    public ConnectionLeases Leases { get; }

    /// <summary>Resolves the series a collector adds to <see cref="CollectionRows.Samples"/>.</summary>
    public MonitorSeriesCache Series { get; }

    /// <summary>The round's hard timeout; the token given with the context fires at it.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>The monitor's own <c>timeout</c> param, never beyond the round's hard timeout.</summary>
    public TimeSpan ParamTimeout() =>
        Common.Config.PromDuration.TryParse(Monitor.Text("timeout") ?? "", out var own) && own > TimeSpan.Zero && own < Timeout ? own : Timeout;

    /// <summary>A failed probe (blackbox_exporter's convention): <c>success</c> 0 and the time it took, plus the round's failure.</summary>
    public void FailProbe(MetricsRow? probe, long startedTimestamp, string reason, string message)
    {
        probe?.Set("success", 0).Set("duration", System.Diagnostics.Stopwatch.GetElapsedTime(startedTimestamp).TotalSeconds);
        Rows.Fail(reason, message);
    }
}

/// <summary>A failed round with a reason for <c>vigil_monitor_collect_errors_total{reason}</c> (connect, timeout, protocol, ...).</summary>
internal sealed class CollectException : Exception
{
    public CollectException(string reason, string message, Exception? inner = null)
        : base(message, inner)
    {
        Reason = reason;
    }

    public CollectException()
        : this("error", "collection failed")
    {
    }

    public CollectException(string message)
        : this("error", message)
    {
    }

    public CollectException(string message, Exception innerException)
        : this("error", message, innerException)
    {
    }

    public string Reason { get; }
}
