using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Index;

/// <summary>Selecting series by label matchers (Prometheus's <c>tsdb.PostingsForMatchers</c>).</summary>
internal sealed partial class MemPostings
{
    /// <summary>
    /// The refs of the series that every matcher matches, sorted; a series without a label is matched as if its
    /// value were empty. No matchers select every series.
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
    public ulong[] PostingsForMatchers(params ReadOnlySpan<LabelMatcher> matchers)
    {
        _lock.EnterReadLock();
        try
        {
            var kept = new List<(List<PostingsList> Lists, long Total)>();
            foreach (var matcher in matchers)
            {
                if (!matcher.MatchesEmpty)
                {
                    var lists = SelectLists(matcher);
                    long total = lists.Sum(l => (long)l.Count);
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
                result = _all.Span.ToArray();
            }
            else
            {
                kept.Sort((a, b) => a.Total.CompareTo(b.Total));
                result = SortedRefs.Union(kept[0].Lists);
                for (int i = 1; i < kept.Count && result.Length > 0; i++)
                {
                    result = SortedRefs.Filter(result, kept[i].Lists, keepFound: true);
                }
            }

            foreach (var matcher in matchers)
            {
                if (matcher.MatchesEmpty && result.Length > 0)
                {
                    var lists = SelectLists(matcher);
                    if (lists.Count > 0)
                    {
                        result = SortedRefs.Filter(result, lists, keepFound: false);
                    }
                }
            }

            return result;
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// The live lists of the values of <paramref name="matcher"/>'s name whose match result differs from the empty
    /// string's: the values it matches if it does not match "", the values it refuses if it does. Valid only under
    /// the read lock.
    /// </summary>
    private List<PostingsList> SelectLists(LabelMatcher matcher)
    {
        var lists = new List<PostingsList>();
        if (!_names.TryGetValue(matcher.Name, out var entry))
        {
            return lists;
        }

        if (_fastPaths && matcher.LiteralValues is { } literals)
        {
            if (!literals.Contains(""))
            {
                // = and =~ match exactly the literals, != and !~ refuse exactly them: either way, their lists.
                foreach (string literal in literals)
                {
                    if (entry.Values.TryGetValue(literal, out var list))
                    {
                        lists.Add(list);
                    }
                }
            }
            else
            {
                // With "" among them the roles swap: the values outside the set. A set lookup, not a regex.
                foreach (var (value, list) in entry.Values)
                {
                    if (!literals.Contains(value))
                    {
                        lists.Add(list);
                    }
                }
            }
        }
        else if (_fastPaths && entry.NewlineValues == 0 && matcher.IsAnyWithoutNewline)
        {
            // .* differs from "" only on values with a newline, and there are none.
        }
        else if (_fastPaths && entry.NewlineValues == 0 && matcher.IsNonEmptyWithoutNewline)
        {
            // .+ differs from "" on every stored value (stored values are never empty).
            lists.AddRange(entry.Values.Values);
        }
        else
        {
            bool wanted = !matcher.MatchesEmpty;
            foreach (var (value, list) in entry.Values)
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
