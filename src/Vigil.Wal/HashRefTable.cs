namespace Vigil.Wal;

/// <summary>
/// A 128-bit key (<see cref="Vigil.Common.Hashing.Hash128"/>) -> series ref, keeping no copy of the bytes the key was hashed from (issue 5, RSS per series):
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
