using System.Runtime.InteropServices;
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
    /// A matcher that does not match the empty string can only match series that have its label: its result is the
    /// union of the lists of the values it matches, and these are intersected. A matcher that matches the empty
    /// string matches every series except those whose value it does not match, so it subtracts the union of those
    /// values' lists: <c>a!="x"</c> subtracts <c>a="x"</c>, <c>a=~"x|"</c> subtracts every value of <c>a</c> but
    /// <c>x</c> (keeping the series without <c>a</c>), <c>a=""</c> subtracts every value of <c>a</c>. Without any
    /// matcher of the first kind, subtraction starts from every series. This is Prometheus's split between
    /// <c>its</c> and <c>notIts</c>, stated once: each matcher selects the values whose match differs from the
    /// empty string's (<see cref="SelectedValues"/>).
    /// </remarks>
    public ulong[] PostingsForMatchers(params ReadOnlySpan<LabelMatcher> matchers)
    {
        _lock.EnterReadLock();
        try
        {
            ReadOnlyMemory<ulong> result = default;
            bool intersected = false, owned = false;
            foreach (var matcher in matchers)
            {
                if (matcher.MatchesEmpty)
                {
                    continue;
                }

                var selected = SelectedValues(matcher, out bool selectedOwned);
                if (!intersected)
                {
                    (result, owned, intersected) = (selected, selectedOwned, true);
                }
                else
                {
                    (result, owned) = (SortedRefs.Intersect(result.Span, selected.Span), true);
                }

                if (result.IsEmpty)
                {
                    return [];
                }
            }

            if (!intersected)
            {
                result = _all.Memory;
            }

            foreach (var matcher in matchers)
            {
                if (!matcher.MatchesEmpty)
                {
                    continue;
                }

                var excluded = SelectedValues(matcher, out _);
                if (!excluded.IsEmpty)
                {
                    (result, owned) = (SortedRefs.Subtract(result.Span, excluded.Span), true);
                    if (result.IsEmpty)
                    {
                        return [];
                    }
                }
            }

            // Owned results are exact-size arrays already; a borrowed list must be copied before the lock goes.
            return owned && MemoryMarshal.TryGetArray(result, out var segment) && segment.Count == segment.Array!.Length
                ? segment.Array
                : result.ToArray();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>
    /// The union of the lists of the values of <paramref name="matcher"/>'s name whose match result differs from the
    /// empty string's: the values it matches if it does not match "", the values it refuses if it does. Borrowed
    /// (<paramref name="owned"/> false) when that is one live list: valid only under the read lock.
    /// </summary>
    private ReadOnlyMemory<ulong> SelectedValues(LabelMatcher matcher, out bool owned)
    {
        owned = false;
        if (!_names.TryGetValue(matcher.Name, out var entry))
        {
            return default;
        }

        var lists = new List<PostingsList>();
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
            return default;
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

        if (lists.Count == 1)
        {
            return lists[0].Memory;
        }

        owned = true;
        return SortedRefs.Union(lists);
    }
}
