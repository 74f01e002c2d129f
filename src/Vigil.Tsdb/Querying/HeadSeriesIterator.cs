using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Querying;

/// <summary>
/// Iterates one series' snapshot in [mint, maxt]: its in-order chunks one after another through one reused
/// <see cref="XorIterator"/>, merged with its sorted out-of-order samples. Allocates nothing per sample, and
/// nothing at all when reused through <see cref="ISeries.Iterator"/>.
/// </summary>
/// <remarks>
/// Two sources, each with a candidate: the next in-order sample and the next out-of-order one. The smaller is the
/// current sample; its source moves on at the next call. A timestamp in both (which the append rules prevent, but
/// a snapshot cannot prove) yields the in-order sample once, as Prometheus's merge yields one sample per timestamp.
/// </remarks>
internal sealed class HeadSeriesIterator : ISampleIterator
{
    private readonly XorIterator _chunkIterator = new();
    private SeriesSnapshot _snapshot;
    private long _mint;
    private long _maxt;
    private int _chunk;
    private bool _inOrderValid;
    private long _inOrderT;
    private double _inOrderV;
    private int _outOfOrderIndex;
    private bool _started;
    private bool _exhausted;
    private bool _consumedInOrder;
    private bool _consumedOutOfOrder;
    private long _t;
    private double _v;

    public void Reset(SeriesSnapshot snapshot, long mint, long maxt)
    {
        (_snapshot, _mint, _maxt) = (snapshot, mint, maxt);
        (_chunk, _inOrderValid, _outOfOrderIndex) = (0, false, 0);
        (_started, _exhausted, _consumedInOrder, _consumedOutOfOrder) = (false, false, false, false);
    }

    public bool Next()
    {
        if (_exhausted)
        {
            return false;
        }

        if (!_started)
        {
            Start(_mint);
        }
        else
        {
            if (_consumedInOrder)
            {
                AdvanceInOrder();
            }

            if (_consumedOutOfOrder)
            {
                _outOfOrderIndex++;
            }
        }

        return Pick();
    }

    public bool Seek(long t)
    {
        if (_exhausted)
        {
            return false;
        }

        if (_started && _t >= t)
        {
            return true;
        }

        long target = Math.Max(t, _mint);
        if (!_started)
        {
            Start(target);
            return Pick();
        }

        // The current sample is before the target, so whatever produced it is behind too.
        if (_inOrderValid && _inOrderT < target)
        {
            SeekInOrder(target);
        }

        var ooo = OutOfOrderTimestamps;
        while (_outOfOrderIndex < ooo.Length && ooo[_outOfOrderIndex] < target)
        {
            _outOfOrderIndex++;
        }

        return Pick();
    }

    public (long Timestamp, double Value) At() => (_t, _v);

    private ReadOnlySpan<long> OutOfOrderTimestamps => _snapshot.OutOfOrderTimestamps.Span;

    private void Start(long target)
    {
        _started = true;
        _chunk = 0;
        _inOrderValid = false;
        if (_snapshot.ChunkCount > 0)
        {
            _chunkIterator.Reset(_snapshot.Chunk(0));
            _inOrderValid = true;
            _inOrderT = long.MinValue;
            SeekInOrder(target);
        }

        int i = OutOfOrderTimestamps.BinarySearch(target);
        _outOfOrderIndex = i >= 0 ? i : ~i;
    }

    /// <summary>Moves the in-order candidate to the first sample at or after <paramref name="target"/>, skipping whole chunks by their end.</summary>
    private void SeekInOrder(long target)
    {
        while (_snapshot.ChunkMaxTime(_chunk) < target)
        {
            if (!NextChunk())
            {
                return;
            }
        }

        while (!_chunkIterator.Seek(target))
        {
            // Only if the chunk's recorded end is wrong; move on rather than loop.
            if (!NextChunk())
            {
                return;
            }
        }

        (_inOrderT, _inOrderV) = _chunkIterator.At();
    }

    private void AdvanceInOrder()
    {
        while (!_chunkIterator.Next())
        {
            if (!NextChunk())
            {
                return;
            }
        }

        (_inOrderT, _inOrderV) = _chunkIterator.At();
    }

    private bool NextChunk()
    {
        if (++_chunk >= _snapshot.ChunkCount)
        {
            _inOrderValid = false;
            return false;
        }

        _chunkIterator.Reset(_snapshot.Chunk(_chunk));
        return true;
    }

    private bool Pick()
    {
        var ooo = OutOfOrderTimestamps;
        bool haveOoo = _outOfOrderIndex < ooo.Length;
        if (!_inOrderValid && !haveOoo)
        {
            return Exhaust();
        }

        bool takeInOrder = _inOrderValid && (!haveOoo || _inOrderT <= ooo[_outOfOrderIndex]);
        bool takeOoo = haveOoo && (!_inOrderValid || ooo[_outOfOrderIndex] <= _inOrderT);
        (_t, _v) = takeInOrder
            ? (_inOrderT, _inOrderV)
            : (ooo[_outOfOrderIndex], BitConverter.UInt64BitsToDouble(_snapshot.OutOfOrderBits.Span[_outOfOrderIndex]));
        (_consumedInOrder, _consumedOutOfOrder) = (takeInOrder, takeOoo);
        return _t <= _maxt || Exhaust();
    }

    private bool Exhaust()
    {
        _exhausted = true;
        return false;
    }
}
