namespace Vigil.Tsdb;

/// <summary>
/// What a query reads of one series in a time range, taken under the series lock so that it never races with
/// appends: the closed chunks that overlap the range (shared, immutable), a copy of the open chunk if it overlaps,
/// and a copy of the out-of-order samples in the range. The copies live in the select's
/// <see cref="Querying.SnapshotArena"/>, valid until its series set is disposed.
/// </summary>
internal readonly struct SeriesSnapshot
{
    /// <summary>The closed chunks that overlap the range, in time order (a copy of their refs in the arena).</summary>
    public ReadOnlyMemory<ClosedChunk> Closed { get; init; }

    /// <summary>A copy of the open chunk, or empty when it is not in the range.</summary>
    public ReadOnlyMemory<byte> Open { get; init; }

    public long OpenMaxTime { get; init; }

    /// <summary>Out-of-order timestamps in the range, sorted.</summary>
    public ReadOnlyMemory<long> OutOfOrderTimestamps { get; init; }

    /// <summary>Value bits of <see cref="OutOfOrderTimestamps"/>, index for index.</summary>
    public ReadOnlyMemory<ulong> OutOfOrderBits { get; init; }

    /// <summary>In-order chunks: the closed ones in range, then the open one.</summary>
    public int ChunkCount => Closed.Length + (Open.IsEmpty ? 0 : 1);

    public bool IsEmpty => ChunkCount == 0 && OutOfOrderTimestamps.IsEmpty;

    public ReadOnlyMemory<byte> Chunk(int index) => index < Closed.Length ? Closed.Span[index].Bytes : Open;

    public long ChunkMaxTime(int index) => index < Closed.Length ? Closed.Span[index].MaxTime : OpenMaxTime;
}
