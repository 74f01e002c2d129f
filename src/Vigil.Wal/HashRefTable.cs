using System.Buffers.Binary;
using System.Numerics;

namespace Vigil.Wal;

/// <summary>
/// A 128-bit key -> series ref, keeping no copy of the bytes the key was hashed from (issue 5, RSS per series):
/// 24 bytes an entry plus 8-16 bytes of slots. Two independent 64-bit lanes make a wrong hit, two label sets of
/// one key, about 2^-64 likely per new label set even with billions of series; such a hit would write to the wrong
/// series, which is accepted as for any content-addressed store. Open addressing with linear probing; entries stay
/// in insertion order. Not thread-safe: its owners lock around it.
/// </summary>
internal sealed class HashRefTable
{
    private Entry[] _entries = new Entry[64];
    private int[] _slots = new int[128]; // entry index + 1; 0 = empty

    public int Count { get; private set; }

    public bool TryGet(ulong h1, ulong h2, out ulong seriesRef)
    {
        int entry = _slots[Find(h1, h2)] - 1;
        seriesRef = entry >= 0 ? _entries[entry].Ref : 0;
        return entry >= 0;
    }

    /// <summary>Adds the key with <paramref name="seriesRef"/> and returns true, or returns false and the ref it already has.</summary>
    public bool TryAdd(ulong h1, ulong h2, ulong seriesRef, out ulong existing)
    {
        int slot = Find(h1, h2);
        if (_slots[slot] != 0)
        {
            existing = _entries[_slots[slot] - 1].Ref;
            return false;
        }

        if (Count == _entries.Length)
        {
            Array.Resize(ref _entries, _entries.Length * 2);
        }

        _entries[Count] = new Entry(h1, h2, seriesRef);
        _slots[slot] = ++Count;
        if (Count * 2 > _slots.Length)
        {
            Rehash();
        }

        existing = seriesRef;
        return true;
    }

    /// <summary>
    /// The refs in insertion order, first <see cref="Count"/> of the returned array. Entries are written once and a
    /// grown array is a new one, so the caller may read them after releasing its lock.
    /// </summary>
    public (Entry[] Entries, int Count) InsertionOrder() => (_entries, Count);

    /// <summary>Two 64-bit multiply-rotate lanes over 8-byte words, different constants each, each with its own avalanche.</summary>
    public static (ulong H1, ulong H2) Hash(ReadOnlySpan<byte> data)
    {
        const ulong M1 = 0x9E3779B97F4A7C15;
        const ulong M2 = 0xC2B2AE3D27D4EB4F;
        var h1 = (ulong)data.Length * M1;
        var h2 = ~(ulong)data.Length * M2;
        while (data.Length >= 8)
        {
            var word = BinaryPrimitives.ReadUInt64LittleEndian(data);
            h1 = BitOperations.RotateLeft((h1 ^ word) * M1, 31);
            h2 = BitOperations.RotateLeft((h2 ^ word) * M2, 27) + h1;
            data = data[8..];
        }

        ulong tail = 0;
        for (var i = 0; i < data.Length; i++)
        {
            tail |= (ulong)data[i] << (8 * i);
        }

        h1 = (h1 ^ tail) * M1;
        h2 = ((h2 ^ tail) * M2) + h1;
        return (Mix(h1, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53), Mix(h2, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9));
    }

    private static ulong Mix(ulong h, ulong a, ulong b)
    {
        h ^= h >> 33;
        h *= a;
        h ^= h >> 29;
        h *= b;
        return h ^ (h >> 32);
    }

    private int Find(ulong h1, ulong h2)
    {
        var mask = _slots.Length - 1;
        var slot = (int)h1 & mask;
        while (true)
        {
            var entry = _slots[slot] - 1;
            if (entry < 0 || (_entries[entry].H1 == h1 && _entries[entry].H2 == h2))
            {
                return slot;
            }

            slot = (slot + 1) & mask;
        }
    }

    private void Rehash()
    {
        _slots = new int[_slots.Length * 2];
        var mask = _slots.Length - 1;
        for (var i = 0; i < Count; i++)
        {
            var slot = (int)_entries[i].H1 & mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _slots[slot] = i + 1;
        }
    }

    internal readonly record struct Entry(ulong H1, ulong H2, ulong Ref);
}
