using System.Globalization;
using Vigil.Tsdb.Chunks;

namespace Vigil.Tsdb;

/// <summary>How the head cuts chunks and which late samples it takes. Times are milliseconds.</summary>
internal sealed record HeadOptions
{
    /// <summary>Prometheus's <c>DefaultBlockDuration</c>: 2 h.</summary>
    public const long DefaultChunkRange = 2 * 60 * 60 * 1000;

    public static HeadOptions Default { get; } = new();

    /// <summary>
    /// Default 2 h. A head chunk never spans a multiple of this (Prometheus cuts at the end of the chunk range that
    /// holds the chunk's first sample), so every chunk falls inside one future block.
    /// </summary>
    public long ChunkRange { get; init; } = DefaultChunkRange;

    /// <summary>
    /// Default 120 (Prometheus's <c>samples_per_chunk</c>). The target size of a chunk; as in Prometheus a chunk is
    /// cut at the predicted time that spreads the range's samples evenly, and at twice this count at the latest.
    /// </summary>
    public int SamplesPerChunk { get; init; } = XorChunk.DefaultSamplesPerChunk;

    /// <summary>
    /// Default 480 (4 x 120): the most samples per chunk in a block cut from the head. Above
    /// <see cref="SamplesPerChunk"/>, a cut re-encodes each series' head chunks of the block's range into as few
    /// chunks of at most this many samples as it can (one per series for 2 h at 15 s), split evenly. Every chunk
    /// saves its header, first sample in full, CRC and index entry (about 30 bytes; 0.19 bytes per sample at 15 s,
    /// docs/benchmarks.md), and the block stays Prometheus's format: a chunk counts its samples in 16 bits, and
    /// Prometheus and promtool read chunks of any length. A larger value makes a short query decode more of a
    /// chunk it only partly needs; at 480 that is at most 2 h of a 15 s series.
    /// </summary>
    public int BlockSamplesPerChunk { get; init; } = 4 * XorChunk.DefaultSamplesPerChunk;

    /// <summary>
    /// Default 0: a sample older than its series' newest is refused as out of order (Prometheus's
    /// <c>out_of_order_time_window</c>). Above 0, such a sample is stored when it is no more than this much older
    /// than the head's newest sample, and refused as too old otherwise.
    /// </summary>
    public long OutOfOrderTimeWindow { get; init; }

    /// <summary>
    /// Default null: closed chunks stay on the heap. Set (LocalStorage: <c>&lt;tsdb&gt;/chunks_head</c>), they go to
    /// memory-mapped segment files there (<see cref="HeadChunkFile"/>), which the head empties when it starts.
    /// </summary>
    public string? ChunkDirectory { get; init; }

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the setting that is out of range.</summary>
    public void Validate()
    {
        if (ChunkRange <= 0)
        {
            throw Invalid(nameof(ChunkRange), ChunkRange, "must be positive");
        }

        // A head chunk never spans its chunk range, and HeadChunkFile stores that span in 32 bits (24.8 days).
        if (ChunkRange > int.MaxValue)
        {
            throw Invalid(nameof(ChunkRange), ChunkRange, string.Create(CultureInfo.InvariantCulture, $"must be at most {int.MaxValue} ms"));
        }

        // A chunk is cut at twice the target at the latest, and its header counts samples in 16 bits.
        if (SamplesPerChunk < 1 || SamplesPerChunk > XorChunk.MaxSamples / 2)
        {
            throw Invalid(nameof(SamplesPerChunk), SamplesPerChunk, string.Create(CultureInfo.InvariantCulture, $"must be 1 to {XorChunk.MaxSamples / 2}"));
        }

        if (BlockSamplesPerChunk < 1 || BlockSamplesPerChunk > XorChunk.MaxSamples)
        {
            throw Invalid(nameof(BlockSamplesPerChunk), BlockSamplesPerChunk, string.Create(CultureInfo.InvariantCulture, $"must be 1 to {XorChunk.MaxSamples}"));
        }

        if (OutOfOrderTimeWindow < 0)
        {
            throw Invalid(nameof(OutOfOrderTimeWindow), OutOfOrderTimeWindow, "must not be negative");
        }
    }

    private static ArgumentOutOfRangeException Invalid(string name, object value, string reason) =>
        new(name, value, $"head option {name} {reason}");
}
