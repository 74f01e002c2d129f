using Vigil.Scrape.Loop;

namespace Vigil.Monitors.Collectors;

/// <summary>
/// The samples of one round whose series the template does not declare: a <c>prometheus</c> monitor keeps every
/// scraped series under its own name and labels (issue 7). The series come from <see cref="MonitorSeriesCache"/>,
/// so they already carry the monitor's labels and are the same objects every round; the list is reused.
/// </summary>
internal sealed class SeriesSamples
{
    private readonly List<Sample> _samples = [];

    public int Count => _samples.Count;

    public Sample this[int index] => _samples[index];

    /// <param name="timestampMs">The exposition's own timestamp, or null for the round's.</param>
    public void Add(ScrapedSeries series, long? timestampMs, double value) => _samples.Add(new Sample(series, timestampMs, value));

    internal void Clear() => _samples.Clear();

    /// <param name="TimestampMs">The exposed timestamp; null means the round's (and the series is tracked for staleness).</param>
    internal readonly record struct Sample(ScrapedSeries Series, long? TimestampMs, double Value);
}
