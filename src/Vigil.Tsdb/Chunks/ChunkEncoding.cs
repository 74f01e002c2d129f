namespace Vigil.Tsdb.Chunks;

/// <summary>A chunk's encoding byte, with Prometheus's values (<c>chunkenc.Encoding</c>), as the block format stores it.</summary>
internal enum ChunkEncoding : byte
{
    None = 0,

    /// <summary>Gorilla XOR float samples: <see cref="XorChunk"/>.</summary>
    Xor = 1,

    /// <summary>
    /// Vigil's own block encoding, <see cref="VigilChunkEncoder"/>: decimal mantissas and delta varints, Brotli'd.
    /// Prometheus refuses encodings it does not know, so blocks holding it are Vigil-only (issue 5's bytes target).
    /// </summary>
    VigilDecimal = 0x80,
}

/// <summary>A chunk's bytes do not decode: truncated, or not the encoding they claim.</summary>
internal sealed class CorruptChunkException : Exception
{
    public CorruptChunkException(string message)
        : base(message)
    {
    }
}
