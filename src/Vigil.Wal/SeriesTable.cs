using System.Buffers.Binary;
using System.Numerics;

namespace Vigil.Wal;

/// <summary>Hash over canonical label bytes; injectable so tests can force collisions.</summary>
internal delegate ulong LabelsHasher(ReadOnlySpan<byte> canonicalLabels);

/// <summary>
/// Canonical labels -> series ref. Open addressing with linear probing; label bytes live in large slabs
/// (not one array per series) so a million series cost a handful of GC objects. A hit compares bytes and
/// allocates nothing. Not thread-safe: the WAL's users synchronize with lock(wal.Series).
/// </summary>
internal sealed class SeriesTable
{
    private const int SlabSize = 1 << 20;

    private readonly LabelsHasher _hasher;
    private readonly List<byte[]> _slabs = [];
    private int _currentSlab = -1;
    private int _slabUsed;
    private Entry[] _entries = new Entry[64];
    private int[] _slots = new int[128]; // entry index + 1; 0 = empty

    public SeriesTable()
        : this(Hash)
    {
    }

    internal SeriesTable(LabelsHasher hasher) => _hasher = hasher;

    public int Count { get; private set; }

    public ulong NextRef { get; private set; } = 1;

    public bool TryGet(ReadOnlySpan<byte> canonicalLabels, out ulong seriesRef)
    {
        int slot = Find(canonicalLabels, _hasher(canonicalLabels));
        int entry = _slots[slot] - 1;
        seriesRef = entry >= 0 ? _entries[entry].Ref : 0;
        return entry >= 0;
    }

    /// <summary>Assigns the next ref to new labels (copying the bytes), or returns the existing ref.</summary>
    public ulong Add(ReadOnlySpan<byte> canonicalLabels)
    {
        ulong hash = _hasher(canonicalLabels);
        int slot = Find(canonicalLabels, hash);
        if (_slots[slot] != 0)
        {
            return _entries[_slots[slot] - 1].Ref;
        }

        ulong seriesRef = NextRef++;
        Insert(slot, hash, seriesRef, canonicalLabels);
        return seriesRef;
    }

    /// <summary>Replay: records a ref read from the log. A label set seen again keeps its first ref.</summary>
    internal void AddExisting(ulong seriesRef, ReadOnlySpan<byte> canonicalLabels)
    {
        NextRef = Math.Max(NextRef, seriesRef + 1);
        ulong hash = _hasher(canonicalLabels);
        int slot = Find(canonicalLabels, hash);
        if (_slots[slot] == 0)
        {
            Insert(slot, hash, seriesRef, canonicalLabels);
        }
    }

    /// <summary>
    /// Every (ref, canonical labels) in insertion order, without allocating: <c>foreach (WalSeriesEntry e in table.EnumerateSeries())</c>.
    /// Labels point into the table's slabs; the caller holds the table's lock for the whole loop, and keeps no span after it.
    /// </summary>
    public Enumerator EnumerateSeries() => new(this);

    /// <summary>64-bit multiply-mix hash over 8-byte words with a final avalanche (not cryptographic).</summary>
    internal static ulong Hash(ReadOnlySpan<byte> data)
    {
        const ulong M = 0x9E3779B97F4A7C15;
        ulong h = (ulong)data.Length * M;
        while (data.Length >= 8)
        {
            h = BitOperations.RotateLeft((h ^ BinaryPrimitives.ReadUInt64LittleEndian(data)) * M, 31);
            data = data[8..];
        }

        ulong tail = 0;
        for (int i = 0; i < data.Length; i++)
        {
            tail |= (ulong)data[i] << (8 * i);
        }

        h = (h ^ tail) * M;
        h ^= h >> 33;
        h *= 0xFF51AFD7ED558CCD;
        h ^= h >> 33;
        return h;
    }

    private int Find(ReadOnlySpan<byte> labels, ulong hash)
    {
        int mask = _slots.Length - 1;
        int slot = (int)hash & mask;
        while (true)
        {
            int entry = _slots[slot] - 1;
            if (entry < 0)
            {
                return slot;
            }

            ref Entry e = ref _entries[entry];
            if (e.Hash == hash && labels.SequenceEqual(_slabs[e.Slab].AsSpan(e.Offset, e.Length)))
            {
                return slot;
            }

            slot = (slot + 1) & mask;
        }
    }

    private void Insert(int slot, ulong hash, ulong seriesRef, ReadOnlySpan<byte> labels)
    {
        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        _entries[Count] = new Entry(hash, seriesRef, Store(labels, out int offset), offset, labels.Length);
        _slots[slot] = ++Count;
        if (Count * 2 > _slots.Length)
        {
            Rehash();
        }
    }

    private int Store(ReadOnlySpan<byte> labels, out int offset)
    {
        offset = 0;
        if (labels.Length > SlabSize / 4)
        {
            // Oversized label sets get an array of their own so they do not waste most of a slab.
            _slabs.Add(labels.ToArray());
            return _slabs.Count - 1;
        }

        if (_currentSlab < 0 || labels.Length > SlabSize - _slabUsed)
        {
            _slabs.Add(GC.AllocateUninitializedArray<byte>(SlabSize));
            _currentSlab = _slabs.Count - 1;
            _slabUsed = 0;
        }

        offset = _slabUsed;
        labels.CopyTo(_slabs[_currentSlab].AsSpan(offset));
        _slabUsed += labels.Length;
        return _currentSlab;
    }

    private void Rehash()
    {
        _slots = new int[_slots.Length * 2];
        int mask = _slots.Length - 1;
        for (int i = 0; i < Count; i++)
        {
            int slot = (int)_entries[i].Hash & mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _slots[slot] = i + 1;
        }
    }

    private readonly record struct Entry(ulong Hash, ulong Ref, int Slab, int Offset, int Length);

    internal ref struct Enumerator
    {
        private readonly SeriesTable _table;
        private int _index;

        public Enumerator(SeriesTable table)
        {
            _table = table;
            _index = -1;
        }

        public readonly WalSeriesEntry Current
        {
            get
            {
                ref readonly Entry e = ref _table._entries[_index];
                return new WalSeriesEntry(e.Ref, _table._slabs[e.Slab].AsSpan(e.Offset, e.Length));
            }
        }

        public readonly Enumerator GetEnumerator() => this;

        public bool MoveNext() => ++_index < _table.Count;
    }
}
