using Vigil.Tsdb.Index;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Feed;

/// <summary>
/// WAL series ref → head series ref and labels, the labels as the head keeps them (shared pairs, no copy of their
/// own). The WAL hands out refs densely from 1 (SeriesTable.NextRef), so entries live in pages indexed by the ref
/// itself: 16 bytes a series instead of the ~50 a Dictionary took (issue 5, RSS per series). A ref far beyond the dense range (only a damaged or foreign WAL has one) goes to a dictionary,
/// so one odd ref cannot allocate a huge page directory. Not thread-safe: one feeder owns it at a time.
/// </summary>
internal sealed class WalRefMap
{
    /// <summary>4096 entries of 16 bytes: 64 KiB pages, below the large object heap's 85,000 bytes.</summary>
    private const int PageBits = 12;
    private const int PageSize = 1 << PageBits;

    /// <summary>Refs up to 2^28 (268M series) are paged; the directory then tops out at 64K pointers.</summary>
    private const ulong DenseLimit = 1UL << 28;

    private Entry[]?[] _pages = [];
    private Dictionary<ulong, Entry>? _sparse;

    public int Count { get; private set; }

    public bool TryGet(ulong walRef, out SeriesRef seriesRef, out InternedLabels labels)
    {
        Entry entry = default;
        if (walRef < DenseLimit)
        {
            int page = (int)(walRef >> PageBits);
            if (page < _pages.Length && _pages[page] is { } entries)
            {
                entry = entries[(int)walRef & (PageSize - 1)];
            }
        }
        else
        {
            _sparse?.TryGetValue(walRef, out entry);
        }

        seriesRef = entry.Ref;
        labels = entry.Labels;
        return entry.Ref.Value != 0;
    }

    /// <summary>Adds or replaces the entry of <paramref name="walRef"/>.</summary>
    public void Set(ulong walRef, SeriesRef seriesRef, InternedLabels labels)
    {
        ArgumentOutOfRangeException.ThrowIfZero(seriesRef.Value);
        var entry = new Entry(seriesRef, labels);
        if (walRef >= DenseLimit)
        {
            _sparse ??= [];
            if (_sparse.TryAdd(walRef, entry))
            {
                Count++;
            }
            else
            {
                _sparse[walRef] = entry;
            }

            return;
        }

        int page = (int)(walRef >> PageBits);
        if (page >= _pages.Length)
        {
            Array.Resize(ref _pages, Math.Max(page + 1, _pages.Length * 2));
        }

        ref Entry slot = ref (_pages[page] ??= new Entry[PageSize])[(int)walRef & (PageSize - 1)];
        if (slot.Ref.Value == 0)
        {
            Count++;
        }

        slot = entry;
    }

    /// <summary>A zero <see cref="Ref"/> marks an empty slot: head refs start at 1.</summary>
    private readonly record struct Entry(SeriesRef Ref, InternedLabels Labels);
}
