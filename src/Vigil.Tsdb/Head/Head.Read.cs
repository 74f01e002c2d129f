using Vigil.Tsdb.Index;
using Vigil.Tsdb.Querying;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb;

/// <summary>Selection for queriers (Prometheus's <c>head_read.go</c>).</summary>
internal sealed partial class Head
{
    public IQuerier Querier() => new HeadQuerier(this);

    /// <summary>The head's querier when it holds samples in [<paramref name="mint"/>, <paramref name="maxt"/>], else one that finds nothing (an empty head never overlaps).</summary>
    public IQuerier Querier(long mint, long maxt) =>
        MinTime <= maxt && MaxTime >= mint ? new HeadQuerier(this) : new MergeQuerier([]);

    /// <summary>
    /// The live series matching every matcher (all series for none), sorted by <see cref="Labels.Compare"/> as the
    /// contract wants: postings are in ref order, which is creation order.
    /// </summary>
    internal MemSeries[] SelectSeries(ReadOnlySpan<LabelMatcher> matchers)
    {
        ulong[] refs = _postings.PostingsForMatchers(matchers);
        var selected = new MemSeries[refs.Length];
        int n = 0;
        foreach (ulong r in refs)
        {
            // A series forgotten since the postings were read is simply skipped.
            if (_series.GetByRef(r) is { Deleted: false } series)
            {
                selected[n++] = series;
            }
        }

        if (n < selected.Length)
        {
            Array.Resize(ref selected, n);
        }

        Array.Sort(selected, static (a, b) => InternedLabels.Compare(a.Labels, b.Labels));
        return selected;
    }

    /// <summary>Label names, sorted, of the series matching <paramref name="matchers"/> (all series for none).</summary>
    internal List<string> LabelNames(ReadOnlySpan<LabelMatcher> matchers)
    {
        if (matchers.IsEmpty)
        {
            return _postings.LabelNames();
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var series in SeriesOf(_postings.PostingsForMatchers(matchers)))
        {
            foreach (var pair in series.Labels.Pairs)
            {
                names.Add(pair.Name);
            }
        }

        return Sorted(names);
    }

    /// <summary>Values, sorted, of <paramref name="name"/> on the series matching <paramref name="matchers"/> (all series for none).</summary>
    internal List<string> LabelValues(string name, ReadOnlySpan<LabelMatcher> matchers)
    {
        if (matchers.IsEmpty)
        {
            return _postings.LabelValues(name);
        }

        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (var series in SeriesOf(_postings.PostingsForMatchers(matchers)))
        {
            string value = series.Labels.Get(name);
            if (value.Length > 0)
            {
                values.Add(value);
            }
        }

        return Sorted(values);
    }

    private IEnumerable<MemSeries> SeriesOf(ulong[] refs)
    {
        foreach (ulong r in refs)
        {
            if (_series.GetByRef(r) is { Deleted: false } series)
            {
                yield return series;
            }
        }
    }

    private static List<string> Sorted(HashSet<string> set)
    {
        var list = new List<string>(set);
        list.Sort(StringComparer.Ordinal);
        return list;
    }
}
