using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Index;

/// <summary>
/// Selecting series by label matchers: <see cref="PostingsSelection"/> over the live lists, read in place under the
/// read lock.
/// </summary>
internal sealed partial class MemPostings : IPostingsIndex<ReadOnlyMemory<ulong>>
{
    /// <summary>
    /// The refs of the series that every matcher matches, sorted; a series without a label is matched as if its
    /// value were empty. No matchers select every series. <see cref="PostingsSelection"/> has the rules.
    /// </summary>
    public ulong[] PostingsForMatchers(params ReadOnlySpan<LabelMatcher> matchers)
    {
        _lock.EnterReadLock();
        try
        {
            return PostingsSelection.ForMatchers<MemPostings, ReadOnlyMemory<ulong>>(this, matchers, _fastPaths);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    // Called only by PostingsForMatchers, under the read lock: the lists are live, never copied.
    ILabelValuePostings<ReadOnlyMemory<ulong>>? IPostingsIndex<ReadOnlyMemory<ulong>>.Values(string name) =>
        _names.GetValueOrDefault(name);

    int IPostingsIndex<ReadOnlyMemory<ulong>>.Count(ReadOnlyMemory<ulong> list) => list.Length;

    ulong[] IPostingsIndex<ReadOnlyMemory<ulong>>.AllRefs() => _all.Span.ToArray();

    ulong[] IPostingsIndex<ReadOnlyMemory<ulong>>.Union(List<ReadOnlyMemory<ulong>> lists) => SortedRefs.Union(lists);

    ulong[] IPostingsIndex<ReadOnlyMemory<ulong>>.Filter(ulong[] refs, List<ReadOnlyMemory<ulong>> lists, bool keepFound) =>
        SortedRefs.Filter(refs, lists, keepFound);
}
