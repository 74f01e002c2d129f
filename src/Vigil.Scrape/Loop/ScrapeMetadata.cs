using System.Text;
using Vigil.Scrape.Parsing;

namespace Vigil.Scrape.Loop;

/// <summary>One metric family's metadata as a target exposed it (Prometheus's <c>scrape.MetricMetadata</c>).</summary>
/// <param name="Metric">The family name of the <c># TYPE</c>/<c># HELP</c>/<c># UNIT</c> line.</param>
/// <param name="Type">Prometheus's type text: <c>counter</c>, <c>gauge</c>, ..., <c>unknown</c> (also for <c>untyped</c>).</param>
internal readonly record struct MetricMetadata(string Metric, string Type, string Help, string Unit);

/// <summary>
/// The metric metadata one target's scrapes saw, for <c>/api/v1/metadata</c> (issue 6), kept as Prometheus's
/// scrapeCache keeps it: per family, updated by each HELP, TYPE and UNIT line, and forgotten once a family has been
/// missing from 10 successful scrapes. Owned by its <see cref="ScrapeLoop"/> (and handed to the loop that takes over
/// on reload), so it lives and dies with the target. Bounded to <see cref="MaxFamilies"/> families. Written by the
/// loop, read by the API from any thread.
/// </summary>
internal sealed class ScrapeMetadata
{
    /// <summary>Families kept per target; more are not recorded (no target exposes that many families).</summary>
    public const int MaxFamilies = 50_000;

    /// <summary>Successful scrapes a family may be missing before it is forgotten (Prometheus's scrapeCache.iterDone).</summary>
    private const int KeepIterations = 10;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>
    /// Records a HELP, TYPE or UNIT entry seen in scrape <paramref name="iteration"/>; other entries are ignored.
    /// Allocates only when a family is new or its text changed.
    /// </summary>
    public void Record(in ExpositionEntry entry, int iteration)
    {
        if (entry.Kind is not (ExpositionEntryKind.Help or ExpositionEntryKind.Type or ExpositionEntryKind.Unit))
        {
            return;
        }

        Span<char> name = stackalloc char[Math.Min(entry.MetricName.Length, 512)];
        if (entry.MetricName.Length > name.Length || !Encoding.UTF8.TryGetChars(entry.MetricName, name, out int length))
        {
            return; // a 512-byte family name is not one anybody queries metadata for
        }

        lock (_gate)
        {
            var lookup = _entries.GetAlternateLookup<ReadOnlySpan<char>>();
            if (!lookup.TryGetValue(name[..length], out Entry? family))
            {
                if (_entries.Count >= MaxFamilies)
                {
                    return;
                }

                family = new Entry();
                _entries.Add(name[..length].ToString(), family);
            }

            family.LastIteration = iteration;
            switch (entry.Kind)
            {
                case ExpositionEntryKind.Type:
                    family.Type = entry.Type;
                    break;
                case ExpositionEntryKind.Help:
                    family.Help.Set(entry.Text);
                    break;
                default:
                    family.Unit.Set(entry.Text);
                    break;
            }
        }
    }

    /// <summary>After a successful scrape: forgets families not seen in the last <c>10</c> scrapes.</summary>
    public void Sweep(int iteration)
    {
        lock (_gate)
        {
            foreach (var (name, family) in _entries)
            {
                if (iteration - family.LastIteration > KeepIterations)
                {
                    _entries.Remove(name);
                }
            }
        }
    }

    /// <summary>Every family's metadata (Prometheus's <c>Target.MetadataList</c>), in no particular order.</summary>
    public void CopyTo(List<MetricMetadata> into)
    {
        ArgumentNullException.ThrowIfNull(into);
        lock (_gate)
        {
            foreach (var (name, family) in _entries)
            {
                into.Add(family.ToMetadata(name));
            }
        }
    }

    /// <summary>One family's metadata (Prometheus's <c>Target.Metadata</c>).</summary>
    public bool TryGet(string metric, out MetricMetadata metadata)
    {
        lock (_gate)
        {
            bool found = _entries.TryGetValue(metric, out Entry? family);
            metadata = found ? family!.ToMetadata(metric) : default;
            return found;
        }
    }

    /// <summary>Prometheus's <c>textparse.MetricType</c> text (<c>untyped</c> is <c>unknown</c> there too).</summary>
    internal static string TypeText(MetricType type) => type switch
    {
        MetricType.Counter => "counter",
        MetricType.Gauge => "gauge",
        MetricType.Summary => "summary",
        MetricType.Histogram => "histogram",
        MetricType.GaugeHistogram => "gaugehistogram",
        MetricType.StateSet => "stateset",
        MetricType.Info => "info",
        _ => "unknown",
    };

    private sealed class Entry
    {
        public MetricType Type { get; set; }

        public Utf8Text Help { get; } = new();

        public Utf8Text Unit { get; } = new();

        public int LastIteration { get; set; }

        public MetricMetadata ToMetadata(string name) => new(name, TypeText(Type), Help.Text, Unit.Text);
    }

    /// <summary>A text kept with its UTF-8 bytes, so an unchanged line costs a comparison, not a string.</summary>
    private sealed class Utf8Text
    {
        private byte[] _bytes = [];

        public string Text { get; private set; } = "";

        public void Set(ReadOnlySpan<byte> bytes)
        {
            if (!bytes.SequenceEqual(_bytes))
            {
                _bytes = bytes.ToArray();
                Text = Encoding.UTF8.GetString(bytes);
            }
        }
    }
}
