using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text;
using Vigil.Common.Config;
using Vigil.Common.Relabel;
using Vigil.Scrape.Parsing;

namespace Vigil.Scrape.Loop;

/// <summary>
/// Maps a scraped series, as the exposition spelled it, to what it becomes after target labels and
/// metric_relabel_configs, so that work runs once per distinct series rather than once per scrape (Prometheus's
/// scrapeCache keyed by the raw series text). Lookups of known series allocate nothing. Equal output label sets
/// share one <see cref="ScrapedSeries"/>. One per scrape loop; not thread-safe.
/// </summary>
internal sealed class ScrapeSeriesCache
{
    private const byte LabelSeparator = 0xff;
    private const byte ValueSeparator = 0xfe;

    private readonly Dictionary<byte[], Entry> _byRaw = new(RawKeyComparer.Instance);
    private readonly Dictionary<byte[], Entry>.AlternateLookup<ReadOnlySpan<byte>> _byRawSpan;
    // A set of the series themselves, compared by labels: no separate key per series (issue 4's memory target).
    private readonly HashSet<ScrapedSeries> _byLabels = new(SeriesLabelsComparer.Instance);
    private readonly (string Name, string Value)[] _targetLabels;
    private readonly bool _honorLabels;
    private readonly IReadOnlyList<RelabelConfig> _metricRelabel;
    private readonly ScrapeLabelLimits _limits;
    private readonly RelabelLabels _builder = new();
    private readonly List<(string Name, string Value)> _scraped = [];
    private byte[] _key = new byte[256];

    public ScrapeSeriesCache(ScrapeTargetInfo target, bool honorLabels, IReadOnlyList<RelabelConfig> metricRelabel, ScrapeLabelLimits limits)
    {
        ArgumentNullException.ThrowIfNull(target);
        _targetLabels = target.Labels;
        _honorLabels = honorLabels;
        _metricRelabel = metricRelabel;
        _limits = limits;
        _byRawSpan = _byRaw.GetAlternateLookup<ReadOnlySpan<byte>>();
    }

    /// <summary>Distinct raw series remembered (tests and diagnostics).</summary>
    public int Count => _byRaw.Count;

    /// <summary>Every output series held (a monitor resets their WAL refs when its instance's run changes).</summary>
    public IEnumerable<ScrapedSeries> Series => _byLabels;

    /// <summary>
    /// The entry of the sample's series; <paramref name="added"/> is true when its output label set was new to
    /// this cache (Prometheus's scrape_series_added counts those).
    /// </summary>
    public Entry Resolve(ReadOnlySpan<byte> metricName, ExpositionLabels labels, int iteration, out bool added)
    {
        ReadOnlySpan<byte> key = BuildKey(metricName, labels);
        ref Entry known = ref CollectionsMarshal.GetValueRefOrNullRef(_byRawSpan, key);
        if (!Unsafe.IsNullRef(ref known))
        {
            added = false;
            known.LastSeen = iteration;
            return known;
        }

        Entry entry = Create(metricName, labels, out added) with { LastSeen = iteration };
        _byRaw.Add(key.ToArray(), entry);
        return entry;
    }

    /// <summary>Forgets series not seen for two scrapes, so a target that churns series does not grow us forever.</summary>
    public void Sweep(int iteration)
    {
        foreach ((byte[] key, Entry entry) in _byRaw)
        {
            if (iteration - entry.LastSeen > 1)
            {
                _byRaw.Remove(key);
                if (entry.Series is { } series && series.TrackedIteration < iteration - 1 && series.AppendedIteration < iteration - 1)
                {
                    _byLabels.Remove(series);
                }
            }
        }
    }

    private ReadOnlySpan<byte> BuildKey(ReadOnlySpan<byte> metricName, ExpositionLabels labels)
    {
        int length = metricName.Length;
        foreach (ExpositionLabel label in labels)
        {
            length += 2 + label.Name.Length + label.Value.Length;
        }

        if (_key.Length < length)
        {
            _key = new byte[Math.Max(length, _key.Length * 2)];
        }

        Span<byte> key = _key;
        metricName.CopyTo(key);
        int at = metricName.Length;
        foreach (ExpositionLabel label in labels)
        {
            key[at++] = LabelSeparator;
            label.Name.CopyTo(key[at..]);
            at += label.Name.Length;
            key[at++] = ValueSeparator;
            label.Value.CopyTo(key[at..]);
            at += label.Value.Length;
        }

        return key[..at];
    }

