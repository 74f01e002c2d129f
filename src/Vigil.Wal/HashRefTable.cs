using System.Buffers.Binary;
using System.Numerics;

namespace Vigil.Wal;

/// <summary>
/// A 128-bit key -> series ref, keeping no copy of the bytes the key was hashed from (issue 5, RSS per series):
/// 24 bytes an entry plus 8-16 bytes of slots. Entries live in 48 KiB pages rather than one doubling array, which at
/// 100k series held 3 MiB in the large object heap for 2.3 MiB of entries and left the old array behind on each growth. Two independent 64-bit lanes make a wrong hit, two label sets of
/// one key, about 2^-64 likely per new label set even with billions of series; such a hit would write to the wrong
/// series, which is accepted as for any content-addressed store. Open addressing with linear probing; entries stay
/// in insertion order. Not thread-safe: its owners lock around it.
/// </summary>
internal sealed class HashRefTable
{
    private const int PageBits = 11;
    private const int PageSize = 1 << PageBits;

    // Per-process seeds: the table lives only in memory (rebuilt from the WAL at start), so the hash need not be
    // stable across runs, and a sender that does not know the seeds cannot craft two label sets that collide (the
    // per-word mixing is invertible, so with fixed seeds a colliding pair is easy to construct).
    private static readonly ulong Seed1 = (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.NextInt64() << 1);
    private static readonly ulong Seed2 = (ulong)Random.Shared.NextInt64() ^ ((ulong)Random.Shared.NextInt64() << 1);

    private Entry[]?[] _pages = [new Entry[64]];
    private int[] _slots = new int[128]; // entry index + 1; 0 = empty

    public int Count { get; private set; }

    public bool TryGet(ulong h1, ulong h2, out ulong seriesRef)
    {
        int entry = _slots[Find(h1, h2)] - 1;
        seriesRef = entry >= 0 ? At(entry).Ref : 0;
        return entry >= 0;
    }

    /// <summary>Adds the key with <paramref name="seriesRef"/> and returns true, or returns false and the ref it already has.</summary>
    public bool TryAdd(ulong h1, ulong h2, ulong seriesRef, out ulong existing)
    {
        int slot = Find(h1, h2);
        if (_slots[slot] != 0)
        {
            existing = At(_slots[slot] - 1).Ref;
            return false;
        }

        AddEntry(new Entry(h1, h2, seriesRef));
        _slots[slot] = ++Count;
        if (Count * 2 > _slots.Length)
        {
            Rehash();
        }

        existing = seriesRef;
        return true;
    }

    /// <summary>
    /// The entries in insertion order so far. Entries are written once and a grown page directory is a new array,
    /// so the caller may read them after releasing its lock.
    /// </summary>
    public InsertionOrderView InsertionOrder() => new(_pages, Count);

    /// <summary>
    /// Two 64-bit multiply-rotate lanes over 8-byte words, different constants and per-process seeds each, each with
    /// its own avalanche.
    /// </summary>
    public static (ulong H1, ulong H2) Hash(ReadOnlySpan<byte> data)
    {
        var (h1, h2) = Start(data.Length);
        while (data.Length >= 8)
        {
            Round(ref h1, ref h2, BinaryPrimitives.ReadUInt64LittleEndian(data));
            data = data[8..];
        }

        ulong tail = 0;
        for (var i = 0; i < data.Length; i++)
        {
            tail |= (ulong)data[i] << (8 * i);
        }

        return Finish(h1, h2, tail);
    }

    private const ulong M1 = 0x9E3779B97F4A7C15;
    private const ulong M2 = 0xC2B2AE3D27D4EB4F;

    private static (ulong H1, ulong H2) Start(int length) => (((ulong)length * M1) ^ Seed1, (~(ulong)length * M2) ^ Seed2);

    private static void Round(ref ulong h1, ref ulong h2, ulong word)
    {
        h1 = BitOperations.RotateLeft((h1 ^ word) * M1, 31);
        h2 = BitOperations.RotateLeft((h2 ^ word) * M2, 27) + h1;
    }

