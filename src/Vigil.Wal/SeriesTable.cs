using Vigil.Common.Hashing;

namespace Vigil.Wal;

/// <summary>A label set as byte spans, in order, for <see cref="SeriesTable.HashLabels"/>.</summary>
internal interface ILabelSpans
{
    int Count { get; }

    ReadOnlySpan<byte> Name(int index);

    ReadOnlySpan<byte> Value(int index);
}

/// <summary>
/// Canonical labels -> series ref, keyed by a 128-bit hash of the bytes (<see cref="HashRefTable"/>, with its
/// ~2^-64 wrong-hit argument), so a lookup compares 16 bytes and allocates nothing. The labels themselves are needed
/// only by the checkpoint, which writes every series again: they go to a compressed log in insertion order instead
/// of uncompressed slabs (issue 5, RSS per series: ~0.15 KiB a series at 100k node_exporter series became ~0.05).
/// Not thread-safe: the WAL's users synchronize with lock(wal.Series).
/// </summary>
internal sealed class SeriesTable
{
    private readonly HashRefTable _refs = new();
    private readonly SeriesLabelLog _labels = new();

    public int Count => _refs.Count;

    public ulong NextRef { get; private set; } = 1;

    public bool TryGet(ReadOnlySpan<byte> canonicalLabels, out ulong seriesRef)
    {
        var (h1, h2) = Hash128.Hash(canonicalLabels);
        return _refs.TryGet(h1, h2, out seriesRef);
    }

    /// <summary>
    /// The key <see cref="TryGet(ulong, ulong, out ulong)"/> takes, for labels given as (name, value) byte spans in
    /// order, without writing their canonical encoding (<see cref="CanonicalLabelsWriter"/>): the same value as
    /// hashing that encoding. Computed outside the table's lock.
    /// </summary>
    public static (ulong H1, ulong H2) HashLabels<TLabels>(TLabels labels)
        where TLabels : ILabelSpans, allows ref struct
    {
        int count = labels.Count;
        int length = Varint.UvarintSize((ulong)count);
        for (int i = 0; i < count; i++)
        {
            length += CanonicalLabels.LabelByteCount(labels.Name(i).Length, labels.Value(i).Length);
        }

        var hash = new Hash128.Streaming(length);
        hash.AppendUvarint((ulong)count);
        for (int i = 0; i < count; i++)
        {
            var name = labels.Name(i);
            var value = labels.Value(i);
            hash.AppendUvarint((ulong)name.Length);
            hash.Append(name);
            hash.AppendUvarint((ulong)value.Length);
            hash.Append(value);
        }

        return hash.Finish();
    }

    /// <summary><see cref="TryGet(ReadOnlySpan{byte}, out ulong)"/> with the labels already hashed by <see cref="HashLabels"/>.</summary>
    public bool TryGet(ulong h1, ulong h2, out ulong seriesRef) => _refs.TryGet(h1, h2, out seriesRef);

    /// <summary>Assigns the next ref to new labels (keeping a compressed copy for checkpoints), or returns the existing ref.</summary>
    public ulong Add(ReadOnlySpan<byte> canonicalLabels)
    {
        var (h1, h2) = Hash128.Hash(canonicalLabels);
        if (_refs.TryAdd(h1, h2, NextRef, out ulong seriesRef))
        {
            NextRef++;
            _labels.Append(canonicalLabels);
        }

        return seriesRef;
    }

    /// <summary>Replay: records a ref read from the log. A label set seen again keeps its first ref.</summary>
    internal void AddExisting(ulong seriesRef, ReadOnlySpan<byte> canonicalLabels)
    {
        NextRef = Math.Max(NextRef, seriesRef + 1);
        var (h1, h2) = Hash128.Hash(canonicalLabels);
        if (_refs.TryAdd(h1, h2, seriesRef, out _))
        {
            _labels.Append(canonicalLabels);
        }
    }

    /// <summary>
    /// Every (ref, canonical labels) so far in insertion order. Taken under the table's lock, which it copies little
    /// of (the open label block); reading and decompressing it happens after the lock is released. Dispose it.
    /// </summary>
    public Snapshot TakeSnapshot()
    {
        return new Snapshot(_refs.InsertionOrder(), _labels.Snapshot());
    }

    internal sealed class Snapshot(HashRefTable.InsertionOrderView entries, SeriesLabelLog.View labelLog) : IDisposable
    {
        private int _index = -1;

        /// <summary>The next series; <paramref name="labels"/> is valid until the next call.</summary>
        public bool TryReadNext(out ulong seriesRef, out ReadOnlySpan<byte> labels)
        {
            if (++_index >= entries.Count || !labelLog.TryReadNext(out labels))
            {
                seriesRef = 0;
                labels = default;
                return false;
            }

            seriesRef = entries.RefAt(_index);
            return true;
        }

        public void Dispose() => labelLog.Dispose();
    }
}
