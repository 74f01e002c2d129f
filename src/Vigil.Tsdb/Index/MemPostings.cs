using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Index;

/// <summary>
/// The head's inverted index (Prometheus's <c>index.MemPostings</c>): label name → value → the sorted refs of
/// the series with that pair, plus the list of every series. Thread-safe: many readers or one writer.
/// Series are added when created and removed in batches when truncation drops them.
/// </summary>
/// <remarks>
/// Readers hold the read lock only while they compute a result array, so a query never sees a list change under
/// it and never blocks appends (appends to existing series do not touch the index).
/// </remarks>
internal sealed partial class MemPostings : IDisposable
{
    private readonly ReaderWriterLockSlim _lock = new(LockRecursionPolicy.NoRecursion);
    private readonly Dictionary<string, NameEntry> _names = new(StringComparer.Ordinal);
    private readonly PostingsList _all = new();
    private readonly bool _fastPaths;

    public MemPostings()
        : this(fastPaths: true)
    {
    }

    /// <param name="fastPaths">False makes every matcher test every value: the reference the tests compare the shortcuts with.</param>
    internal MemPostings(bool fastPaths) => _fastPaths = fastPaths;

    /// <summary>Series in the index.</summary>
    public int SeriesCount
    {
        get
        {
            _lock.EnterReadLock();
            try
            {
                return _all.Count;
            }
            finally
            {
                _lock.ExitReadLock();
            }
        }
    }

    /// <summary>
    /// Adds the series, and returns its labels as the index's shared pairs: the series keeps those instead of its
    /// own copies (decoded from the WAL, one set per series), as most pairs repeat across series (job, instance,
    /// cpu, mode, device).
    /// </summary>
    public InternedLabels Add(ulong seriesRef, Labels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var pairs = new LabelPair[labels.Count];
        _lock.EnterWriteLock();
        try
        {
            _all.Add(seriesRef);
            for (int i = 0; i < labels.Count; i++)
            {
                var label = labels[i];
                if (!_names.TryGetValue(label.Name, out var entry))
                {
                    entry = new NameEntry { Name = label.Name };
                    _names.Add(label.Name, entry);
                }

                if (!entry.Values.TryGetValue(label.Value, out var list))
                {
                    list = new PostingsList { Pair = new LabelPair(entry.Name, label.Value) };
                    entry.Values.Add(label.Value, list);
                    entry.NewlineValues += HasNewline(label.Value) ? 1 : 0;
                }

                pairs[i] = list.Pair!;
                list.Add(seriesRef);
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }

        return new InternedLabels(pairs);
    }

    /// <summary>
    /// Removes the given series (ref and the labels it was added with) in one pass per affected list, as
    /// Prometheus's <c>MemPostings.Delete</c> does: removing one by one would shift a long list once per series.
    /// Label pairs and names left without series disappear.
    /// </summary>
    public void Delete(IReadOnlyCollection<(ulong Ref, InternedLabels Labels)> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        if (series.Count == 0)
        {
            return;
        }

        var refs = new HashSet<ulong>(series.Count);
        var affected = new HashSet<(string Name, string Value)>();
        foreach (var (seriesRef, labels) in series)
        {
            refs.Add(seriesRef);
            foreach (var pair in labels.Pairs)
            {
                affected.Add((pair.Name, pair.Value));
            }
        }

        _lock.EnterWriteLock();
        try
        {
            _all.RemoveAll(refs);
            foreach (var (name, value) in affected)
            {
                if (!_names.TryGetValue(name, out var entry) || !entry.Values.TryGetValue(value, out var list))
                {
                    continue;
                }

                list.RemoveAll(refs);
                if (list.Count == 0)
                {
                    entry.Values.Remove(value);
                    entry.NewlineValues -= HasNewline(value) ? 1 : 0;
                    if (entry.Values.Count == 0)
                    {
                        _names.Remove(name);
                    }
                }
            }
        }
        finally
        {
            _lock.ExitWriteLock();
        }
    }

    /// <summary>The refs with <paramref name="name"/>=<paramref name="value"/>, a copy.</summary>
    public ulong[] Get(string name, string value)
    {
        _lock.EnterReadLock();
        try
        {
            return _names.TryGetValue(name, out var entry) && entry.Values.TryGetValue(value, out var list)
                ? list.ToArray()
                : [];
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Every ref, a copy.</summary>
    public ulong[] All()
    {
        _lock.EnterReadLock();
        try
        {
            return _all.ToArray();
        }
        finally
        {
            _lock.ExitReadLock();
        }
    }

    /// <summary>Every label name of any series, sorted ordinally.</summary>
    public List<string> LabelNames()
    {
        _lock.EnterReadLock();
        List<string> names;
        try
        {
            names = [.. _names.Keys];
        }
        finally
        {
            _lock.ExitReadLock();
        }

        names.Sort(StringComparer.Ordinal);
        return names;
    }

    /// <summary>Every value of <paramref name="name"/> on any series, sorted ordinally.</summary>
    public List<string> LabelValues(string name)
    {
        _lock.EnterReadLock();
        List<string> values;
        try
        {
            values = _names.TryGetValue(name, out var entry) ? [.. entry.Values.Keys] : [];
        }
        finally
        {
            _lock.ExitReadLock();
        }

        values.Sort(StringComparer.Ordinal);
        return values;
    }

    public void Dispose() => _lock.Dispose();

    private static bool HasNewline(string value) => value.Contains('\n', StringComparison.Ordinal);

    /// <summary>The values of one label name.</summary>
    private sealed class NameEntry : ILabelValuePostings<PostingsRefs>
    {
        /// <summary>The name as first added; series added later share this string.</summary>
        public required string Name { get; init; }

        public Dictionary<string, PostingsList> Values { get; } = new(StringComparer.Ordinal);

        /// <summary>Values containing a newline (see <see cref="ILabelValuePostings{TList}.HasNewlineValues"/>).</summary>
        public int NewlineValues { get; set; }

        public bool HasNewlineValues => NewlineValues > 0;

        /// <summary>The live lists; valid only under the index's lock.</summary>
        public IEnumerable<KeyValuePair<string, PostingsRefs>> Lists =>
            Values.Select(static kv => KeyValuePair.Create(kv.Key, kv.Value.Refs));

        public bool TryGetList(string value, out PostingsRefs list)
        {
            bool found = Values.TryGetValue(value, out var postings);
            list = found ? postings!.Refs : default;
            return found;
        }
    }
}
