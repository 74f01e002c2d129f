using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Querying;

/// <summary>
/// Merges sorted series sets into one sorted set (Prometheus's <c>mergeGenericSeriesSet</c>). Each step takes the
/// smallest label set among the sets' current series; a series only one set has is passed through as it is, and
/// series that several sets share become one <see cref="MergeSeries"/>. A linear scan finds the smallest: the
/// sets are a handful of blocks and the head, where a heap would cost more than it saves.
/// </summary>
internal sealed class MergeSeriesSet : ISeriesSet
{
    private readonly ISeriesSet[] _sets;
    private readonly bool[] _valid;
    private readonly bool[] _taken;
    private readonly List<string> _warnings = [];
    private bool _started;
    private ISeries? _current;
    private bool _disposed;

    public MergeSeriesSet(ISeriesSet[] sets)
    {
        _sets = sets;
        _valid = new bool[sets.Length];
        _taken = new bool[sets.Length];
    }

    public ISeries Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true");

    public IReadOnlyList<string> Warnings => _warnings;

    public bool MoveNext()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        for (int i = 0; i < _sets.Length; i++)
        {
            if (!_started || _taken[i])
            {
                _valid[i] = _sets[i].MoveNext();
                if (!_valid[i])
                {
                    _warnings.AddRange(_sets[i].Warnings);
                }
            }
        }

        _started = true;
        Labels? smallest = null;
        int first = -1, count = 0;
        for (int i = 0; i < _sets.Length; i++)
        {
            _taken[i] = false;
            if (!_valid[i])
            {
                continue;
            }

            var labels = _sets[i].Current.Labels;
            int c = smallest is null ? -1 : Labels.Compare(labels, smallest);
            if (c < 0)
            {
                (smallest, first, count) = (labels, i, 1);
            }
            else if (c == 0)
            {
                count++;
            }
        }

        if (smallest is null)
        {
            _current = null;
            return false;
        }

        var parts = count == 1 ? null : new ISeries[count];
        for (int i = first, n = 0; i < _sets.Length; i++)
        {
            if (_valid[i] && (i == first || Labels.Compare(_sets[i].Current.Labels, smallest) == 0))
            {
                _taken[i] = true;
                if (parts is not null)
                {
                    parts[n++] = _sets[i].Current;
                }
            }
        }

        _current = parts is null ? _sets[first].Current : new MergeSeries(smallest, parts);
        return true;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _current = null;
        foreach (var set in _sets)
        {
            set.Dispose();
        }
    }

    /// <summary>A series several sets hold: its iterator merges theirs, in the sets' order of precedence.</summary>
    private sealed class MergeSeries(Labels labels, ISeries[] parts) : ISeries
    {
        public Labels Labels => labels;

        public ISampleIterator Iterator(ISampleIterator? reuse = null)
        {
            var iterator = reuse as MergeSeriesIterator ?? new MergeSeriesIterator();
            iterator.Reset(parts);
            return iterator;
        }
    }
}
