using System.Globalization;
using System.Text;
using Vigil.Benchmarks.ServeTargets;
using Vigil.RemoteWrite.Codec;

namespace Vigil.Benchmarks.TsdbLoad;

/// <summary>How a series' value moves from one 15 s scrape to the next (see <see cref="NodeHistory"/>).</summary>
internal enum ValueModel
{
    /// <summary>CPU and I/O seconds: whole hundredths (USER_HZ) per scrape, at a per-series rate.</summary>
    Seconds,

    /// <summary>Byte counters: whole bytes per scrape, many of them idle.</summary>
    Bytes,

    /// <summary>Event counters (packets, interrupts, forks): whole events per scrape.</summary>
    Events,

    /// <summary>Error and drop counters: almost always flat.</summary>
    Rare,

    /// <summary>Durations measured each scrape (collector and GC seconds): a new nanosecond-resolution value every time.</summary>
    Duration,

    /// <summary>Memory and filesystem gauges: whole 4 KiB pages, changing now and then.</summary>
    Pages,

    /// <summary>Load averages: two decimals, a slow random walk.</summary>
    Load,

    /// <summary>Small integer gauges (goroutines, threads, procs running): a slow random walk.</summary>
    Count,

    /// <summary>Info metrics, limits, success flags.</summary>
    Constant,
}

/// <summary>
/// The series of bench/compare/tsdb.sh: <c>series / seriesPerHost</c> node_exporter targets, each with the families
/// of <see cref="NodePageLayout"/> (the page serve-targets hands out, taken from a real node_exporter page), plus
/// <c>instance</c> and <c>job="node"</c> as a scrape would attach them. Values advance like the real collectors':
/// see <see cref="ValueModel"/>. Deterministic: the same arguments give the same samples, because each series'
/// state is advanced only by <see cref="Next"/> in round order and the randomness is a hash of (series, round).
/// </summary>
internal sealed class NodeHistory
{
    private readonly ValueModel[] _models;
    private readonly long[] _rate;
    private readonly long[] _state;

    private NodeHistory(byte[][] labels, ValueModel[] models, long[] rate, long[] state)
    {
        Labels = labels;
        _models = models;
        _rate = rate;
        _state = state;
    }

    /// <summary>Per series, its labels already encoded as remote-write 1.0 <c>TimeSeries.labels</c> fields, sorted by name.</summary>
    public byte[][] Labels { get; }

    public int Count => Labels.Length;

    public ValueModel Model(int i) => _models[i];

    /// <summary>The instance label of host <paramref name="host"/> (what tsdb.sh's 1k-series select matches).</summary>
    public static string Instance(int host) => "host-" + host.ToString("D5", CultureInfo.InvariantCulture) + ":9100";

