namespace Vigil.Tsdb.Index;

/// <summary>
/// Set operations on ascending, repeat-free ref lists (Prometheus's <c>index.Intersect</c>, <c>Merge</c> and
/// <c>Without</c>, materialised into arrays: head postings are in memory, so a lazy iterator tree buys nothing).
/// </summary>
internal static class SortedRefs
{
    /// <summary>Refs in both lists.</summary>
    public static ulong[] Intersect(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        if (a.Length > b.Length)
        {
            return Intersect(b, a);
        }

        var result = new ulong[a.Length];
        int n = 0;
        if (a.Length * 16 < b.Length)
        {
            // A short list against a long one: a binary search per ref beats walking the long list.
            int from = 0;
            foreach (ulong r in a)
            {
                int i = b[from..].BinarySearch(r);
                if (i >= 0)
                {
                    result[n++] = r;
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
            while (i < a.Length && j < b.Length)
            {
                if (a[i] == b[j])
                {
                    result[n++] = a[i];
                    i++;
                    j++;
                }
                else if (a[i] < b[j])
                {
                    i++;
                }
                else
                {
                    j++;
                }
            }
        }

        return Trim(result, n);
    }

    /// <summary>Refs of <paramref name="a"/> that are not in <paramref name="b"/>.</summary>
    public static ulong[] Subtract(ReadOnlySpan<ulong> a, ReadOnlySpan<ulong> b)
    {
        var result = new ulong[a.Length];
        int n = 0, j = 0;
        foreach (ulong r in a)
        {
            while (j < b.Length && b[j] < r)
            {
                j++;
            }

            if (j == b.Length || b[j] != r)
            {
                result[n++] = r;
            }
        }

        return Trim(result, n);
    }

    /// <summary>
    /// The union of <paramref name="lists"/>, sorted. Lists of different values of one label name never share a
    /// ref (a series has one value per name), so concatenating and sorting suffices; repeats are dropped anyway
    /// so that the result is a set whatever the caller passes.
    /// </summary>
    public static ulong[] Union(List<PostingsList> lists)
    {
        switch (lists.Count)
        {
            case 0:
                return [];
            case 1:
                return lists[0].Span.ToArray();
        }

        int total = 0;
        foreach (var list in lists)
        {
            total += list.Count;
        }

        var result = new ulong[total];
        int n = 0;
        foreach (var list in lists)
        {
            list.Span.CopyTo(result.AsSpan(n));
            n += list.Count;
        }

        Array.Sort(result);
        int unique = 0;
        for (int i = 0; i < result.Length; i++)
        {
            if (unique == 0 || result[i] != result[unique - 1])
            {
                result[unique++] = result[i];
            }
        }

        return Trim(result, unique);
    }

    private static ulong[] Trim(ulong[] array, int count) => count == array.Length ? array : array.AsSpan(0, count).ToArray();
}
