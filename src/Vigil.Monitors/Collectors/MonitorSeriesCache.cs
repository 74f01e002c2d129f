using Vigil.Monitors.Model;
using Vigil.Scrape.Loop;
using Vigil.Scrape.Parsing;

namespace Vigil.Monitors.Collectors;

/// <summary>
/// A monitor's arbitrary series: maps an exposed series to the stored one (its labels plus the monitor's, a clash
/// kept as <c>exported_&lt;name&gt;</c> as Prometheus does without honor_labels), once per distinct series, by reusing
/// the scrape loop's <see cref="ScrapeSeriesCache"/>. Owned by the monitor's series writer, which is replaced when
/// the monitor's labels change, so a cached series never carries old labels. One round at a time uses it.
/// </summary>
internal sealed class MonitorSeriesCache
{
    private static readonly Uri NoUrl = new("http://monitor.invalid/");

    private readonly (string Name, string Value)[] _baseLabels;

    // Built at the first series resolved: only a monitor that scrapes (template prometheus) needs one, and its
    // dictionaries and key buffer were ~0.5 KiB for each of 10,000 website monitors (issue 7, docs/benchmarks.md).
    private ScrapeSeriesCache? _cache;

    /// <param name="baseLabels">The monitor's labels with <c>monitor</c> and <c>app</c>, sorted by name.</param>
    public MonitorSeriesCache((string Name, string Value)[] baseLabels)
    {
        _baseLabels = baseLabels;
    }

    /// <summary>The labels every series of <paramref name="monitor"/> has: its own, then <c>monitor</c> and <c>app</c> (Vigil's win), sorted.</summary>
    public static (string Name, string Value)[] BaseLabels(MonitorDefinition monitor)
    {
        var labels = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in monitor.Labels)
        {
            labels[name] = value;
        }

        labels["monitor"] = monitor.Name;
        labels["app"] = monitor.App;
        return [.. labels.Select(l => (l.Key, l.Value))];
    }

    /// <summary>The current round's number; series seen in it are marked with it.</summary>
    public int Iteration { get; private set; }

    /// <summary>Every series held (their WAL refs are reset when the instance's run changes).</summary>
    public IEnumerable<ScrapedSeries> Series => _cache?.Series ?? [];

    /// <summary>Whether any series was resolved yet (the cache exists).</summary>
    internal bool IsBuilt => _cache is not null;

    public void BeginRound() => Iteration++;

    /// <summary>The stored series of an exposed one; null when it was already seen this round (Prometheus keeps the first).</summary>
    public ScrapedSeries? Resolve(ReadOnlySpan<byte> metricName, ExpositionLabels labels)
    {
        _cache ??= new ScrapeSeriesCache(new ScrapeTargetInfo(NoUrl, _baseLabels, "", "", 0), honorLabels: false, [], default);
        var series = _cache.Resolve(metricName, labels, Iteration, out _).Series;
        if (series is null || series.AppendedIteration == Iteration)
        {
            return null;
        }

        series.AppendedIteration = Iteration;
        return series;
    }

    /// <summary>After a successful round: forgets series unseen for two rounds, so a churning target does not grow us.</summary>
    public void Sweep() => _cache?.Sweep(Iteration);
}
