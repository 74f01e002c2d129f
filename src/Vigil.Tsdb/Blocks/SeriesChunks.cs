using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// One chunk as the index describes it (Prometheus's <c>chunks.Meta</c> without the data): the timestamps of its
/// first and last sample, both inclusive, and where it is in the chunk segments.
/// </summary>
internal readonly record struct ChunkMeta(long MinTime, long MaxTime, ulong Ref);

/// <summary>
/// One chunk to be written into a block: its bytes (header included, as <see cref="XorChunk.Bytes"/> gives them),
/// the timestamps of its first and last sample, and its encoding (the head's chunks are XOR; a block's may be
/// <see cref="ChunkEncoding.VigilDecimal"/>).
/// </summary>
internal readonly record struct ChunkData(long MinTime, long MaxTime, ReadOnlyMemory<byte> Bytes, ChunkEncoding Encoding = ChunkEncoding.Xor)
{
    /// <summary>The sample count from the chunk's 2-byte header (both encodings start with it).</summary>
    public int SampleCount => Bytes.Length >= 2 ? (Bytes.Span[0] << 8) | Bytes.Span[1] : 0;
}

/// <summary>
/// A series and its chunks, as <see cref="BlockWriter"/> takes them: chunks in time order, none overlapping the
/// next. The chunk bytes need only stay valid until the writer moves to the next series.
/// </summary>
internal sealed record SeriesChunks(Labels Labels, IReadOnlyList<ChunkData> Chunks);
