using System.Buffers;
using System.Buffers.Binary;
using Vigil.Tsdb.Index;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// Postings: the offset table, loaded at open into one sorted value array per label name, and the lists, read
/// from the mapping. Matchers select through <see cref="PostingsSelection"/>, the head's rules; a list is handed
/// around as the slice of its big-endian refs and decoded only to be merged or walked.
/// </summary>
internal sealed partial class IndexReader : IPostingsIndex<ReadOnlyMemory<byte>>
{
    private readonly Dictionary<string, NameValues> _names = new(StringComparer.Ordinal);
    private List<string> _sortedNames = [];
    private long _allPostingsOffset = -1;

    /// <summary>Label names of the block, sorted ordinally.</summary>
    public IReadOnlyList<string> LabelNames() => _sortedNames;

    /// <summary>Values of <paramref name="name"/> in the block, sorted ordinally.</summary>
    public IReadOnlyList<string> LabelValues(string name) => _names.TryGetValue(name, out var values) ? values.Values : [];

    /// <summary>The refs of the series every matcher matches (all series for none), sorted; PostingsSelection has the rules.</summary>
    public ulong[] PostingsForMatchers(ReadOnlySpan<LabelMatcher> matchers) =>
        PostingsSelection.ForMatchers<IndexReader, ReadOnlyMemory<byte>>(this, matchers, fastPaths: true);

    /// <summary>The same selection testing every value with its matcher: the reference the tests compare with.</summary>
    internal ulong[] PostingsForMatchersWithoutShortcuts(ReadOnlySpan<LabelMatcher> matchers) =>
        PostingsSelection.ForMatchers<IndexReader, ReadOnlyMemory<byte>>(this, matchers, fastPaths: false);

    ILabelValuePostings<ReadOnlyMemory<byte>>? IPostingsIndex<ReadOnlyMemory<byte>>.Values(string name) => _names.GetValueOrDefault(name);

    int IPostingsIndex<ReadOnlyMemory<byte>>.Count(ReadOnlyMemory<byte> list) => list.Length / 4;

    ulong[] IPostingsIndex<ReadOnlyMemory<byte>>.AllRefs()
    {
        if (_allPostingsOffset < 0)
        {
            return [];
        }

        var list = Postings(_allPostingsOffset).Span;
        var refs = new ulong[list.Length / 4];
        Decode(list, refs);
        return refs;
    }

    ulong[] IPostingsIndex<ReadOnlyMemory<byte>>.Union(List<ReadOnlyMemory<byte>> lists) =>
        WithDecoded(lists, static (decoded, _) => SortedRefs.Union(decoded), Array.Empty<ulong>());

    ulong[] IPostingsIndex<ReadOnlyMemory<byte>>.Filter(ulong[] refs, List<ReadOnlyMemory<byte>> lists, bool keepFound) =>
        WithDecoded(lists, (decoded, r) => SortedRefs.Filter(r, decoded, keepFound), refs);

    /// <summary>
    /// The entries of the postings list at <paramref name="offset"/> (len, #entries, refs, CRC), checked, as the
    /// slice of its 4-byte big-endian refs.
    /// </summary>
    private ReadOnlyMemory<byte> Postings(long offset)
    {
        var body = Section(Path, _memory.Span, offset, "postings list");
        uint count = BinaryPrimitives.ReadUInt32BigEndian(body);
        if ((ulong)count * 4 != (ulong)body.Length - 4)
        {
            throw new CorruptBlockException(Path, offset, $"postings list of {count} entries in {body.Length} bytes");
        }

        return _memory.Slice((int)offset + 8, (int)count * 4);
    }

    private static void Decode(ReadOnlySpan<byte> bigEndianRefs, Span<ulong> into)
    {
        for (int i = 0; i < into.Length; i++)
        {
            into[i] = BinaryPrimitives.ReadUInt32BigEndian(bigEndianRefs[(i * 4)..]);
        }
    }

