using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// Iterates one block series in [mint, maxt]: its chunks one after another, each resolved in the mapped segments
/// (bounds and CRC checked) and decoded by one reused <see cref="EncodedChunkIterator"/> (XOR or vigil-decimal).
/// Allocates nothing per sample or per chunk, and nothing at all when reused through <see cref="ISeries.Iterator"/>. <see cref="Seek"/> skips whole
/// chunks by their end time without touching their bytes.
/// </summary>
internal sealed class BlockSeriesIterator : ISampleIterator
{
    private readonly EncodedChunkIterator _chunk = new();
    private ChunkSegmentReader? _reader;
    private ReadOnlyMemory<ChunkMeta> _metas;
    private long _mint;
    private long _maxt;
    private int _index;
    private bool _started;
    private bool _exhausted;
    private long _t;
    private double _v;

    /// <summary>Starts over on <paramref name="metas"/> (in time order, not overlapping), read through <paramref name="reader"/>.</summary>
    public void Reset(ChunkSegmentReader reader, ReadOnlyMemory<ChunkMeta> metas, long mint, long maxt)
    {
        (_reader, _metas, _mint, _maxt) = (reader, metas, mint, maxt);
        (_index, _started, _exhausted) = (-1, false, false);
    }

    public bool Next()
    {
        if (_exhausted)
        {
            return false;
        }

        if (!_started)
        {
            return Seek(_mint);
        }

        while (!_chunk.Next())
        {
            if (!OpenChunk(_index + 1))
            {
                return Exhaust();
            }
        }

        (_t, _v) = _chunk.At();
        return _t <= _maxt || Exhaust();
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
        var metas = _metas.Span;
        if (!_started || metas[_index].MaxTime < target)
        {
            _started = true;
            int i = _index + 1;
            while (i < metas.Length && metas[i].MaxTime < target)
            {
                i++;
            }

            if (!OpenChunk(i))
            {
                return Exhaust();
            }
        }

        while (!_chunk.Seek(target))
        {
            // Only if a chunk's recorded end is wrong; move on rather than loop.
            if (!OpenChunk(_index + 1))
            {
                return Exhaust();
            }
        }

        (_t, _v) = _chunk.At();
        return _t <= _maxt || Exhaust();
    }

    public (long Timestamp, double Value) At() => (_t, _v);

    private bool OpenChunk(int index)
    {
        var metas = _metas.Span;
        if (index >= metas.Length || metas[index].MinTime > _maxt)
        {
            return false;
        }

        _index = index;
        var bytes = _reader!.Chunk(metas[index].Ref, out var encoding);
        _chunk.Reset(encoding, bytes);
        return true;
    }

    private bool Exhaust()
    {
        _exhausted = true;
        return false;
    }
}
