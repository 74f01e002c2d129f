using System.Globalization;
using System.Text;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;

namespace Vigil.IntegrationTests.Scrape;

/// <summary>
/// The series that one scrape of one target stored, and their values: from Vigil's WAL (through
/// <c>vigil wal inspect --series</c>) or from Prometheus's TSDB (through its query API). Series are keyed by their
/// label set written as <c>{a="1", b="2"}</c>, names in ordinal order, so the two sides compare as strings.
/// </summary>
internal sealed class ScrapeSnapshot
{
    private readonly Dictionary<string, string> _names = new(StringComparer.Ordinal);
    private readonly Dictionary<string, double> _values = new(StringComparer.Ordinal);

    private ScrapeSnapshot(long timestampMs)
    {
        TimestampMs = timestampMs;
    }

    /// <summary>The scrape's timestamp: when it started, which every sample of the scrape carries.</summary>
    public long TimestampMs { get; }

    /// <summary>Label set key → the value scraped.</summary>
    public IReadOnlyDictionary<string, double> Values => _values;

    public IEnumerable<string> Keys => _values.Keys;

    /// <summary>The metric name (<c>__name__</c>) of a key.</summary>
    public string NameOf(string key) => _names[key];

    /// <summary>
    /// Vigil's last scrape of the target: the series whose newest non-stale sample is at the newest non-stale
    /// timestamp of the target's <c>up</c>. (Stopping Vigil marks everything stale, so the stale markers after that
    /// scrape are ignored.) Series that vanished in an earlier scrape have an older sample and are left out.
    /// </summary>
    public static ScrapeSnapshot FromWalInspection(JsonElement inspection, string job, string instance)
    {
        var ofTarget = inspection.GetProperty("series_list").EnumerateArray()
            .Where(s => s.GetProperty("labels").ValueKind == JsonValueKind.Object)
            .Select(s => (Labels: Labels(s.GetProperty("labels")), Entry: s))
            .Where(s => s.Labels.Contains(("job", job)) && s.Labels.Contains(("instance", instance)))
            .ToList();
        var up = ofTarget.Where(s => s.Labels.Contains(("__name__", "up"))).Select(s => s.Entry).ToList();
        Assert.True(up.Count == 1 && up[0].GetProperty("last_live_timestamp").ValueKind == JsonValueKind.Number, $"Vigil's WAL has no scrape of {job} {instance}");
        var last = up[0].GetProperty("last_live_timestamp").GetInt64();
        var snapshot = new ScrapeSnapshot(last);
        foreach (var (labels, entry) in ofTarget)
        {
            if (entry.GetProperty("last_live_timestamp") is { ValueKind: JsonValueKind.Number } live && live.GetInt64() == last)
            {
                snapshot.Add(labels, ParseValue(entry.GetProperty("last_live_value").GetString()!));
            }
        }

        return snapshot;
    }

    /// <summary>
    /// What Prometheus stored for its scrape of the target at exactly <paramref name="timestampMs"/>: a range
    /// selector ending there (in 2.42 both ends are inclusive, and stale markers are left out) and only the samples
    /// carrying that timestamp.
    /// </summary>
    public static async Task<ScrapeSnapshot> FromPrometheusAsync(Uri prometheus, string job, string instance, long timestampMs)
    {
        var json = await PrometheusApi.QueryAtAsync(prometheus, $"{{job=\"{job}\",instance=\"{instance}\"}}[1s]", timestampMs, TimeSpan.FromSeconds(30));
        var snapshot = new ScrapeSnapshot(timestampMs);
        foreach (var (labels, samples) in Matrix(json))
        {
            foreach (var (ts, value) in samples)
            {
                if (ts == timestampMs)
                {
                    snapshot.Add(labels, value);
                }
            }
        }

        return snapshot;
    }

    /// <summary>Timestamps of Prometheus's successful scrapes of the target (<c>up</c> 1) in the <paramref name="range"/> before <paramref name="atMs"/>.</summary>
    public static async Task<List<long>> PrometheusScrapeTimesAsync(Uri prometheus, string job, string instance, long atMs, string range)
    {
        var json = await PrometheusApi.QueryAtAsync(prometheus, $"up{{job=\"{job}\",instance=\"{instance}\"}}[{range}]", atMs, TimeSpan.FromSeconds(30));
        return [.. Matrix(json).SelectMany(s => s.Samples).Where(s => s.Value == 1).Select(s => s.TimestampMs).Order()];
    }

    /// <summary><c>{a="1", b="2"}</c>, names in ordinal order, values escaped as in the text format.</summary>
    public static string Key(IEnumerable<(string Name, string Value)> labels)
    {
        var text = new StringBuilder("{");
        var first = true;
        foreach (var (name, value) in labels.OrderBy(l => l.Name, StringComparer.Ordinal))
        {
            text.Append(first ? "" : ", ").Append(name).Append("=\"")
                .Append(value.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal))
                .Append('"');
            first = false;
        }

        return text.Append('}').ToString();
    }

    private void Add(List<(string Name, string Value)> labels, double value)
    {
        var key = Key(labels);
        _values.Add(key, value);
        _names.Add(key, labels.SingleOrDefault(l => l.Name == "__name__").Value ?? "");
    }

    private static List<(string Name, string Value)> Labels(JsonElement labels) =>
        [.. labels.EnumerateObject().Select(p => (p.Name, p.Value.GetString()!))];

    private static List<(List<(string Name, string Value)> Labels, List<(long TimestampMs, double Value)> Samples)> Matrix(string json)
    {
        using var document = JsonDocument.Parse(json);
        var data = document.RootElement.GetProperty("data");
        Assert.Equal("matrix", data.GetProperty("resultType").GetString());
        return [.. data.GetProperty("result").EnumerateArray().Select(series => (
            Labels(series.GetProperty("metric")),
            series.GetProperty("values").EnumerateArray()
                .Select(v => ((long)Math.Round(v[0].GetDouble() * 1000), ParseValue(v[1].GetString()!)))
                .ToList()))];
    }

    // Both sides write "NaN", "+Inf" and "-Inf"; anything else parses as an invariant double.
    private static double ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, NumberStyles.Float, CultureInfo.InvariantCulture),
    };
}
