using System.Runtime.InteropServices;
using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tools;

/// <summary>
/// <c>vigil tsdb analyze</c>: the cardinality report over every block of a TSDB directory (promtool's
/// <c>tsdb analyze</c> reports on one block). Reads each block's series entries once; keeps one entry per distinct
/// label set and per distinct label pair, so memory grows with the series, never with the samples.
/// </summary>
internal static class TsdbAnalyzer
{
    public const int DefaultLimit = 20;

    /// <summary>Analyses the blocks of <paramref name="blocks"/>; the top lists keep <paramref name="limit"/> entries each.</summary>
    public static TsdbAnalysis Analyze(BlockDirectory blocks, int limit = DefaultLimit)
    {
        ArgumentNullException.ThrowIfNull(blocks);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(limit);
        var list = blocks.Blocks;

        // The block reaching furthest in time stands for "now": series older blocks have and it lacks have churned.
        var newest = list.Count == 0 ? null : list.MaxBy(static b => (b.Meta.MaxTime, b.Meta.MinTime, b.Ulid));
        var inNewest = new Dictionary<Labels, bool>();
        long minTime = long.MaxValue, maxTime = long.MinValue;
        var entry = new SeriesEntry();
        foreach (var block in list)
        {
            var index = block.Index;
            foreach (ulong seriesRef in index.PostingsForMatchers([]))
            {
                index.ReadSeries(seriesRef, entry);
                foreach (var chunk in entry.Chunks)
                {
                    (minTime, maxTime) = (Math.Min(minTime, chunk.MinTime), Math.Max(maxTime, chunk.MaxTime));
                }

                ref bool seen = ref CollectionsMarshal.GetValueRefOrAddDefault(inNewest, index.LabelsOf(entry), out _);
                seen |= block == newest;
            }
        }

        var pairs = new Dictionary<(string Name, string Value), (long Series, long Churned)>();
        foreach (var (labels, current) in inNewest)
        {
            foreach (var label in labels)
            {
                ref var counts = ref CollectionsMarshal.GetValueRefOrAddDefault(pairs, (label.Name, label.Value), out _);
                counts = (counts.Series + 1, counts.Churned + (current ? 0 : 1));
            }
        }

        var valuesPerName = pairs.Keys.GroupBy(static p => p.Name, StringComparer.Ordinal).Select(static g => new TopEntry(g.Key, null, g.LongCount()));
        return new TsdbAnalysis
        {
            Blocks = [.. list.Select(static b => new BlockSummary(b.Meta, b.Index.Size, b.Chunks.Size))],
            Skipped = blocks.Skipped,
            Series = inNewest.Count,
            ChurnedSeries = inNewest.Values.LongCount(static current => !current),
            MinTime = minTime == long.MaxValue ? 0 : minTime,
            MaxTime = maxTime == long.MinValue ? 0 : maxTime,
            LabelNames = pairs.Keys.Select(static p => p.Name).Distinct(StringComparer.Ordinal).Count(),
            LabelPairs = pairs.Count,
            TopMetricNames = Top(pairs.Where(static p => p.Key.Name == "__name__").Select(static p => new TopEntry(p.Key.Value, null, p.Value.Series)), limit),
            TopLabelNames = Top(valuesPerName, limit),
            TopLabelPairs = Top(pairs.Select(static p => new TopEntry(p.Key.Name, p.Key.Value, p.Value.Series)), limit),
            ChurnLabelPairs = Top(pairs.Where(static p => p.Value.Churned > 0).Select(static p => new TopEntry(p.Key.Name, p.Key.Value, p.Value.Churned)), limit),
        };
    }

    /// <summary>The <paramref name="limit"/> largest counts; ties by name, then value, so the report is stable.</summary>
    private static List<TopEntry> Top(IEnumerable<TopEntry> entries, int limit) =>
        [.. entries
            .OrderByDescending(static e => e.Count)
            .ThenBy(static e => e.Name, StringComparer.Ordinal)
            .ThenBy(static e => e.Value, StringComparer.Ordinal)
            .Take(limit)];
}
