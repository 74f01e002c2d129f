using Vigil.Tsdb.Chunks;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// Brings a chunk to the encoding a block is written in (<see cref="BlockWriteOptions.Encoding"/>). The head cuts
/// XOR chunks and compaction copies chunks as they are, so this is where a block's chunks become vigil-decimal,
/// or go back to XOR when a user switches to Prometheus-readable blocks. For vigil-decimal a chunk stays XOR when
/// that is smaller (values with no short decimal form, docs/benchmarks.md): both are read back alike. Decodes
/// into reused arrays; not thread-safe; one per block write.
/// </summary>
internal sealed class ChunkTranscoder : IDisposable
{
    private readonly ChunkEncoding _target;
    private readonly EncodedChunkIterator _iterator = new();
    private readonly VigilChunkEncoder _encoder = new();
    private readonly XorChunk _xor = new();
    private long[] _timestamps = new long[XorChunk.DefaultSamplesPerChunk * 4];
    private ulong[] _values = new ulong[XorChunk.DefaultSamplesPerChunk * 4];

    public ChunkTranscoder(ChunkEncoding target)
    {
        if (target is not (ChunkEncoding.Xor or ChunkEncoding.VigilDecimal))
        {
            throw new ArgumentOutOfRangeException(nameof(target), target, "blocks are written in XOR or vigil-decimal");
        }

        _target = target;
    }

    /// <summary>
    /// <paramref name="chunk"/>'s bytes in the target encoding (or XOR, when that is smaller than vigil-decimal),
    /// and that encoding. The bytes are valid until the next call.
    /// </summary>
    public ReadOnlySpan<byte> Transcode(in ChunkData chunk, out ChunkEncoding encoding)
    {
        encoding = chunk.Encoding;
        if (chunk.Encoding == _target || (_target == ChunkEncoding.VigilDecimal && chunk.SampleCount < 2))
        {
            return chunk.Bytes.Span; // one sample gains nothing from decimals
        }

        int count = Decode(chunk);
        if (_target == ChunkEncoding.Xor)
        {
            encoding = ChunkEncoding.Xor;
            return ToXor(count);
        }

        var vigil = _encoder.Encode(_timestamps.AsSpan(0, count), _values.AsSpan(0, count));
        if (vigil.Length >= chunk.Bytes.Length)
        {
            return chunk.Bytes.Span;
        }

        encoding = ChunkEncoding.VigilDecimal;
        return vigil;
    }

    public void Dispose()
    {
        _encoder.Dispose();
        _xor.Dispose();
    }

    private int Decode(in ChunkData chunk)
    {
        _iterator.Reset(chunk.Encoding, chunk.Bytes);
        int count = 0;
        while (_iterator.Next())
        {
            if (count == _timestamps.Length)
            {
                Array.Resize(ref _timestamps, count * 2);
                Array.Resize(ref _values, count * 2);
            }

            var (t, v) = _iterator.At();
            (_timestamps[count], _values[count]) = (t, BitConverter.DoubleToUInt64Bits(v));
            count++;
        }

        return count;
    }

    private ReadOnlySpan<byte> ToXor(int count)
    {
        _xor.Reset();
        for (int i = 0; i < count; i++)
        {
            _xor.Append(_timestamps[i], BitConverter.UInt64BitsToDouble(_values[i]));
        }

        return _xor.Bytes;
    }
}
