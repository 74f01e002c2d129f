using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Querying;

/// <summary>
/// One querier over several (Prometheus's <c>storage.NewMergeQuerier</c>): the blocks and the head, which may hold
/// the same series and, around a block cut or a compaction, the same samples. Owns the queriers and disposes them.
/// </summary>
/// <remarks>
/// Series with equal labels are merged into one (<see cref="MergeSeriesSet"/>); their samples are merged in time
/// order, and of samples with the same timestamp one is kept: the one from the querier that comes first in the
/// list, so callers list them by precedence. Prometheus's chaining merge also keeps one sample per timestamp.
/// Label names and values are the sorted unions of the queriers' answers.
/// </remarks>
internal sealed class MergeQuerier : IQuerier
{
    private readonly IQuerier[] _queriers;
    private bool _disposed;

    public MergeQuerier(IEnumerable<IQuerier> queriers)
    {
        ArgumentNullException.ThrowIfNull(queriers);
        _queriers = [.. queriers];
    }

    public ISeriesSet Select(long mint, long maxt, SelectHints? hints, params ReadOnlySpan<LabelMatcher> matchers)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_queriers.Length == 1)
        {
            return _queriers[0].Select(mint, maxt, hints, matchers);
        }

        var sets = new ISeriesSet[_queriers.Length];
        try
        {
            for (int i = 0; i < sets.Length; i++)
            {
                sets[i] = _queriers[i].Select(mint, maxt, hints, matchers);
            }
        }
        catch
        {
            foreach (var set in sets)
            {
                set?.Dispose();
            }

            throw;
        }

        return new MergeSeriesSet(sets);
    }

    public IReadOnlyList<string> LabelNames(params ReadOnlySpan<LabelMatcher> matchers)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var union = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var querier in _queriers)
        {
            union.UnionWith(querier.LabelNames(matchers));
        }

        return [.. union];
    }

    public IReadOnlyList<string> LabelValues(string name, params ReadOnlySpan<LabelMatcher> matchers)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var union = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var querier in _queriers)
        {
            union.UnionWith(querier.LabelValues(name, matchers));
        }

        return [.. union];
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        foreach (var querier in _queriers)
        {
            querier.Dispose();
        }
    }
}
