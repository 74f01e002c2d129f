using System.Buffers;

namespace Vigil.Tsdb;

/// <summary>
/// What a query reads of one series in a time range, taken under the series lock so that it never races with
/// appends: the closed chunks that overlap the range (shared, immutable), a copy of the open chunk's bytes if it
/// overlaps, and a copy of the out-of-order samples in the range. The copies are rented from
/// <see cref="ArrayPool{T}.Shared"/>; <see cref="Return"/> gives them back once no iterator reads them.
/// </summary>
internal readonly struct SeriesSnapshot
{
    public ClosedChunk[] Closed { get; init; }

    /// <summary>First closed chunk in the range.</summary>
    public int ClosedStart { get; init; }

    /// <summary>One past the last closed chunk in the range.</summary>
    public int ClosedEnd { get; init; }

    /// <summary>A copy of the open chunk (rented, so longer than <see cref="OpenLength"/>), or null.</summary>
    public byte[]? Open { get; init; }

    public int OpenLength { get; init; }

    public long OpenMaxTime { get; init; }

    /// <summary>Out-of-order timestamps in the range, sorted (rented), or null.</summary>
    public long[]? OutOfOrderTimestamps { get; init; }

    public ulong[]? OutOfOrderBits { get; init; }

    public int OutOfOrderCount { get; init; }

    /// <summary>In-order chunks: the closed ones in range, then the open one.</summary>
    public int ChunkCount => ClosedEnd - ClosedStart + (Open is null ? 0 : 1);

    public bool IsEmpty => ChunkCount == 0 && OutOfOrderCount == 0;

    public ReadOnlyMemory<byte> Chunk(int index) => ClosedStart + index < ClosedEnd
        ? Closed[ClosedStart + index].Bytes
        : Open.AsMemory(0, OpenLength);

    public long ChunkMaxTime(int index) => ClosedStart + index < ClosedEnd ? Closed[ClosedStart + index].MaxTime : OpenMaxTime;

    public void Return()
    {
        if (Open is not null)
        {
            ArrayPool<byte>.Shared.Return(Open);
        }

        if (OutOfOrderTimestamps is not null)
        {
            ArrayPool<long>.Shared.Return(OutOfOrderTimestamps);
            ArrayPool<ulong>.Shared.Return(OutOfOrderBits!);
        }
    }
}