    public static NodeHistory Create(int series, int seriesPerHost)
    {
        var page = NodePageLayout.Create(seriesPerHost).Lines.Where(static l => l.Kind is not null).ToArray();
        var labels = new byte[series][];
        var models = new ValueModel[series];
        var rate = new long[series];
        var state = new long[series];
        for (int i = 0; i < series; i++)
        {
            PageLine line = page[i % page.Length];
            var pairs = ParseSeries(Encoding.UTF8.GetString(line.Text).TrimEnd());
            pairs.Add(("instance", Instance(i / page.Length)));
            pairs.Add(("job", "node"));
            pairs.Sort(static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            labels[i] = EncodeLabels(pairs);
            models[i] = Classify(pairs[0].Name == "__name__" ? pairs[0].Value : "", line.Kind!.Value);
            (rate[i], state[i]) = Start(models[i], Hash((ulong)i, ulong.MaxValue));
            if (models[i] == ValueModel.Seconds && pairs.Find(static p => p.Name == "mode").Value is { } mode)
            {
                rate[i] = CpuModeRate(pairs[0].Value, mode);
            }
        }

        return new NodeHistory(labels, models, rate, state);
    }

    /// <summary>The value of series <paramref name="i"/> at <paramref name="round"/>; call it once per round, in order.</summary>
    public double Next(int i, int round)
    {
        ulong h = Hash((ulong)i, (ulong)round);
        double u = (h >> 11) * (1.0 / (1UL << 53));
        ref long s = ref _state[i];
        long r = _rate[i];
        switch (_models[i])
        {
            case ValueModel.Seconds:
                s += (long)Math.Round(r * (0.8 + (0.4 * u)));
                return s / 100.0;
            case ValueModel.Bytes:
            case ValueModel.Events:
                s += (long)Math.Round(r * (0.5 + u));
                return s;
            case ValueModel.Rare:
                s += u < 0.01 ? 1 : 0;
                return s;
            case ValueModel.Duration:
                // time.Since(start).Seconds(): whole nanoseconds around the series' typical duration.
                return (long)(r * (0.5 + u)) / 1e9;
            case ValueModel.Pages:
                s += u < 0.3 ? (long)(h % 513) - 256 : 0;
                s = Math.Max(s, 1);
                return s * 4096.0;
            case ValueModel.Load:
                s = Math.Max(0, s + (u < 0.5 ? (long)(h % 11) - 5 : 0));
                return s / 100.0;
            case ValueModel.Count:
                s = Math.Max(1, s + (u < 0.2 ? (long)(h % 5) - 2 : 0));
                return s;
            default:
                return s;
        }
    }

    /// <summary>
    /// Hundredths of a second per 15 s scrape for one CPU of a lightly loaded server: idle takes most of the 1500,
    /// irq, nice and steal stay flat, and so does guest time on a host that runs no VMs.
    /// </summary>
    private static long CpuModeRate(string name, string mode) => name.Contains("guest", StringComparison.Ordinal) ? 0 : mode switch
    {
        "idle" => 1400,
        "user" => 60,
        "system" => 25,
        "iowait" => 8,
        "softirq" => 4,
        _ => 0,
    };

    private static ValueModel Classify(string name, SeriesKind kind) => kind switch
    {
        SeriesKind.Constant => ValueModel.Constant,
        SeriesKind.Bucket => ValueModel.Events,
        SeriesKind.Counter when name.Contains("_seconds", StringComparison.Ordinal) => ValueModel.Seconds,
        SeriesKind.Counter when name.Contains("bytes", StringComparison.Ordinal) => ValueModel.Bytes,
        SeriesKind.Counter when name.Contains("errs", StringComparison.Ordinal) || name.Contains("drop", StringComparison.Ordinal) => ValueModel.Rare,
        SeriesKind.Counter => ValueModel.Events,
        _ when name.EndsWith("_seconds", StringComparison.Ordinal) && !name.Contains("time", StringComparison.Ordinal) => ValueModel.Duration,
        _ when name.Contains("bytes", StringComparison.Ordinal) || name.Contains("files", StringComparison.Ordinal) => ValueModel.Pages,
        _ when name.StartsWith("node_load", StringComparison.Ordinal) => ValueModel.Load,
        _ => ValueModel.Count,
    };

    /// <summary>Per-series rate (units per scrape) and starting state, drawn from <paramref name="h"/>.</summary>
    private static (long Rate, long State) Start(ValueModel model, ulong h)
    {
        double u = (h >> 11) * (1.0 / (1UL << 53));
        long big = (long)(h % 1_000_000_000_000UL);
        return model switch
        {
            // A mode of one CPU: 0 to 15 s per 15 s (idle near the top, steal and guest near 0).
            ValueModel.Seconds => ((long)(1500 * u * u), big / 10_000),
            // Log-uniform 1 B to 10 MB per scrape; a third of the devices idle.
            ValueModel.Bytes => (u < 0.33 ? 0 : (long)Math.Pow(10, 7 * u), big),
            ValueModel.Events => (u < 0.33 ? 0 : (long)Math.Pow(10, 4 * u), big / 1000),
            ValueModel.Duration => ((long)Math.Pow(10, 4 + (3 * u)), 0),
            ValueModel.Pages => (0, 1 + (big % 4_000_000)),
            ValueModel.Load => (0, (long)(h % 400)),
            ValueModel.Count => (0, 1 + (long)(h % 200)),
            ValueModel.Constant => (0, (long)(h % 2)),
            _ => (0, big % 1000),
        };
    }

    /// <summary>SplitMix64 over the pair: cheap, and well mixed enough for a benchmark's randomness.</summary>
    private static ulong Hash(ulong a, ulong b)
    {
        ulong z = (a * 0x9E3779B97F4A7C15UL) ^ (b + 0xD1B54A32D192ED03UL);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        return z ^ (z >> 31);
    }

    /// <summary><c>name{a="b",c="d"}</c> as a page line writes it (values hold no quotes or backslashes).</summary>
    private static List<(string Name, string Value)> ParseSeries(string text)
    {
        int brace = text.IndexOf('{', StringComparison.Ordinal);
        var pairs = new List<(string, string)> { ("__name__", brace < 0 ? text : text[..brace]) };
        int pos = brace + 1;
        while (brace >= 0 && pos < text.Length && text[pos] != '}')
        {
            int eq = text.IndexOf('=', pos);
            int end = text.IndexOf('"', eq + 2);
            pairs.Add((text[pos..eq], text[(eq + 2)..end]));
            pos = text[end + 1] == ',' ? end + 2 : end + 1;
        }

        return pairs;
    }

    private static byte[] EncodeLabels(List<(string Name, string Value)> pairs)
    {
        int size = pairs.Sum(static p => ProtoWriter.LengthDelimitedSize(1, LabelSize(p.Name, p.Value)));
        var bytes = new byte[size];
        var w = new ProtoWriter(bytes);
        foreach ((string name, string value) in pairs)
        {
            // TimeSeries.labels = 1; Label{ name = 1; value = 2 } (prompb/types.proto).
            w.BeginLengthDelimited(1, LabelSize(name, value));
            w.WriteString(1, name);
            w.WriteString(2, value);
        }

        return bytes;
    }

    private static int LabelSize(string name, string value)
        => ProtoWriter.StringFieldSize(1, name) + ProtoWriter.StringFieldSize(2, value);
}
