using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Index;

/// <summary>One label name's values and their postings, as matcher selection reads them.</summary>
/// <typeparam name="TList">How the index hands out one value's postings without copying them.</typeparam>
internal interface ILabelValuePostings<TList>
{
    /// <summary>
    /// Whether any value contains a newline. None (always, in practice) lets <c>.*</c> and <c>.+</c> skip testing
    /// values: the matchers' <c>.</c> does not match a newline (see <see cref="MatcherRegex"/>).
    /// </summary>
    bool HasNewlineValues { get; }

    /// <summary>Every value (never empty: an empty value means "no such label") with its postings.</summary>
    IEnumerable<KeyValuePair<string, TList>> Lists { get; }

    bool TryGetList(string value, out TList list);
}

/// <summary>An inverted index that <see cref="PostingsSelection"/> can run matchers against: the head's or a block's.</summary>
internal interface IPostingsIndex<TList>
{
    /// <summary>The values of <paramref name="name"/>, or null when no series has that label.</summary>
    ILabelValuePostings<TList>? Values(string name);

    /// <summary>How many refs <paramref name="list"/> holds, without decoding it.</summary>
    int Count(TList list);

    /// <summary>The refs of every series, sorted.</summary>
    ulong[] AllRefs();

    /// <summary>The union of <paramref name="lists"/>, sorted (<see cref="SortedRefs.Union"/>).</summary>
    ulong[] Union(List<TList> lists);

    /// <summary>The refs of <paramref name="refs"/> found in any list, or in none (<see cref="SortedRefs.Filter"/>).</summary>
    ulong[] Filter(ulong[] refs, List<TList> lists, bool keepFound);
}

/// <summary>
/// Selecting series by label matchers (Prometheus's <c>tsdb.PostingsForMatchers</c>), once for every index: the
/// head's <see cref="MemPostings"/> and a block's on-disk postings apply the same rules through
/// <see cref="IPostingsIndex{TList}"/>.
/// </summary>
/// <remarks>
/// A matcher that does not match the empty string can only match series that have its label: it keeps the
/// series in the lists of the values it matches, and these are intersected. A matcher that matches the empty
/// string matches every series except those whose value it does not match, so it removes the series in those
/// values' lists: <c>a!="x"</c> removes <c>a="x"</c>, <c>a=~"x|"</c> every value of <c>a</c> but <c>x</c>
/// (keeping the series without <c>a</c>), <c>a=""</c> every value of <c>a</c>. Without any matcher of the first
/// kind, removal starts from every series. This is Prometheus's split between <c>its</c> and <c>notIts</c>,
/// stated once: each matcher selects the values whose match differs from the empty string's
/// (<see cref="SelectLists"/>).
/// <para>
/// Only the smallest intersected set is built as an array; every other list is only walked against the result
/// so far, so <c>job=~"a|b"</c> next to a rarer matcher never merges the large lists of a and b (Prometheus gets
/// the same from lazy iterators).
/// </para>
/// </remarks>
internal static class PostingsSelection
{
    /// <summary>
    /// The refs of the series that every matcher matches, sorted; a series without a label is matched as if its
    /// value were empty. No matchers select every series. <paramref name="fastPaths"/> false tests every value with
    /// the matcher: the reference the tests compare the shortcuts with.
    /// </summary>
    public static ulong[] ForMatchers<TIndex, TList>(TIndex index, ReadOnlySpan<LabelMatcher> matchers, bool fastPaths)
        where TIndex : IPostingsIndex<TList>
    {
        var kept = new List<(List<TList> Lists, long Total)>();
        foreach (var matcher in matchers)
        {
            if (!matcher.MatchesEmpty)
            {
                var lists = SelectLists(matcher, index.Values(matcher.Name), fastPaths);
                long total = 0;
                foreach (var list in lists)
                {
                    total += index.Count(list);
                }

                if (total == 0)
                {
                    return [];
                }

                kept.Add((lists, total));
            }
        }

        ulong[] result;
        if (kept.Count == 0)
        {
            result = index.AllRefs();
        }
        else
        {
            kept.Sort((a, b) => a.Total.CompareTo(b.Total));
            result = index.Union(kept[0].Lists);
            for (int i = 1; i < kept.Count && result.Length > 0; i++)
            {
                result = index.Filter(result, kept[i].Lists, keepFound: true);
            }
        }

        foreach (var matcher in matchers)
        {
            if (matcher.MatchesEmpty && result.Length > 0)
            {
                var lists = SelectLists(matcher, index.Values(matcher.Name), fastPaths);
                if (lists.Count > 0)
                {
                    result = index.Filter(result, lists, keepFound: false);
                }
            }
        }

        return result;
    }

    /// <summary>
    /// The lists of the values of <paramref name="matcher"/>'s name whose match result differs from the empty
    /// string's: the values it matches if it does not match "", the values it refuses if it does.
    /// </summary>
    private static List<TList> SelectLists<TList>(LabelMatcher matcher, ILabelValuePostings<TList>? values, bool fastPaths)
    {
        var lists = new List<TList>();
        if (values is null)
        {
            return lists;
        }

        if (fastPaths && matcher.LiteralValues is { } literals)
        {
            if (!literals.Contains(""))
            {
                // = and =~ match exactly the literals, != and !~ refuse exactly them: either way, their lists.
                foreach (string literal in literals)
                {
                    if (values.TryGetList(literal, out var list))
                    {
                        lists.Add(list);
                    }
                }
            }
            else
            {
                // With "" among them the roles swap: the values outside the set. A set lookup, not a regex.
                foreach (var (value, list) in values.Lists)
                {
                    if (!literals.Contains(value))
                    {
                        lists.Add(list);
                    }
                }
            }
        }
        else if (fastPaths && !values.HasNewlineValues && matcher.IsAnyWithoutNewline)
        {
            // .* differs from "" only on values with a newline, and there are none.
        }
        else if (fastPaths && !values.HasNewlineValues && matcher.IsNonEmptyWithoutNewline)
        {
            // .+ differs from "" on every stored value (stored values are never empty).
            foreach (var (_, list) in values.Lists)
            {
                lists.Add(list);
            }
        }
        else
        {
            bool wanted = !matcher.MatchesEmpty;
            foreach (var (value, list) in values.Lists)
            {
                if (matcher.Matches(value) == wanted)
                {
                    lists.Add(list);
                }
            }
        }

        return lists;
    }
}
