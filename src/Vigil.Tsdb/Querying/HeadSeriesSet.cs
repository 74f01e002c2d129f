using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Querying;

/// <summary>
/// The series of one head select, in label order. Each series is read (snapshotted under its lock) when
/// <see cref="MoveNext"/> reaches it, and skipped when it has no sample in the range, so a long result does not
/// copy every open chunk up front. Disposing returns the copies' pages.
/// </summary>
internal sealed class HeadSeriesSet : ISeriesSet
{
    private readonly MemSeries[] _candidates;
    private readonly long _mint;
    private readonly long _maxt;
    private readonly HeadChunkFile _chunks;
    private readonly SnapshotArena _arena = new();
    private readonly HeadSeriesIterator _probe = new();
    private int _next;
    private HeadSeries? _current;
    private bool _disposed;

    public HeadSeriesSet(MemSeries[] candidates, long mint, long maxt, HeadChunkFile chunks) => (_candidates, _mint, _maxt, _chunks) = (candidates, mint, maxt, chunks);

    public ISeries Current => _current ?? throw new InvalidOperationException("MoveNext has not returned true");

    public IReadOnlyList<string> Warnings => [];

    public bool MoveNext()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        while (_next < _candidates.Length)
        {
            var series = _candidates[_next++];
            var mark = _arena.Mark();
            SeriesSnapshot snapshot;
            lock (series.Lock)
            {
                if (series.Deleted)
                {
                    continue;
                }

                snapshot = series.Snapshot(_mint, _maxt, _arena, _chunks);
            }

            // Chunks that overlap the range may still hold no sample inside it; only a decode can tell, unless a
            // chunk's first or last sample (its min or max time) is inside already.
            if (snapshot.IsEmpty || !(HasSampleAtAnEnd(snapshot) || ProbeFindsSample(snapshot)))
            {
                _arena.Rewind(mark);
                continue;
            }

            _current = new HeadSeries(series.ToLabels(), snapshot, _mint, _maxt);
            return true;
        }

        _current = null;
        return false;
    }

    private bool HasSampleAtAnEnd(in SeriesSnapshot snapshot)
    {
        // Out-of-order samples are copied for the range only; the open chunk's last sample is at its max time.
        if (!snapshot.OutOfOrderTimestamps.IsEmpty || (!snapshot.Open.IsEmpty && snapshot.OpenMaxTime >= _mint && snapshot.OpenMaxTime <= _maxt))
        {
            return true;
        }

        foreach (var chunk in snapshot.Closed.Span)
        {
            if (ChunkEnds.InRange(chunk.MinTime, chunk.MaxTime, _mint, _maxt))
            {
                return true;
            }
        }

        return false;
    }

    private bool ProbeFindsSample(in SeriesSnapshot snapshot)
    {
        _probe.Reset(snapshot, _mint, _maxt);
        return _probe.Next();
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _current = null;
        _probe.Reset(default, _mint, _maxt);
        _arena.Dispose();
    }

    /// <summary>One selected series; its iterators read the snapshot, whose copies the set owns.</summary>
    private sealed class HeadSeries(Labels labels, SeriesSnapshot snapshot, long mint, long maxt) : ISeries
    {
        public Labels Labels => labels;

        public ISampleIterator Iterator(ISampleIterator? reuse = null)
        {
            var iterator = reuse as HeadSeriesIterator ?? new HeadSeriesIterator();
            iterator.Reset(snapshot, mint, maxt);
            return iterator;
        }
    }
}
