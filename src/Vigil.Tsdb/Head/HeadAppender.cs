using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb;

/// <summary>
/// A batch of samples for the head (Prometheus's <c>headAppender</c>): each sample is checked when appended,
/// against the series as committed plus this batch, and the batch is applied at <see cref="CommitAsync"/>. Used by
/// tests and rules; the WAL feeders append straight through <see cref="Head.Append"/>.
/// </summary>
/// <remarks>
/// Series are created at <see cref="Append"/>, as in Prometheus, even if the batch is rolled back; truncation
/// forgets them if they stay empty. A commit re-applies every rule under the series lock, so a sample another
/// writer made invalid in between is dropped and counted in <see cref="Head.RefusedAtCommit"/>.
/// </remarks>
internal sealed class HeadAppender : IAppender
{
    private readonly Head _head;
    private readonly List<Pending> _pending = [];
    private readonly Dictionary<(ulong Ref, long T), ulong> _batchSamples = [];
    private readonly Dictionary<ulong, (long T, ulong Bits)> _batchNewest = [];
    private long _batchMaxTime = long.MinValue;

    public HeadAppender(Head head) => _head = head;

    public AppendResult Append(SeriesRef seriesRef, Labels labels, long timestamp, double value)
    {
        // A ref is trusted without comparing labels, as Prometheus does; an unknown one falls back to the labels.
        var series = seriesRef.IsNone ? null : _head.GetSeries(seriesRef);
        if (series is null)
        {
            if (labels is null || labels.Count == 0)
            {
                return new AppendResult(SeriesRef.None, AppendError.InvalidLabels);
            }

            series = _head.GetOrCreateSeries(labels);
        }

        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        var error = Check(series, timestamp, bits, out bool store);
        if (store)
        {
            _pending.Add(new Pending(series, timestamp, bits));
            _batchSamples[(series.Ref, timestamp)] = bits;
            if (!_batchNewest.TryGetValue(series.Ref, out var newest) || timestamp > newest.T)
            {
                _batchNewest[series.Ref] = (timestamp, bits);
            }

            _batchMaxTime = Math.Max(_batchMaxTime, timestamp);
        }

        return new AppendResult(new SeriesRef(series.Ref), error);
    }

    public Task CommitAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        foreach (var (series, t, bits) in _pending)
        {
            if (!TryApply(series, t, bits))
            {
                // Forgotten by a truncation since Append: the labels find (or make) the live series. Outside the
                // first series' lock, as the lock order wants.
                var live = _head.GetOrCreateSeries(series.ToLabels());
                if (!TryApply(live, t, bits))
                {
                    _head.CountRefusedAtCommit();
                }
            }
        }

        Clear();
        return Task.CompletedTask;
    }

    public void Rollback() => Clear();

    /// <summary>False only when the series is deleted; a refusal under the rules is counted.</summary>
    private bool TryApply(MemSeries series, long t, ulong bits)
    {
        lock (series.Lock)
        {
            if (series.Deleted)
            {
                return false;
            }

            if (_head.AppendLocked(series, t, bits) != AppendError.None)
            {
                _head.CountRefusedAtCommit();
            }

            return true;
        }
    }

    /// <summary>The head's rules (<see cref="Head.AppendLocked"/>) against the committed series plus this batch.</summary>
    private AppendError Check(MemSeries series, long t, ulong bits, out bool store)
    {
        store = false;
        if (t < _head.MinValidTime)
        {
            return AppendError.OutOfBounds;
        }

        if (_batchSamples.TryGetValue((series.Ref, t), out ulong pending))
        {
            return pending == bits ? AppendError.None : AppendError.DuplicateSampleForTimestamp;
        }

        bool hasNewest;
        long newestT;
        ulong newestBits;
        lock (series.Lock)
        {
            (hasNewest, newestT, newestBits) = (series.HasInOrder, series.LastTimestamp, series.LastValueBits);
        }

        if (_batchNewest.TryGetValue(series.Ref, out var batch) && (!hasNewest || batch.T > newestT))
        {
            (hasNewest, newestT, newestBits) = (true, batch.T, batch.Bits);
        }

        if (!hasNewest || t > newestT)
        {
            store = true;
            return AppendError.None;
        }

        if (t == newestT)
        {
            return bits == newestBits ? AppendError.None : AppendError.DuplicateSampleForTimestamp;
        }

        var error = _head.CheckOutOfOrderWindow(t, Math.Max(_head.MaxTime, _batchMaxTime));
        if (error != AppendError.None)
        {
            return error;
        }

        bool found;
        ulong stored;
        lock (series.Lock)
        {
            found = series.TryFind(t, _head.Chunks, out stored);
        }

        if (found)
        {
            return stored == bits ? AppendError.None : AppendError.DuplicateSampleForTimestamp;
        }

        store = true;
        return AppendError.None;
    }

    private void Clear()
    {
        _pending.Clear();
        _batchSamples.Clear();
        _batchNewest.Clear();
        _batchMaxTime = long.MinValue;
    }

    private readonly record struct Pending(MemSeries Series, long T, ulong Bits);
}
