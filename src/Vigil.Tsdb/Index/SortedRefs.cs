namespace Vigil.Tsdb.Index;

/// <summary>
/// Set operations on ascending, repeat-free ref lists (the jobs of Prometheus's <c>index.Merge</c>,
/// <c>Intersect</c> and <c>Without</c>). Results are arrays; what is only tested against a result is walked in
/// place, never copied. The lists are the head's live postings or a block's, decoded (<see cref="PostingsSelection"/>).
/// </summary>
internal static class SortedRefs
{
    /// <summary>The union of <paramref name="lists"/>, sorted, by merging them in pairs (n log k, no sort).</summary>
    public static ulong[] Union(IReadOnlyList<ReadOnlyMemory<ulong>> lists)
    {
        switch (lists.Count)
        {
            case 0:
                return [];
            case 1:
                return lists[0].ToArray();
        }

        int total = 0;
        foreach (var list in lists)
        {
            total += list.Length;
        }

        // Runs laid end to end in one buffer, merged pairwise into the other until one run is left.
        var source = new ulong[total];
        var runEnds = new List<int>(lists.Count);
        int n = 0;
        foreach (var list in lists)
        {
            list.Span.CopyTo(source.AsSpan(n));
            n += list.Length;
            runEnds.Add(n);
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

    /// <summary>
    /// The refs of <paramref name="refs"/> found in any of <paramref name="lists"/> (<paramref name="keepFound"/>),
    /// or those found in none: an intersection with a union, or a subtraction of one, without building the union.
    /// </summary>
    public static ulong[] Filter(ulong[] refs, IReadOnlyList<ReadOnlyMemory<ulong>> lists, bool keepFound)
    {
        var found = new bool[refs.Length];
        foreach (var list in lists)
        {
            Mark(refs, list.Span, found);
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
    private static void Mark(ReadOnlySpan<ulong> refs, ReadOnlySpan<ulong> list, bool[] found)
    {
        if (list.Length * 16L < refs.Length)
        {
            // A short list against many refs: search each of its refs, never walking the long side.
            int from = 0;
            foreach (ulong r in list)
            {
                int i = refs[from..].BinarySearch(r);
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
                int i = list[from..].BinarySearch(refs[k]);
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
                if (refs[i] == list[j])
                {
                    found[i++] = true;
                    j++;
                }
                else if (refs[i] < list[j])
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
}
