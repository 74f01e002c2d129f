using System.Numerics;

namespace Vigil.Tsdb.Index;

/// <summary>
/// Set operations on ascending, repeat-free ref lists (the jobs of Prometheus's <c>index.Merge</c>,
/// <c>Intersect</c> and <c>Without</c>). Results are arrays; what is only tested against a result is walked in
/// place, never copied. The lists are the head's live postings or a block's, decoded (<see cref="PostingsSelection"/>).
/// </summary>
internal static class SortedRefs
{
    /// <summary>The union of <paramref name="lists"/>, sorted, by merging them in pairs (n log k, no sort).</summary>
    public static ulong[] Union(IReadOnlyList<ReadOnlyMemory<ulong>> lists) => Union<ReadOnlyMemory<ulong>, WideLists>(lists);

    /// <summary>The union of the head's <paramref name="lists"/> (<see cref="Union(IReadOnlyList{ReadOnlyMemory{ulong}})"/>).</summary>
    public static ulong[] Union(IReadOnlyList<PostingsRefs> lists) => Union<PostingsRefs, HeadLists>(lists);

    /// <summary>
    /// The refs of <paramref name="refs"/> found in any of <paramref name="lists"/> (<paramref name="keepFound"/>),
    /// or those found in none: an intersection with a union, or a subtraction of one, without building the union.
    /// </summary>
    public static ulong[] Filter(ulong[] refs, IReadOnlyList<ReadOnlyMemory<ulong>> lists, bool keepFound) =>
        Filter<ReadOnlyMemory<ulong>, WideLists>(refs, lists, keepFound);

    /// <summary>The head's lists (<see cref="Filter(ulong[], IReadOnlyList{ReadOnlyMemory{ulong}}, bool)"/>).</summary>
    public static ulong[] Filter(ulong[] refs, IReadOnlyList<PostingsRefs> lists, bool keepFound) =>
        Filter<PostingsRefs, HeadLists>(refs, lists, keepFound);

    private static ulong[] Union<TList, TOps>(IReadOnlyList<TList> lists)
        where TOps : struct, IRefLists<TList>
    {
        if (lists.Count == 0)
        {
            return [];
        }

        int total = 0;
        foreach (var list in lists)
        {
            total += TOps.Length(list);
        }

        // Runs laid end to end in one buffer, merged pairwise into the other until one run is left.
        var source = new ulong[total];
        var runEnds = new List<int>(lists.Count);
        int n = 0;
        foreach (var list in lists)
        {
            TOps.CopyTo(list, source.AsSpan(n));
            n += TOps.Length(list);
            runEnds.Add(n);
        }

        if (lists.Count == 1)
        {
            return source;
        }

        var target = new ulong[total];
        while (runEnds.Count > 1)
        {
            var merged = new List<int>((runEnds.Count + 1) / 2);
            int start = 0, written = 0;
            for (int i = 0; i < runEnds.Count; i += 2)
            {
                int mid = runEnds[i];
                int end = i + 1 < runEnds.Count ? runEnds[i + 1] : mid;
                written += Merge(source.AsSpan(start, mid - start), source.AsSpan(mid, end - mid), target.AsSpan(written));
                merged.Add(written);
                start = end;
            }

            (source, target, runEnds) = (target, source, merged);
        }

        return runEnds[0] == source.Length ? source : source.AsSpan(0, runEnds[0]).ToArray();
    }

    private static ulong[] Filter<TList, TOps>(ulong[] refs, IReadOnlyList<TList> lists, bool keepFound)
        where TOps : struct, IRefLists<TList>
    {
        var found = new bool[refs.Length];
        foreach (var list in lists)
        {
            TOps.Mark(refs, list, found);
        }

        int count = 0;
        foreach (bool f in found)
        {
            count += f == keepFound ? 1 : 0;
        }

        if (count == refs.Length)
        {
            return refs;
        }

        var result = new ulong[count];
        int n = 0;
        for (int i = 0; i < refs.Length; i++)
        {
            if (found[i] == keepFound)
            {
                result[n++] = refs[i];
            }
        }

        return result;
    }

