using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Querying;

namespace Vigil.Tsdb;

/// <summary>Reading a series: snapshots for queries, point lookups for duplicate checks. Callers hold <see cref="Lock"/>.</summary>
internal sealed partial class MemSeries
{
    /// <summary>One decoder per thread for point lookups, which happen only on the out-of-order path.</summary>
    [ThreadStatic]
    private static XorIterator? t_lookup;

    /// <summary>
    /// What a query of [<paramref name="mint"/>, <paramref name="maxt"/>] needs (see <see cref="SeriesSnapshot"/>),
    /// with the copies made into <paramref name="arena"/>.
    /// </summary>
    public SeriesSnapshot Snapshot(long mint, long maxt, SnapshotArena arena)
    {
        int start = FirstClosedEndingAtOrAfter(mint);
        int end = start;
        while (end < _closedCount && _closed[end].MinTime <= maxt)
        {
            end++;
        }

        // The open chunk's buffer is rewritten by the next append and returned to the pool when it grows
        // (XorChunk's remarks), so a query copies it.
        var open = _open is { Count: > 0 } && _openMaxTime >= mint && _openMinTime <= maxt
            ? arena.Copy(_open.Bytes)
            : ReadOnlyMemory<byte>.Empty;

        ReadOnlyMemory<long> oooTimestamps = default;
        ReadOnlyMemory<ulong> oooBits = default;
        if (_outOfOrder is { Count: > 0 } ooo)
        {
            int from = ooo.LowerBound(mint);
            int count = ooo.UpperBound(maxt) - from;
            if (count > 0)
            {
                (oooTimestamps, oooBits) = arena.Copy(ooo.Timestamps.Slice(from, count), ooo.ValueBits.Slice(from, count));
            }
        }

        return new SeriesSnapshot
        {
            Closed = _closed,
            ClosedStart = start,
            ClosedEnd = end,
            Open = open,
            OpenMaxTime = _openMaxTime,
            OutOfOrderTimestamps = oooTimestamps,
            OutOfOrderBits = oooBits,
        };
    }

    /// <summary>Whether an in-order chunk holds a sample at exactly <paramref name="t"/>, and its value bits.</summary>
    private bool TryFindInOrder(long t, out ulong bits)
    {
        bits = 0;
        int i = FirstClosedEndingAtOrAfter(t);
        if (i < _closedCount)
        {
            return _closed[i].MinTime <= t && FindInChunk(_closed[i].Bytes, t, out bits);
        }

        return _open is { Count: > 0 } && _openMinTime <= t && t <= _openMaxTime && FindInChunk(_open.Memory, t, out bits);
    }

    private static bool FindInChunk(ReadOnlyMemory<byte> chunk, long t, out ulong bits)
    {
        var it = t_lookup ??= new XorIterator();
        it.Reset(chunk);
        bool found = it.Seek(t) && it.At().Timestamp == t;
        bits = found ? BitConverter.DoubleToUInt64Bits(it.At().Value) : 0;
        return found;
    }

    /// <summary>Index of the first closed chunk whose newest sample is at or after <paramref name="t"/> (chunks are in time order).</summary>
    private int FirstClosedEndingAtOrAfter(long t)
    {
        int lo = 0, hi = _closedCount;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (_closed[mid].MaxTime < t)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }

        return lo;
    }
}
