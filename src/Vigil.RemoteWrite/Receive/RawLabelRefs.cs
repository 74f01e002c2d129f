using Vigil.Wal;

namespace Vigil.RemoteWrite.Receive;

/// <summary>
/// A sender's raw 1.0 label bytes -> WAL series ref, keyed by a 128-bit hash of the bytes and keeping no copy of
/// them (issue 5, RSS per series; the ~2^-64 wrong-hit argument is on <see cref="HashRefTable"/>). The table it
/// replaced kept the bytes to confirm a hit (~0.13 KiB per series at 100k node_exporter series); confirming against
/// the WAL's canonical labels instead cost the receiver 30% more CPU per sample (docs/benchmarks.md). Not
/// thread-safe: the receiver guards it with lock(wal.Series), like the table it shortcuts.
/// </summary>
internal sealed class RawLabelRefs
{
    private readonly HashRefTable _table = new();

    public int Count => _table.Count;

    public bool TryGet(ReadOnlySpan<byte> raw, out ulong seriesRef)
    {
        var (h1, h2) = HashRefTable.Hash(raw);
        return _table.TryGet(h1, h2, out seriesRef);
    }

    /// <summary>Remembers the ref of a validated label set; a key already present keeps its first ref.</summary>
    public void Add(ulong seriesRef, ReadOnlySpan<byte> raw)
    {
        var (h1, h2) = HashRefTable.Hash(raw);
        _table.TryAdd(h1, h2, seriesRef, out _);
    }

    internal static (ulong H1, ulong H2) Hash(ReadOnlySpan<byte> data) => HashRefTable.Hash(data);
}
