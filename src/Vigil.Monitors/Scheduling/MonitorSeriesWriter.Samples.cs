using Vigil.Monitors.Collectors;
using Vigil.Scrape.Loop;

namespace Vigil.Monitors.Scheduling;

/// <summary>
/// The samples of series the template does not declare (<see cref="CollectionRows.Samples"/>), with the scrape
/// loop's staleness: a series of the last successful round that is missing from this one is marked stale, and a
/// failed round marks them all (Prometheus appends an empty scrape after a failed one, scrape/scrape.go).
/// </summary>
internal sealed partial class MonitorSeriesWriter
{
    // The series of the last successful round and of this one (Prometheus's seriesPrev and seriesCur); series with
    // an exposed timestamp are not tracked, as in Prometheus.
    private List<ScrapedSeries> _previousSamples = [];
    private List<ScrapedSeries> _currentSamples = [];

    /// <param name="samples">The round's samples; null for a failed round, which marks every tracked series stale.</param>
    private void WriteSamples(IScrapeAppender appender, long timestampMs, SeriesSamples? samples)
    {
        if (samples is null && _previousSamples.Count == 0)
        {
            return;
        }

        var iteration = Cache.Iteration;
        _currentSamples.Clear();
        for (var i = 0; i < (samples?.Count ?? 0); i++)
        {
            var sample = samples![i];
            if (sample.TimestampMs is null && sample.Series.TrackedIteration != iteration)
            {
                sample.Series.TrackedIteration = iteration;
                _currentSamples.Add(sample.Series);
            }

            appender.Append(sample.Series, sample.TimestampMs ?? timestampMs, sample.Value);
        }

        foreach (var series in _previousSamples)
        {
            if (samples is null || series.TrackedIteration != iteration)
            {
                appender.Append(series, timestampMs, StaleMarker.Value);
            }
        }

        (_previousSamples, _currentSamples) = (_currentSamples, _previousSamples);
        if (samples is not null)
        {
            Cache.Sweep();
        }
    }

    /// <summary>The instance's run changed: every cached series must be looked up in the new WAL again.</summary>
    private void ForgetSampleRefs()
    {
        foreach (var series in Cache.Series)
        {
            series.Ref = 0;
        }

        foreach (var series in _previousSamples)
        {
            series.Ref = 0;
        }
    }
}
