namespace Vigil.Monitors.Scheduling;

/// <summary>
/// A hashed timing wheel (Varghese and Lauck): <c>slots</c> buckets of one tick each, an entry in the bucket of
/// its due tick modulo the slot count. Adding, removing and firing are O(1) per entry whatever the number of
/// monitors; an entry further away than one turn simply stays in its bucket until the turn that reaches it.
/// Not thread-safe: the scheduler calls it under its lock.
/// </summary>
internal sealed class TimingWheel<T>
    where T : class
{
    private readonly Entry?[] _slots;
    private readonly int _mask;
    private long _current;

    /// <param name="slots">A power of two.</param>
    /// <param name="startTick">The tick considered already processed.</param>
    public TimingWheel(int slots, long startTick)
    {
        if (slots <= 0 || (slots & (slots - 1)) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(slots), "must be a power of two");
        }

        _slots = new Entry?[slots];
        _mask = slots - 1;
        _current = startTick;
    }

    public int Count { get; private set; }

    /// <summary>The last tick whose entries were fired.</summary>
    public long CurrentTick => _current;

    /// <summary>Schedules <paramref name="entry"/> at <paramref name="dueTick"/>; a tick already passed fires at the next advance.</summary>
    public void Add(Entry entry, long dueTick)
    {
        if (entry.Slot >= 0)
        {
            throw new InvalidOperationException("entry is already scheduled");
        }

        entry.DueTick = Math.Max(dueTick, _current + 1);
        var slot = (int)(entry.DueTick & _mask);
        entry.Slot = slot;
        entry.Prev = null;
        entry.Next = _slots[slot];
        if (entry.Next is not null)
        {
            entry.Next.Prev = entry;
        }

        _slots[slot] = entry;
        Count++;
    }

    /// <summary>Takes <paramref name="entry"/> out of the wheel; false when it was not in it.</summary>
    public bool Remove(Entry entry)
    {
        if (entry.Slot < 0)
        {
            return false;
        }

        if (entry.Prev is null)
        {
            _slots[entry.Slot] = entry.Next;
        }
        else
        {
            entry.Prev.Next = entry.Next;
        }

        if (entry.Next is not null)
        {
            entry.Next.Prev = entry.Prev;
        }

        entry.Slot = -1;
        entry.Next = entry.Prev = null;
        Count--;
        return true;
    }

    /// <summary>
    /// Fires every entry due up to <paramref name="tick"/>: removes it and adds it to <paramref name="due"/>. After a
    /// stall longer than a turn, each bucket is visited once, not once per missed turn.
    /// </summary>
    public void Advance(long tick, List<Entry> due)
    {
        if (tick <= _current)
        {
            return;
        }

        var steps = Math.Min(tick - _current, _slots.Length);
        for (var t = tick - steps + 1; t <= tick; t++)
        {
            var entry = _slots[(int)(t & _mask)];
            while (entry is not null)
            {
                var next = entry.Next;
                if (entry.DueTick <= tick)
                {
                    Remove(entry);
                    due.Add(entry);
                }

                entry = next;
            }
        }

        _current = tick;
    }

    /// <summary>One scheduled item; reusable after it fired or was removed.</summary>
    internal sealed class Entry(T value)
    {
        public T Value { get; } = value;

        public long DueTick { get; internal set; }

        internal int Slot { get; set; } = -1;

        internal Entry? Next { get; set; }

        internal Entry? Prev { get; set; }

        public bool IsScheduled => Slot >= 0;
    }
}
