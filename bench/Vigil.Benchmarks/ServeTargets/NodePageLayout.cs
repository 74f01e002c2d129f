using System.Text;

namespace Vigil.Benchmarks.ServeTargets;

/// <summary>How a series' value moves from one variant (scrape) of a page to the next.</summary>
internal enum SeriesKind
{
    /// <summary>Grows every variant (cycling back after the last one, which a scraper sees as a counter reset).</summary>
    Counter,

    /// <summary>Moves up and down around its base.</summary>
    Gauge,

    /// <summary>The same every scrape (info metrics, success flags, limits).</summary>
    Constant,

    /// <summary>A classic histogram bucket: a fraction of its group's count, so buckets grow with <c>le</c>.</summary>
    Bucket,
}

/// <summary>One line of the page: fixed text (HELP, TYPE), or a series whose value is rendered per target and variant.</summary>
/// <param name="Text">The whole line (header) or the series name and labels followed by a space (series).</param>
/// <param name="Kind">Null for a header line.</param>
/// <param name="Group">Series that share a group share their count (a histogram's buckets, its _count).</param>
/// <param name="Fraction">A bucket's share of the group's count (1 for +Inf and _count).</param>
internal sealed record PageLine(byte[] Text, SeriesKind? Kind, int Group, double Fraction);

/// <summary>
/// The shape of every page serve-targets hands out: a node_exporter-like body with exactly the requested number
/// of series. Families come from node_exporter 1.x and client_golang; a fixed part (Go runtime, process, memory,
/// collector status, a histogram) is followed by per-CPU, per-disk, per-filesystem and per-interface families
/// sized so the page reaches the requested count, and cut there. Targets share the layout; values differ.
/// </summary>
internal sealed partial class NodePageLayout
{
    private readonly List<PageLine> _lines = [];
    private readonly int _limit;
    private byte[]? _pendingHeader;
    private int _groups;

    private NodePageLayout(int series)
    {
        _limit = series;
    }

    public IReadOnlyList<PageLine> Lines => _lines;

    /// <summary>Series on the page (always the requested count).</summary>
    public int SeriesCount { get; private set; }

    public static NodePageLayout Create(int series)
    {
        var layout = new NodePageLayout(series);
        layout.AddFixedFamilies();
        layout.AddScaledFamilies(Math.Max(0, series - layout.SeriesCount));
        return layout;
    }

    private bool Full => SeriesCount >= _limit;

    /// <summary>Starts a family; its HELP and TYPE are written only if one of its series fits.</summary>
    private void Family(string name, string type, string help) =>
        _pendingHeader = Encoding.UTF8.GetBytes($"# HELP {name} {help}\n# TYPE {name} {type}\n");

    private int NewGroup() => _groups++;

    private void Series(string nameAndLabels, SeriesKind kind, int group = -1, double fraction = 1)
    {
        if (Full)
        {
            return;
        }

        if (_pendingHeader is { } header)
        {
            _lines.Add(new PageLine(header, null, 0, 0));
            _pendingHeader = null;
        }

        _lines.Add(new PageLine(Encoding.UTF8.GetBytes(nameAndLabels + " "), kind, group, fraction));
        SeriesCount++;
    }

    private void Histogram(string name, string help, string labelName, string[] labelValues, string[] buckets)
    {
        Family(name, "histogram", help);
        foreach (string value in labelValues)
        {
            int group = NewGroup();
            for (int b = 0; b < buckets.Length; b++)
            {
                Series($"{name}_bucket{{{labelName}=\"{value}\",le=\"{buckets[b]}\"}}", SeriesKind.Bucket, group, (b + 1.0) / buckets.Length);
            }

            Series($"{name}_sum{{{labelName}=\"{value}\"}}", SeriesKind.Counter);
            Series($"{name}_count{{{labelName}=\"{value}\"}}", SeriesKind.Bucket, group);
        }
    }

    /// <summary>One family, one series per label set (<paramref name="labelSets"/> are the text between the braces).</summary>
    private void PerLabelSet(string name, string type, string help, IEnumerable<string> labelSets, SeriesKind kind)
    {
        Family(name, type, help);
        foreach (string labels in labelSets)
        {
            Series($"{name}{{{labels}}}", kind);
        }
    }
}
