using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb;

/// <summary>How <see cref="SeriesSlots{TKey, TPolicy}"/> finds a series' key: from the series itself, so slots hold only the reference.</summary>
internal interface ISeriesSlotKey<TKey>
{
    /// <summary>A well-spread hash; the stripe already used its low <see cref="StripeSeries.StripeBits"/> bits, so it should not depend on them alone.</summary>
    static abstract uint Hash(TKey key);

    static abstract uint HashOf(MemSeries series);

    static abstract bool Matches(MemSeries series, TKey key);

    /// <summary>How full, in eighths, the slots may get before they double.</summary>
    static abstract int MaxLoadEighths { get; }
}

/// <summary>By ref: refs within a stripe differ above the stripe bits, so the rest is a dense counter.</summary>
internal readonly struct SeriesRefKey : ISeriesSlotKey<ulong>
{
    public static uint Hash(ulong key) => (uint)(key >> StripeSeries.StripeBits);

    public static uint HashOf(MemSeries series) => Hash(series.Ref);

    public static bool Matches(MemSeries series, ulong key) => series.Ref == key;

    /// <summary>Dense keys rarely share a slot, so runs stay short even 7/8 full.</summary>
    public static int MaxLoadEighths => 7;
}

/// <summary>By labels: their cached hash, without the bits that chose the stripe; equal hashes are confirmed by content.</summary>
internal readonly struct SeriesLabelsKey : ISeriesSlotKey<Labels>
{
    public static uint Hash(Labels key) => (uint)key.GetHashCode() >> StripeSeries.StripeBits;

    public static uint HashOf(MemSeries series) => (uint)series.LabelsHash >> StripeSeries.StripeBits;

    public static bool Matches(MemSeries series, Labels key) =>
        series.LabelsHash == key.GetHashCode() && series.Labels.ContentEquals(key);

    /// <summary>Random hashes: every probe of a run reads a series, so keep runs short (only creation looks up by labels).</summary>
    public static int MaxLoadEighths => 6;
}

/// <summary>
/// A set of series keyed by something each series carries (its ref or its labels): open addressing with linear
/// probing over references only, 8 bytes a slot at most 3/4 (by labels) or 7/8 (by ref) full, where a Dictionary entry took 24 bytes plus a
/// 4-byte bucket and the same slack (issue 5, RSS per series: the head's two stripe maps were ~88 B a series at 100k).
/// Removal shifts later entries back (no tombstones), so a long-lived head with churn keeps short probe runs. Not
/// thread-safe: the stripe's lock guards it.
/// </summary>
internal sealed class SeriesSlots<TKey, TPolicy>
    where TPolicy : struct, ISeriesSlotKey<TKey>
{
    private MemSeries?[] _slots = new MemSeries?[8];

    public int Count { get; private set; }

    public MemSeries? Get(TKey key) => _slots[Find(key)];

    /// <summary>Adds <paramref name="series"/>, or replaces the series of the same key.</summary>
    public void Set(TKey key, MemSeries series)
    {
        int slot = Find(key);
        if (_slots[slot] is null)
        {
            if ((Count + 1) * 8 > _slots.Length * TPolicy.MaxLoadEighths)
            {
                Grow();
                slot = Find(key);
            }

            Count++;
        }

        _slots[slot] = series;
    }

    /// <summary>Removes the slot holding exactly <paramref name="series"/>; false if none does (another series of its key may).</summary>
    public bool Remove(MemSeries series)
    {
        int mask = _slots.Length - 1;
        int slot = (int)TPolicy.HashOf(series) & mask;
        while (_slots[slot] is { } present && !ReferenceEquals(present, series))
        {
            slot = (slot + 1) & mask;
        }

        if (_slots[slot] is null)
        {
            return false;
        }

        // Backward-shift deletion: pull later members of the run into the hole when their home is not after it.
        int hole = slot;
        for (int next = (hole + 1) & mask; _slots[next] is { } moved; next = (next + 1) & mask)
        {
            int home = (int)TPolicy.HashOf(moved) & mask;
            if (((next - home) & mask) >= ((next - hole) & mask))
            {
                _slots[hole] = moved;
                hole = next;
            }
        }

        _slots[hole] = null;
        Count--;
        return true;
    }

    public void CopyTo(List<MemSeries> destination)
    {
        foreach (var series in _slots)
        {
            if (series is not null)
            {
                destination.Add(series);
            }
        }
    }

    private int Find(TKey key)
    {
        int mask = _slots.Length - 1;
        int slot = (int)TPolicy.Hash(key) & mask;
        while (_slots[slot] is { } series && !TPolicy.Matches(series, key))
        {
            slot = (slot + 1) & mask;
        }

        return slot;
    }

    private void Grow()
    {
        var old = _slots;
        _slots = new MemSeries?[old.Length * 2];
        int mask = _slots.Length - 1;
        foreach (var series in old)
        {
            if (series is not null)
            {
                int slot = (int)TPolicy.HashOf(series) & mask;
                while (_slots[slot] is not null)
                {
                    slot = (slot + 1) & mask;
                }

                _slots[slot] = series;
            }
        }
    }
}