    /// <summary>Sets <paramref name="found"/>[i] for each ref of <paramref name="refs"/> in <paramref name="list"/>.</summary>
    private static void Mark<T>(ReadOnlySpan<ulong> refs, ReadOnlySpan<T> list, bool[] found)
        where T : struct, IBinaryInteger<T>
    {
        if (list.Length * 16L < refs.Length)
        {
            // A short list against many refs: search each of its refs, never walking the long side.
            int from = 0;
            foreach (T r in list)
            {
                int i = refs[from..].BinarySearch(ulong.CreateTruncating(r));
                if (i >= 0)
                {
                    found[from + i] = true;
                    from += i + 1;
                }
                else
                {
                    from += ~i;
                }
            }
        }
        else if (refs.Length * 16L < list.Length)
        {
            int from = 0;
            for (int k = 0; k < refs.Length; k++)
            {
                if (refs[k] > ulong.CreateTruncating(T.AllBitsSet))
                {
                    // Past what a 4-byte list can hold: neither this ref nor any later one is in it.
                    break;
                }

                int i = list[from..].BinarySearch(T.CreateTruncating(refs[k]));
                if (i >= 0)
                {
                    found[k] = true;
                    from += i + 1;
                }
                else
                {
                    from += ~i;
                }
            }
        }
        else
        {
            int i = 0, j = 0;
            while (i < refs.Length && j < list.Length)
            {
                ulong r = ulong.CreateTruncating(list[j]);
                if (refs[i] == r)
                {
                    found[i++] = true;
                    j++;
                }
                else if (refs[i] < r)
                {
                    i++;
                }
                else
                {
                    j++;
                }
            }
        }
    }

    /// <summary>Merges two sorted runs into <paramref name="into"/>, writing a ref in both once; returns the count written.</summary>
    private static int Merge(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b, Span<ulong> into)
    {
        int i = 0, j = 0, n = 0;
        while (i < a.Length && j < b.Length)
        {
            if (a[i] < b[j])
            {
                into[n++] = a[i++];
            }
            else if (a[i] > b[j])
            {
                into[n++] = b[j++];
            }
            else
            {
                into[n++] = a[i++];
                j++;
            }
        }

        a[i..].CopyTo(into[n..]);
        n += a.Length - i;
        b[j..].CopyTo(into[n..]);
        return n + b.Length - j;
    }

    /// <summary>How the set operations read one kind of list, resolved at compile time so each loop stays specialized.</summary>
    private interface IRefLists<TList>
    {
        static abstract int Length(TList list);

        static abstract void CopyTo(TList list, Span<ulong> destination);

        static abstract void Mark(ReadOnlySpan<ulong> refs, TList list, bool[] found);
    }

    private readonly struct WideLists : IRefLists<ReadOnlyMemory<ulong>>
    {
        public static int Length(ReadOnlyMemory<ulong> list) => list.Length;

        public static void CopyTo(ReadOnlyMemory<ulong> list, Span<ulong> destination) => list.Span.CopyTo(destination);

        public static void Mark(ReadOnlySpan<ulong> refs, ReadOnlyMemory<ulong> list, bool[] found) => SortedRefs.Mark(refs, list.Span, found);
    }

    private readonly struct HeadLists : IRefLists<PostingsRefs>
    {
        public static int Length(PostingsRefs list) => list.Length;

        public static void CopyTo(PostingsRefs list, Span<ulong> destination) => list.CopyTo(destination);

        public static void Mark(ReadOnlySpan<ulong> refs, PostingsRefs list, bool[] found)
        {
            if (list.IsWide)
            {
                SortedRefs.Mark(refs, list.Wide.Span, found);
            }
            else
            {
                SortedRefs.Mark(refs, list.Narrow.Span, found);
            }
        }
    }
}