    private static (ulong H1, ulong H2) Finish(ulong h1, ulong h2, ulong tail)
    {
        h1 = (h1 ^ tail) * M1;
        h2 = ((h2 ^ tail) * M2) + h1;
        return (Mix(h1, 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53), Mix(h2, 0x94D049BB133111EB, 0xBF58476D1CE4E5B9));
    }

    /// <summary>
    /// <see cref="Hash"/> of bytes given in pieces, without joining them: the receiver hashes a label set's canonical
    /// encoding from the labels where they lie in the request (issue 5: no copy, and no second table keyed by the
    /// raw bytes). The total length must be known first, as <see cref="Hash"/> starts from it.
    /// </summary>
    internal struct Streaming
    {
        private ulong _h1;
        private ulong _h2;
        private ulong _word;
        private int _wordBytes;

        public Streaming(int totalLength) => (_h1, _h2) = Start(totalLength);

        public void Append(ReadOnlySpan<byte> data)
        {
            // Pieces are mostly a few bytes (a length, a label name): they fill the pending word a byte at a time,
            // and only runs of whole words after it are read as words.
            int i = 0;
            if (_wordBytes > 0)
            {
                for (; i < data.Length && _wordBytes < 8; i++)
                {
                    _word |= (ulong)data[i] << (8 * _wordBytes++);
                }

                if (_wordBytes < 8)
                {
                    return;
                }

                Round(ref _h1, ref _h2, _word);
                (_word, _wordBytes) = (0, 0);
            }

            for (; data.Length - i >= 8; i += 8)
            {
                Round(ref _h1, ref _h2, BinaryPrimitives.ReadUInt64LittleEndian(data[i..]));
            }

            for (; i < data.Length; i++)
            {
                _word |= (ulong)data[i] << (8 * _wordBytes++);
            }
        }

        public void AppendUvarint(ulong value)
        {
            while (value >= 0x80)
            {
                AppendByte((byte)(value | 0x80));
                value >>= 7;
            }

            AppendByte((byte)value);
        }

        private void AppendByte(byte value)
        {
            _word |= (ulong)value << (8 * _wordBytes++);
            if (_wordBytes == 8)
            {
                Round(ref _h1, ref _h2, _word);
                (_word, _wordBytes) = (0, 0);
            }
        }

        public readonly (ulong H1, ulong H2) Finish() => HashRefTable.Finish(_h1, _h2, _word);
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
            if (entry < 0)
            {
                return slot;
            }

            ref Entry e = ref At(entry);
            if (e.H1 == h1 && e.H2 == h2)
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
            var slot = (int)At(i).H1 & mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _slots[slot] = i + 1;
        }
    }

    private ref Entry At(int index) => ref _pages[index >> PageBits]![index & (PageSize - 1)];

    private void AddEntry(Entry entry)
    {
        int page = Count >> PageBits;
        if (page == _pages.Length)
        {
            Array.Resize(ref _pages, page * 2);
        }

        ref Entry[]? entries = ref _pages[page];
        int offset = Count & (PageSize - 1);
        if (entries is null)
        {
            entries = new Entry[PageSize];
        }
        else if (offset == entries.Length)
        {
            // Only the first page starts small (an idle WAL or receiver holds little) and doubles up to a page.
            Array.Resize(ref entries, entries.Length * 2);
        }

        entries[offset] = entry;
    }

    internal readonly record struct Entry(ulong H1, ulong H2, ulong Ref);

    /// <summary>The first <see cref="Count"/> entries in insertion order, as taken by <see cref="InsertionOrder"/>.</summary>
    internal readonly struct InsertionOrderView(Entry[]?[] pages, int count)
    {
        public int Count => count;

        public ulong RefAt(int index) => pages[index >> PageBits]![index & (PageSize - 1)].Ref;
    }
}
