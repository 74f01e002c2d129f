using Vigil.Tsdb.Blocks;

namespace Vigil.Tsdb;

/// <summary>A series' part of a block cut from the head. Callers hold <see cref="Lock"/>.</summary>
internal sealed partial class MemSeries
{
    /// <summary>
    /// The series' chunks for a block of [<paramref name="mint"/>, <paramref name="maxt"/>) (maximum exclusive).
    /// When every in-order chunk that overlaps the range lies inside it and no out-of-order sample falls in it,
    /// the chunks go as they are: closed chunks shared (nobody writes them again), the open one copied. Otherwise
    /// (a chunk straddles a boundary, which a head cut at multiples of its chunk range never makes, or late samples
    /// join the range) the samples in range are merged, in-order ones winning a shared timestamp as in reads, and
    /// re-encoded into chunks of <paramref name="samplesPerChunk"/>. With <paramref name="blockSamplesPerChunk"/>
    /// above <paramref name="samplesPerChunk"/>, two or more chunks in range are also re-encoded, into the fewest
    /// chunks of at most that many samples, split evenly (<see cref="HeadOptions.BlockSamplesPerChunk"/>).
    /// </summary>
    public List<ChunkData> ChunksInRange(long mint, long maxt, int samplesPerChunk, ChunkRecoder recoder, HeadChunkFile chunkFile, int blockSamplesPerChunk = 0)
    {
        long last = maxt - 1;
        var chunks = new List<ChunkData>();
        if (maxt <= mint)
        {
            return chunks;
        }

        var closed = ClosedInRange(mint, last, chunkFile, []);

        bool open = _open.Count > 0 && _open.LastTimestamp >= mint && _openMinTime <= last;
        int lateFrom = 0, lateCount = 0;
        if (_outOfOrder is { Count: > 0 } late)
        {
            lateFrom = late.LowerBound(mint);
            lateCount = late.UpperBound(last) - lateFrom;
        }

        bool straddles = (closed.Length > 0 && (closed[0].MinTime < mint || closed[^1].MaxTime > last))
            || (open && (_openMinTime < mint || _open.LastTimestamp > last));
        bool lengthen = blockSamplesPerChunk > samplesPerChunk && closed.Length + (open ? 1 : 0) > 1;
        if (!straddles && lateCount == 0 && !lengthen)
        {
            foreach (var chunk in closed)
            {
                chunks.Add(new ChunkData(chunk.MinTime, chunk.MaxTime, chunk.Bytes));
            }

            if (open)
            {
                chunks.Add(new ChunkData(_openMinTime, _open.LastTimestamp, _open.Bytes.ToArray()));
            }

            return chunks;
        }

        // Source 0 (in order) wins a timestamp both hold; the append rules already keep that from happening.
        foreach (var chunk in closed)
        {
            recoder.AddChunk(chunk.Bytes, mint, last, source: 0);
        }

        if (open)
        {
            recoder.AddChunk(_open.Memory, mint, last, source: 0);
        }

        for (int i = lateFrom; i < lateFrom + lateCount; i++)
        {
            recoder.AddSample(_outOfOrder!.Timestamps[i], _outOfOrder.ValueBits[i], source: 1);
        }

        return lengthen ? recoder.Encode(blockSamplesPerChunk, evenly: true) : recoder.Encode(samplesPerChunk);
    }
}
