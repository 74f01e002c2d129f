using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// A querier over one block (Prometheus's <c>blockQuerier</c>). Holds a lease on the block until disposed, so its
/// series sets may read the mappings until then.
/// </summary>
internal sealed class BlockQuerier : IQuerier
{
    private readonly Block _block;
    private bool _disposed;

    /// <summary>The caller has taken a lease on <paramref name="block"/>; the querier releases it.</summary>
    public BlockQuerier(Block block) => _block = block;

    /// <remarks>
    /// Hints are ignored. No matchers select every series, as in the head querier. A block whose range misses
    /// [<paramref name="mint"/>, <paramref name="maxt"/>] answers nothing without reading its index.
    /// </remarks>
    public ISeriesSet Select(long mint, long maxt, SelectHints? hints, params ReadOnlySpan<LabelMatcher> matchers)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (mint > maxt || !_block.Meta.Overlaps(mint, maxt))
        {
            return new BlockSeriesSet(_block, [], mint, maxt);
        }

        return new BlockSeriesSet(_block, _block.Index.PostingsForMatchers(matchers), mint, maxt);
    }

    public IReadOnlyList<string> LabelNames(params ReadOnlySpan<LabelMatcher> matchers)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (matchers.IsEmpty)
        {
            return _block.Index.LabelNames();
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        ForEachLabel(matchers, (name, _) => names.Add(name));
        return Sorted(names);
    }

    public IReadOnlyList<string> LabelValues(string name, params ReadOnlySpan<LabelMatcher> matchers)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (matchers.IsEmpty)
        {
            return _block.Index.LabelValues(name);
        }

        var values = new HashSet<string>(StringComparer.Ordinal);
        ForEachLabel(matchers, (n, value) =>
        {
            if (string.Equals(n, name, StringComparison.Ordinal))
            {
                values.Add(value);
            }
        });
        return Sorted(values);
    }

    public void Dispose()
    {
        if (!_disposed)
        {
            _disposed = true;
            _block.Release();
        }
    }

    /// <summary>Every label of every series the matchers select, decoded from the series entries.</summary>
    private void ForEachLabel(ReadOnlySpan<LabelMatcher> matchers, Action<string, string> visit)
    {
        var index = _block.Index;
        var entry = new SeriesEntry();
        foreach (ulong seriesRef in index.PostingsForMatchers(matchers))
        {
            index.ReadSeries(seriesRef, entry);
            foreach (var label in index.LabelsOf(entry))
            {
                visit(label.Name, label.Value);
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
