using System.Numerics;

namespace Vigil.Tsdb.Index;

/// <summary>
/// The series refs of one label pair (or of every series), sorted ascending, without repeats. Refs are kept in
/// 4 bytes while they fit (issue 5, RSS per series: the head's lists were 5.3 MiB of 8-byte refs at 100k series);
/// a list that gets a ref past 2^32 (after four billion series were created in one head) widens to 8 bytes. Not
/// thread-safe: <see cref="MemPostings"/> guards it with its lock.
/// </summary>
internal sealed class PostingsList
{
    private uint[] _narrow = new uint[4];
    private ulong[]? _wide;
    private int _count;

    /// <summary>The list's label pair, as first added (null for the list of every series); series share it.</summary>
    public LabelPair? Pair { get; init; }

    public int Count => _count;

    /// <summary>The live list; valid only while the index's lock is held and nothing is added or removed.</summary>
    public PostingsRefs Refs => _wide is null ? new PostingsRefs(_narrow.AsMemory(0, _count)) : new PostingsRefs(_wide.AsMemory(0, _count));

    public ulong[] ToArray() => Refs.ToArray();

    /// <summary>
    /// Adds <paramref name="seriesRef"/>. Refs are handed out in increasing order, so this is an append; two series
    /// created at once by different threads can arrive swapped, and the insertion walk from the end puts the
    /// later one back in place in a step or two (Prometheus's <c>MemPostings.addFor</c> does the same).
    /// </summary>
    public void Add(ulong seriesRef)
    {
        if (_wide is null && seriesRef > uint.MaxValue)
        {
            _wide = ToArray();
            Array.Resize(ref _wide, Math.Max(4, _count * 2));
            _narrow = [];
        }

        if (_wide is null)
        {
            Insert(ref _narrow, _count, (uint)seriesRef);
        }
        else
        {
            Insert(ref _wide, _count, seriesRef);
        }

        _count++;
    }

    /// <summary>Removes every ref in <paramref name="deleted"/> in one pass; returns how many went.</summary>
    public int RemoveAll(HashSet<ulong> deleted)
    {
        int kept = _wide is null ? RemoveAll(ref _narrow, _count, deleted) : RemoveAll(ref _wide, _count, deleted);
        int removed = _count - kept;
        _count = kept;
        return removed;
    }

    private static void Insert<T>(ref T[] refs, int count, T seriesRef)
        where T : struct, IBinaryInteger<T>
    {
        if (count == refs.Length)
        {
            Array.Resize(ref refs, refs.Length * 2);
        }

        int i = count;
        while (i > 0 && refs[i - 1] > seriesRef)
        {
            refs[i] = refs[i - 1];
            i--;
        }

        refs[i] = seriesRef;
    }

    private static int RemoveAll<T>(ref T[] refs, int count, HashSet<ulong> deleted)
        where T : struct, IBinaryInteger<T>
    {
        int kept = 0;
        for (int i = 0; i < count; i++)
        {
            if (!deleted.Contains(ulong.CreateTruncating(refs[i])))
            {
                refs[kept++] = refs[i];
            }
        }

        // Give memory back when a list shrank to a quarter, as churn would otherwise keep the peak forever.
        if (refs.Length > 16 && kept < refs.Length / 4)
        {
            Array.Resize(ref refs, Math.Max(4, kept * 2));
        }

        return kept;
    }
}

/// <summary>One live postings list of the head, in 4-byte refs (<see cref="Narrow"/>) or, once widened, 8-byte ones.</summary>
internal readonly struct PostingsRefs
{
    public PostingsRefs(ReadOnlyMemory<uint> narrow) => Narrow = narrow;

    public PostingsRefs(ReadOnlyMemory<ulong> wide) => (Wide, IsWide) = (wide, true);

    public ReadOnlyMemory<uint> Narrow { get; }

    public ReadOnlyMemory<ulong> Wide { get; }

    public bool IsWide { get; }

    public int Length => IsWide ? Wide.Length : Narrow.Length;

    public void CopyTo(Span<ulong> destination)
    {
        if (IsWide)
        {
            Wide.Span.CopyTo(destination);
            return;
        }

        ReadOnlySpan<uint> narrow = Narrow.Span;
        for (int i = 0; i < narrow.Length; i++)
        {
            destination[i] = narrow[i];
        }
    }

    public ulong[] ToArray()
    {
        var refs = new ulong[Length];
        CopyTo(refs);
        return refs;
    }
}