    /// <summary>Decodes <paramref name="lists"/> end to end into one pooled buffer, runs <paramref name="operation"/> on the slices, returns the buffer.</summary>
    private static ulong[] WithDecoded(List<ReadOnlyMemory<byte>> lists, Func<List<ReadOnlyMemory<ulong>>, ulong[], ulong[]> operation, ulong[] refs)
    {
        int total = 0;
        foreach (var list in lists)
        {
            total += list.Length / 4;
        }

        ulong[] buffer = ArrayPool<ulong>.Shared.Rent(Math.Max(total, 1));
        try
        {
            var decoded = new List<ReadOnlyMemory<ulong>>(lists.Count);
            int at = 0;
            foreach (var list in lists)
            {
                int count = list.Length / 4;
                Decode(list.Span, buffer.AsSpan(at, count));
                decoded.Add(buffer.AsMemory(at, count));
                at += count;
            }

            // SortedRefs builds its results in arrays of its own, so the buffer can go back right after.
            return operation(decoded, refs);
        }
        finally
        {
            ArrayPool<ulong>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// Reads the postings offset table (sorted by name, then value) into <see cref="_names"/>. Raw names and values
    /// are matched to the symbols by bytes, so every series' labels share one string per distinct value.
    /// </summary>
    private void LoadPostingsOffsetTable(long offset, (int Start, int Length)[] symbolSpans)
    {
        var bytes = _memory.Span;
        var body = Section(Path, bytes, offset, "postings offset table");
        var reader = new DecodeReader(body, Path, offset + 4);
        uint count = reader.ReadBigEndian32();
        var pending = new List<(string Value, long Offset)>();
        string? currentName = null;
        for (uint i = 0; i < count; i++)
        {
            long entryAt = reader.FileOffset;
            if (reader.ReadByte() != 2)
            {
                reader.Throw("postings offset table entry is not a name/value pair");
            }

            string name = Intern(reader.ReadUvarintBytes(), symbolSpans, entryAt);
            string value = Intern(reader.ReadUvarintBytes(), symbolSpans, entryAt);
            long listOffset = (long)reader.ReadUvarint();
            if (listOffset <= 0 || listOffset >= _file.Length)
            {
                throw new CorruptBlockException(Path, entryAt, $"postings offset {listOffset} lies outside the file");
            }

            if (name.Length == 0 && value.Length == 0)
            {
                _allPostingsOffset = listOffset;
                continue;
            }

            if (!string.Equals(name, currentName, StringComparison.Ordinal))
            {
                AddName(currentName, pending);
                currentName = name;
            }

            pending.Add((value, listOffset));
        }

        AddName(currentName, pending);
        _sortedNames = [.. _names.Keys];
        _sortedNames.Sort(StringComparer.Ordinal);
    }

    private void AddName(string? name, List<(string Value, long Offset)> pending)
    {
        if (name is not null && pending.Count > 0)
        {
            if (_names.ContainsKey(name))
            {
                throw new CorruptBlockException(Path, 0, $"label name \"{name}\" appears twice in the postings offset table, which must be sorted");
            }

            _names.Add(name, new NameValues(this, [.. pending]));
        }

        pending.Clear();
    }

    /// <summary>The symbol with these UTF-8 bytes (binary search: symbols are sorted by bytes), or a new string if none has them.</summary>
    private string Intern(ReadOnlySpan<byte> raw, (int Start, int Length)[] symbolSpans, long offset)
    {
        var bytes = _memory.Span;
        int lo = 0, hi = symbolSpans.Length - 1;
        while (lo <= hi)
        {
            int mid = (lo + hi) >>> 1;
            var (start, length) = symbolSpans[mid];
            int c = bytes.Slice(start, length).SequenceCompareTo(raw);
            if (c == 0)
            {
                return _symbols[mid];
            }

            (lo, hi) = c < 0 ? (mid + 1, hi) : (lo, mid - 1);
        }

        return DecodeReader.Utf8(raw, Path, offset);
    }

    /// <summary>One label name's values, sorted ordinally, with the offsets of their postings lists.</summary>
    private sealed class NameValues : ILabelValuePostings<ReadOnlyMemory<byte>>
    {
        private readonly IndexReader _index;
        private readonly long[] _offsets;

        public NameValues(IndexReader index, (string Value, long Offset)[] entries)
        {
            _index = index;

            // The table is in byte order; ordinal order differs only for rare characters (Utf8Order).
            Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Value, b.Value));
            Values = Array.ConvertAll(entries, e => e.Value);
            _offsets = Array.ConvertAll(entries, e => e.Offset);
            HasNewlineValues = Values.Any(v => v.Contains('\n', StringComparison.Ordinal));
        }

        public string[] Values { get; }

        public bool HasNewlineValues { get; }

        public IEnumerable<KeyValuePair<string, ReadOnlyMemory<byte>>> Lists
        {
            get
            {
                for (int i = 0; i < Values.Length; i++)
                {
                    yield return KeyValuePair.Create(Values[i], _index.Postings(_offsets[i]));
                }
            }
        }

        public bool TryGetList(string value, out ReadOnlyMemory<byte> list)
        {
            int i = Array.BinarySearch(Values, value, StringComparer.Ordinal);
            list = i >= 0 ? _index.Postings(_offsets[i]) : default;
            return i >= 0;
        }
    }
}
