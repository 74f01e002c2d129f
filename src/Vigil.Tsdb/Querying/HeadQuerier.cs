using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Querying;

/// <summary>
/// A querier over the head (Prometheus's head querier: a block querier over the head's index and chunks). Holds
/// nothing: each <see cref="Select"/> owns what it reads until its series set is disposed.
/// </summary>
internal sealed class HeadQuerier : IQuerier
{
    private readonly Head _head;
    private readonly IDisposable? _chunkLease;
    private bool _disposed;

    public HeadQuerier(Head head) => (_head, _chunkLease) = (head, head.AcquireChunkLease());

    /// <remarks>
    /// Hints are ignored: the head has everything in memory, so reading less buys little. No matchers select every
    /// series (PromQL never sends none; Prometheus's index would answer nothing).
    /// </remarks>
    public ISeriesSet Select(long mint, long maxt, SelectHints? hints, params ReadOnlySpan<LabelMatcher> matchers)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return mint > maxt ? new HeadSeriesSet([], mint, maxt, _head.Chunks) : new HeadSeriesSet(_head.SelectSeries(matchers), mint, maxt, _head.Chunks);
    }

    public IReadOnlyList<string> LabelNames(params ReadOnlySpan<LabelMatcher> matchers)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _head.LabelNames(matchers);
    }

    public IReadOnlyList<string> LabelValues(string name, params ReadOnlySpan<LabelMatcher> matchers)
    {
        ArgumentNullException.ThrowIfNull(name);
        ObjectDisposedException.ThrowIf(_disposed, this);
        return _head.LabelValues(name, matchers);
    }

    public void Dispose()
    {
        _disposed = true;
        _chunkLease?.Dispose();
    }
}
