using Vigil.Tsdb.Chunks;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// Samples of one series gathered from chunks and loose samples, then encoded into fresh XOR chunks: for a head
/// chunk that straddles a block's boundary, out-of-order samples that join a block, and blocks that overlap in
/// compaction. Samples are kept as timestamp and value bits (NaN payloads survive). Not a hot path: a series
/// goes through it only when its chunks cannot be copied as they are.
/// </summary>
internal sealed class ChunkRecoder
{
    private readonly List<(long T, ulong Bits, int Source)> _samples = [];
    private readonly EncodedChunkIterator _iterator = new();

    public int Count => _samples.Count;

    /// <summary>Adds the samples of <paramref name="chunk"/> in [<paramref name="mint"/>, <paramref name="maxt"/>] (inclusive) from source <paramref name="source"/>.</summary>
    public void AddChunk(ReadOnlyMemory<byte> chunk, long mint, long maxt, int source, ChunkEncoding encoding = ChunkEncoding.Xor)
    {
        _iterator.Reset(encoding, chunk);
        while (_iterator.Next())
        {
            var (t, v) = _iterator.At();
            if (t >= mint && t <= maxt)
            {
                _samples.Add((t, BitConverter.DoubleToUInt64Bits(v), source));
            }
        }
    }

    public void AddSample(long t, ulong bits, int source) => _samples.Add((t, bits, source));

    /// <summary>
    /// Sorts the samples by time and encodes them into chunks of at most <paramref name="samplesPerChunk"/>. Of
    /// samples with the same timestamp, the one from the lowest source number is kept (Prometheus's merge keeps
    /// one sample per timestamp); callers number their sources by precedence. With <paramref name="evenly"/>, the
    /// fewest chunks that hold them are filled evenly instead (481 samples at 480: 241 and 240, not 480 and 1).
    /// Empties the recoder.
    /// </summary>
    public List<ChunkData> Encode(int samplesPerChunk, bool evenly = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(samplesPerChunk, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(samplesPerChunk, XorChunk.MaxSamples);
        _samples.Sort(static (a, b) => a.T != b.T ? a.T.CompareTo(b.T) : a.Source.CompareTo(b.Source));
        if (evenly && _samples.Count > samplesPerChunk)
        {
            // Duplicates are dropped below, so chunks may come out a little under this; never over the limit.
            int chunkCount = (_samples.Count + samplesPerChunk - 1) / samplesPerChunk;
            samplesPerChunk = (_samples.Count + chunkCount - 1) / chunkCount;
        }
        var chunks = new List<ChunkData>();
        using var chunk = new XorChunk();
        long first = 0, last = 0;
        for (int i = 0; i < _samples.Count; i++)
        {
            var (t, bits, _) = _samples[i];
            if (i > 0 && t == _samples[i - 1].T)
            {
                continue;
            }

            if (chunk.Count == samplesPerChunk)
            {
                chunks.Add(new ChunkData(first, last, chunk.Bytes.ToArray()));
                chunk.Reset();
            }

            if (chunk.Count == 0)
            {
                first = t;
            }

            chunk.Append(t, BitConverter.UInt64BitsToDouble(bits));
            last = t;
        }

        if (chunk.Count > 0)
        {
            chunks.Add(new ChunkData(first, last, chunk.Bytes.ToArray()));
        }

        _samples.Clear();
        return chunks;
    }
}