    private Entry Create(ReadOnlySpan<byte> metricName, ExpositionLabels labels, out bool added)
    {
        added = false;
        _scraped.Clear();
        _scraped.Add(("__name__", LabelInterner.Intern(metricName)));
        foreach (ExpositionLabel label in labels)
        {
            _scraped.Add((LabelInterner.Intern(label.Name), LabelInterner.Intern(label.Value)));
        }

        _builder.Reset(CollectionsMarshal.AsSpan(_scraped));
        MergeTargetLabels();
        if (!Relabeler.Process(_builder, _metricRelabel))
        {
            return new Entry(null, null, 0);
        }

        (string Name, string Value)[] sorted = _builder.ToSortedArray();
        string? limitError = _limits.Check(sorted);
        var created = new ScrapedSeries(sorted);
        if (!_byLabels.TryGetValue(created, out ScrapedSeries? series))
        {
            series = created;
            _byLabels.Add(series);
            added = true;
        }

        return new Entry(series, limitError, 0);
    }

    // Prometheus's mutateSampleLabels: with honor_labels the scraped value wins; without, a clashing scraped label
    // is kept as exported_<name> (exported_exported_<name> if that is taken too) and the target's value wins.
    private void MergeTargetLabels()
    {
        foreach ((string name, string value) in _targetLabels)
        {
            string existing = _builder.Get(name);
            if (_honorLabels)
            {
                if (existing.Length == 0)
                {
                    _builder.Set(name, value);
                }

                continue;
            }

            if (existing.Length > 0)
            {
                string exported = "exported_" + name;
                while (_builder.Get(exported).Length > 0)
                {
                    exported = "exported_" + exported;
                }

                _builder.Set(exported, existing);
            }

            _builder.Set(name, value);
        }
    }

    /// <summary>What a raw series became: the series to append, or null when metric_relabel_configs dropped it.</summary>
    /// <param name="Series">The interned output series, or null when dropped.</param>
    /// <param name="LimitError">Why the series breaks label_limit (or a length limit), failing every scrape that has it.</param>
    /// <param name="LastSeen">The scrape iteration that last had this raw series.</param>
    /// <remarks>A struct stored in the dictionary itself: one object less per series (issue 4's memory target).</remarks>
    internal record struct Entry(ScrapedSeries? Series, string? LimitError, int LastSeen);

    /// <summary>Series compared by their output labels: one <see cref="ScrapedSeries"/> per set, with no key string.</summary>
    private sealed class SeriesLabelsComparer : IEqualityComparer<ScrapedSeries>
    {
        public static SeriesLabelsComparer Instance { get; } = new();

        public bool Equals(ScrapedSeries? x, ScrapedSeries? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null && x.LabelArray.AsSpan().SequenceEqual(y.LabelArray));

        public int GetHashCode(ScrapedSeries obj)
        {
            var hash = new HashCode();
            foreach ((string name, string value) in obj.LabelArray)
            {
                hash.Add(name, StringComparer.Ordinal);
                hash.Add(value, StringComparer.Ordinal);
            }

            return hash.ToHashCode();
        }
    }

    private sealed class RawKeyComparer : IEqualityComparer<byte[]>, IAlternateEqualityComparer<ReadOnlySpan<byte>, byte[]>
    {
        public static RawKeyComparer Instance { get; } = new();

        public bool Equals(byte[]? x, byte[]? y) => x.AsSpan().SequenceEqual(y);

        public int GetHashCode(byte[] obj) => GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<byte> alternate, byte[] other) => alternate.SequenceEqual(other);

        public int GetHashCode(ReadOnlySpan<byte> alternate)
        {
            var hash = new HashCode();
            hash.AddBytes(alternate);
            return hash.ToHashCode();
        }

        public byte[] Create(ReadOnlySpan<byte> alternate) => alternate.ToArray();
    }
}
