namespace Vigil.Tsdb.Index;

/// <summary>
/// The series refs of one label pair (or of every series), sorted ascending, without repeats. Not thread-safe:
/// <see cref="MemPostings"/> guards it with its lock.
/// </summary>
internal sealed class PostingsList
{
    private ulong[] _refs = new ulong[4];
    private int _count;

    /// <summary>The label value of the pair, as first added (empty for the list of every series); series share it.</summary>
    public string Value { get; init; } = string.Empty;

    public int Count => _count;

    public ReadOnlySpan<ulong> Span => _refs.AsSpan(0, _count);

    /// <summary>The live list; valid only while the index's lock is held and nothing is added or removed.</summary>
    public ReadOnlyMemory<ulong> Memory => _refs.AsMemory(0, _count);

    /// <summary>
    /// Adds <paramref name="seriesRef"/>. Refs are handed out in increasing order, so this is an append; two series
    /// created at once by different threads can arrive swapped, and the insertion walk from the end puts the
    /// later one back in place in a step or two (Prometheus's <c>MemPostings.addFor</c> does the same).
    /// </summary>
    public void Add(ulong seriesRef)
    {
        if (_count == _refs.Length)
        {
            Array.Resize(ref _refs, _refs.Length * 2);
        }

        int i = _count;
        while (i > 0 && _refs[i - 1] > seriesRef)
        {
            _refs[i] = _refs[i - 1];
            i--;
        }

        _refs[i] = seriesRef;
        _count++;
    }

    /// <summary>Removes every ref in <paramref name="deleted"/> in one pass; returns how many went.</summary>
    public int RemoveAll(HashSet<ulong> deleted)
    {
        int kept = 0;
        for (int i = 0; i < _count; i++)
        {
            if (!deleted.Contains(_refs[i]))
            {
                _refs[kept++] = _refs[i];
            }
        }

        int removed = _count - kept;
        _count = kept;

        // Give memory back when a list shrank to a quarter, as churn would otherwise keep the peak forever.
        if (_refs.Length > 16 && kept < _refs.Length / 4)
        {
            Array.Resize(ref _refs, Math.Max(4, kept * 2));
        }

        return removed;
    }
}
