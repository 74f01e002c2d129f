using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Index;

/// <summary>
/// Selecting series by label matchers: <see cref="PostingsSelection"/> over the live lists, read in place under the
/// read lock.
/// </summary>
internal sealed partial class MemPostings : IPostingsIndex<PostingsRefs>
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
            return PostingsSelection.ForMatchers<MemPostings, PostingsRefs>(this, matchers, _fastPaths);
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    // Called only by PostingsForMatchers, under the read lock: the lists are live, never copied.
    ILabelValuePostings<PostingsRefs>? IPostingsIndex<PostingsRefs>.Values(string name) =>
        _names.GetValueOrDefault(name);

    int IPostingsIndex<PostingsRefs>.Count(PostingsRefs list) => list.Length;

    ulong[] IPostingsIndex<PostingsRefs>.AllRefs() => _all.ToArray();

    ulong[] IPostingsIndex<PostingsRefs>.Union(List<PostingsRefs> lists) => SortedRefs.Union(lists);

    ulong[] IPostingsIndex<PostingsRefs>.Filter(ulong[] refs, List<PostingsRefs> lists, bool keepFound) =>
        SortedRefs.Filter(refs, lists, keepFound);
}
