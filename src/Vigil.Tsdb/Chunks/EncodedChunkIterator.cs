using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Chunks;

/// <summary>
/// One reusable iterator for a chunk of either encoding a block may hold: XOR (Prometheus-readable) or
/// vigil-decimal (<c>block_chunk_encoding: vigil</c>, docs/config.md). Blocks of both kinds live side by side
/// after the setting changes, so every block reader goes through this. Keeps one iterator of each kind.
/// </summary>
internal sealed class EncodedChunkIterator : ISampleIterator
{
    private readonly XorIterator _xor = new();
    private VigilChunkIterator? _vigil;
    private ISampleIterator _current;

    public EncodedChunkIterator() => _current = _xor;

    /// <summary>Samples in the current chunk, from its header.</summary>
    public int Count => _current == _xor ? _xor.Count : _vigil!.Count;

    /// <summary>Starts over on <paramref name="chunk"/> in <paramref name="encoding"/>; throws <see cref="CorruptChunkException"/> for an unknown encoding.</summary>
    public void Reset(ChunkEncoding encoding, ReadOnlyMemory<byte> chunk)
    {
        switch (encoding)
        {
            case ChunkEncoding.Xor:
                _xor.Reset(chunk);
                _current = _xor;
                break;
            case ChunkEncoding.VigilDecimal:
                // Created on first use: a reader of XOR-only blocks never rents its buffers.
                _vigil ??= new VigilChunkIterator();
                _current = _vigil;
                _vigil.Reset(chunk);
                break;
            default:
                throw new CorruptChunkException($"unsupported chunk encoding {(byte)encoding}");
        }
    }

    public bool Next() => _current.Next();

    public bool Seek(long t) => _current.Seek(t);

    public (long Timestamp, double Value) At() => _current.At();
}
