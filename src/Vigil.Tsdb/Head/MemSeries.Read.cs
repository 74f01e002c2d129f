using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Querying;

namespace Vigil.Tsdb;

/// <summary>Reading a series: snapshots for queries, point lookups for duplicate checks. Callers hold <see cref="Lock"/>.</summary>
internal sealed partial class MemSeries
{
    /// <summary>One decoder per thread for point lookups, which happen only on the out-of-order path.</summary>
    [ThreadStatic]
    private static XorIterator? t_lookup;

    /// <summary>Scratch for a snapshot's closed chunks, newest first, before they go into the arena in time order.</summary>
    [ThreadStatic]
    private static List<ClosedChunk>? t_chain;

    /// <summary>
    /// What a query of [<paramref name="mint"/>, <paramref name="maxt"/>] needs (see <see cref="SeriesSnapshot"/>),
    /// with the copies made into <paramref name="arena"/>.
    /// </summary>
    public SeriesSnapshot Snapshot(long mint, long maxt, SnapshotArena arena, HeadChunkFile chunks)
    {
        var closed = arena.Copy(ClosedInRange(mint, maxt, chunks, t_chain ??= []));
        t_chain.Clear();

        // The open chunk's buffer is rewritten by the next append and replaced when it grows (XorChunk's remarks),
        // so a query copies it.
        var open = _open.Count > 0 && _open.LastTimestamp >= mint && _openMinTime <= maxt
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
            Closed = closed,
            Open = open,
            OpenMaxTime = _open.LastTimestamp,
            OutOfOrderTimestamps = oooTimestamps,
            OutOfOrderBits = oooBits,
        };
    }

    /// <summary>
    /// The closed chunks that overlap [<paramref name="mint"/>, <paramref name="maxt"/>], in time order, in
    /// <paramref name="into"/> (cleared first). The walk goes from the newest and stops at the first chunk that
    /// ends before <paramref name="mint"/>: chunks are in time order.
    /// </summary>
    private Span<ClosedChunk> ClosedInRange(long mint, long maxt, HeadChunkFile chunks, List<ClosedChunk> into)
    {
        into.Clear();
        var chain = Chain(chunks);
        while (chain.MoveNext() && chain.Current.MaxTime >= mint)
        {
            if (chain.Current.MinTime <= maxt)
            {
                into.Add(chain.Current);
            }
        }

        var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(into);
        span.Reverse();
        return span;
    }

    /// <summary>Whether an in-order chunk holds a sample at exactly <paramref name="t"/>, and its value bits.</summary>
    private bool TryFindInOrder(long t, HeadChunkFile chunks, out ulong bits)
    {
        bits = 0;
        if (_open.Count > 0 && t >= _openMinTime)
        {
            return t <= _open.LastTimestamp && FindInChunk(_open.Memory, t, out bits);
        }

        var chain = Chain(chunks);
        while (chain.MoveNext() && chain.Current.MaxTime >= t)
        {
            if (chain.Current.MinTime <= t)
            {
                return FindInChunk(chain.Current.Bytes, t, out bits);
            }
        }

        return false;
    }

    private static bool FindInChunk(ReadOnlyMemory<byte> chunk, long t, out ulong bits)
    {
        var it = t_lookup ??= new XorIterator();
        it.Reset(chunk);
        bool found = it.Seek(t) && it.At().Timestamp == t;
        bits = found ? BitConverter.DoubleToUInt64Bits(it.At().Value) : 0;
        return found;
    }
}
