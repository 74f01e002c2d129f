namespace Vigil.Tsdb.Blocks;

/// <summary>The postings lists and the postings offset table (index.md, "Postings", "Postings Offset Table").</summary>
internal sealed partial class IndexWriter
{
    private void AddPosting(string name, string value, uint seriesRef)
    {
        if (!_postings.TryGetValue(name, out var values))
        {
            values = new Dictionary<string, List<uint>>(StringComparer.Ordinal);
            _postings.Add(name, values);
        }

        if (!values.TryGetValue(value, out var refs))
        {
            refs = [];
            values.Add(value, refs);
        }

        // Series arrive in ref order, so every list stays sorted by appending.
        refs.Add(seriesRef);
    }

    /// <summary>
    /// Writes the list of every series (under the empty pair, first, as Prometheus does), then one list per label
    /// pair, names and values in byte order; returns each pair with its list's offset, in that order.
    /// </summary>
    private List<(string Name, string Value, long Offset)> WritePostings()
    {
        var offsets = new List<(string, string, long)>();
        offsets.Add((BlockFormat.AllPostingsName, "", _position));
        WritePostingsList(_allSeries);

        var names = _postings.Keys.ToList();
        names.Sort(Utf8Order.Instance);
        foreach (string name in names)
        {
            var values = _postings[name];
            var sortedValues = values.Keys.ToList();
            sortedValues.Sort(Utf8Order.Instance);
            foreach (string value in sortedValues)
            {
                offsets.Add((name, value, _position));
                WritePostingsList(values[value]);
            }
        }

        return offsets;
    }

    /// <summary>len &lt;4b&gt;, #entries &lt;4b&gt;, the refs &lt;4b each&gt;, CRC.</summary>
    private void WritePostingsList(List<uint> refs)
    {
        _buffer.Reset();
        _buffer.PutBigEndian32(0);
        _buffer.PutBigEndian32((uint)refs.Count);
        foreach (uint r in refs)
        {
            _buffer.PutBigEndian32(r);
        }

        CloseSection(lengthAt: 0);
        Flush();
    }

    /// <summary>One entry per list: 2 (the pair's length), name, value, offset. Returns the table's offset.</summary>
    private long WritePostingsOffsetTable(List<(string Name, string Value, long Offset)> offsets)
    {
        long tableOffset = _position;
        _buffer.Reset();
        _buffer.PutBigEndian32(0);
        _buffer.PutBigEndian32((uint)offsets.Count);
        foreach (var (name, value, offset) in offsets)
        {
            _buffer.PutByte(2);
            _buffer.PutUvarintString(name);
            _buffer.PutUvarintString(value);
            _buffer.PutUvarint((ulong)offset);
        }

        CloseSection(lengthAt: 0);
        Flush();
        return tableOffset;
    }
}
