using Vigil.Common.Metrics;

namespace Vigil.Scrape.Metrics;

/// <summary>
/// Scrape self-metrics (the counterparts of Prometheus's <c>prometheus_target_*</c> and
/// <c>prometheus_sd_file_*</c>). The families belong to the process; each instance run binds its own
/// <c>instance="…"</c> children in the run's scope, so a restarted instance claims them afresh (issue 2's rule).
/// </summary>
internal sealed class ScrapeMetrics
{
    private readonly MetricFamily<Gauge> _targets;
    private readonly MetricFamily<Counter> _scrapes;
    private readonly MetricFamily<Counter> _sampleLimit;
    private readonly MetricFamily<Counter> _syncs;
    private readonly MetricFamily<Counter> _fileSdErrors;

    public ScrapeMetrics(MetricsScope processScope)
    {
        ArgumentNullException.ThrowIfNull(processScope);
        _targets = processScope.GaugeFamily("vigil_scrape_targets", "Targets being scraped.", "instance");
        _scrapes = processScope.CounterFamily("vigil_scrapes_total", "Scrapes by result (a failure sets the target's up to 0).", "instance", "result");
        _sampleLimit = processScope.CounterFamily("vigil_scrape_sample_limit_exceeded_total", "Scrapes failed because they exceeded sample_limit.", "instance");
        _syncs = processScope.CounterFamily("vigil_scrape_pool_syncs_total", "Times a job's targets were re-synced (reload or service discovery change).", "instance");
        _fileSdErrors = processScope.CounterFamily("vigil_file_sd_read_errors_total", "file_sd_configs files that could not be read or parsed.", "instance");
    }

    public ScrapeRunMetrics Bind(MetricsScope runScope, string instance)
    {
        ArgumentNullException.ThrowIfNull(runScope);
        var scrapes = runScope.Partition(_scrapes, instance);
        return new ScrapeRunMetrics(
            runScope.Child(_targets, instance),
            scrapes.WithLabels("success"),
            scrapes.WithLabels("failure"),
            runScope.Child(_sampleLimit, instance),
            runScope.Child(_syncs, instance),
            runScope.Child(_fileSdErrors, instance));
    }
}

/// <summary>One instance run's scrape metrics.</summary>
internal sealed record ScrapeRunMetrics(
    Gauge Targets,
    Counter ScrapeSuccesses,
    Counter ScrapeFailures,
    Counter SampleLimitExceeded,
    Counter Syncs,
    Counter FileSdErrors)
{
    /// <summary>Children of a private registry, for loops and pools built without an instance (tests, tools).</summary>
    public static ScrapeRunMetrics Unregistered()
    {
        var scope = new MetricsRegistry().CreateScope();
        return new ScrapeMetrics(scope).Bind(scope, "");
    }
}
