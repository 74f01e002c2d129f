using Vigil.RemoteWrite.Codec;
using Vigil.Wal;

namespace Vigil.RemoteWrite.Receive;

/// <summary>
/// Raw remote-write 1.0 label bytes -> the WAL series table's entry, keyed by a hash of those bytes alone.
/// It keeps no copy of the labels: the table already holds every series' canonical bytes, and a second copy in
/// the sender's encoding was ~0.15 KiB per series at 100k series (docs/benchmarks.md, issue 5, lever 1). An
/// entry is its hash and table index (12 bytes) plus a slot. A hit is confirmed by comparing the request's
/// decoded labels, in order, with the table's canonical bytes, so a collision or a sender that does not sort
/// its labels costs a miss (the full path), never a wrong ref. Not thread-safe: guarded by lock(wal.Series),
/// like the table it points into; entries are never removed from the table, so indexes cannot go stale.
/// </summary>
internal sealed class RawLabelsCache
{
    private readonly LabelsHasher _hasher;
    private ulong[] _hashes = new ulong[64];
    private int[] _indexes = new int[64];
    private int[] _slots = new int[128]; // entry + 1; 0 = empty

    public RawLabelsCache()
        : this(SeriesTable.Hash)
    {
    }

    internal RawLabelsCache(LabelsHasher hasher) => _hasher = hasher;

    public int Count { get; private set; }

    /// <summary>The ref of <paramref name="series"/> when its raw labels were cached and equal the table's labels.</summary>
    public bool TryGet(ReadOnlySpan<byte> raw, DecodedWriteRequest request, in DecodedSeries series, SeriesTable table, out ulong seriesRef)
    {
        ulong hash = _hasher(raw);
        int mask = _slots.Length - 1;
        for (int slot = (int)hash & mask; _slots[slot] != 0; slot = (slot + 1) & mask)
        {
            int entry = _slots[slot] - 1;
            if (_hashes[entry] == hash && SameLabels(request, series, table.LabelsAt(_indexes[entry])))
            {
                seriesRef = table.RefAt(_indexes[entry]);
                return true;
            }
        }

        seriesRef = 0;
        return false;
    }

    /// <summary>Remembers that <paramref name="raw"/> names the table's entry <paramref name="tableIndex"/>; a repeat is ignored.</summary>
    public void Add(ReadOnlySpan<byte> raw, int tableIndex)
    {
        ulong hash = _hasher(raw);
        int mask = _slots.Length - 1;
        int slot = (int)hash & mask;
        for (; _slots[slot] != 0; slot = (slot + 1) & mask)
        {
            // A sender whose labels are unsorted never gets a confirmed hit, so it would come back here on every
            // request: the repeat check keeps the cache from growing with it.
            int entry = _slots[slot] - 1;
            if (_hashes[entry] == hash && _indexes[entry] == tableIndex)
            {
                return;
            }
        }

        if (Count == _hashes.Length)
        {
            Array.Resize(ref _hashes, Count * 2);
            Array.Resize(ref _indexes, Count * 2);
        }

        _hashes[Count] = hash;
        _indexes[Count] = tableIndex;
        _slots[slot] = ++Count;
        if (Count * 2 > _slots.Length)
        {
            Rehash();
        }
    }

    private static bool SameLabels(DecodedWriteRequest request, in DecodedSeries series, ReadOnlySpan<byte> canonical)
    {
        var reader = new CanonicalLabelsReader(canonical);
        var labels = request.LabelsOf(series);
        if (reader.Count != labels.Length)
        {
            return false;
        }

        foreach (ref readonly var label in labels)
        {
            reader.MoveNext();
            if (!reader.Name.SequenceEqual(request.Name(label)) || !reader.Value.SequenceEqual(request.Value(label)))
            {
                return false;
            }
        }

        return true;
    }

    private void Rehash()
    {
        _slots = new int[_slots.Length * 2];
        int mask = _slots.Length - 1;
        for (int i = 0; i < Count; i++)
        {
            int slot = (int)_hashes[i] & mask;
            while (_slots[slot] != 0)
            {
                slot = (slot + 1) & mask;
            }

            _slots[slot] = i + 1;
        }
    }
}
