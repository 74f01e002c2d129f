using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// Writes a block's index file (index.md; BlockFormat.cs has the layout and where Vigil differs) in one pass:
/// header and symbol table at construction, one entry per <see cref="AddSeries"/>, then postings, the postings
/// offset table and the TOC at <see cref="Finish"/>, which fsyncs the file. Series must come in
/// <see cref="Labels.Compare"/> order, so that a series' ref (its offset / 16) orders series by labels.
/// </summary>
/// <remarks>
/// Each section is built in an <see cref="EncodeBuffer"/> and written with its length and CRC (Prometheus's writer
/// patches lengths in the file instead; a buffer is simpler and a section is small next to the chunks). The
/// postings are kept in memory until <see cref="Finish"/>: four bytes per label of each series.
/// </remarks>
internal sealed partial class IndexWriter : IDisposable
{
    private const int WriteBufferBytes = 1 << 20;

    private readonly string _path;
    private readonly FileStream _file;
    private readonly EncodeBuffer _buffer = new(64 * 1024);
    private readonly EncodeBuffer _body = new(256);
    private readonly Dictionary<string, int> _symbols;
    private readonly Dictionary<string, Dictionary<string, List<uint>>> _postings = new(StringComparer.Ordinal);
    private readonly List<uint> _allSeries = [];
    private long _position;
    private long _symbolsOffset;
    private long _seriesOffset;
    private Labels? _previous;

    /// <param name="path">The index file to create.</param>
    /// <param name="symbols">Every label name and value the series will use, in any order, repeats allowed.</param>
    public IndexWriter(string path, IEnumerable<string> symbols)
    {
        _path = path;
        var sorted = symbols.Distinct(StringComparer.Ordinal).ToList();
        sorted.Sort(Utf8Order.Instance);
        _symbols = new Dictionary<string, int>(sorted.Count, StringComparer.Ordinal);
        for (int i = 0; i < sorted.Count; i++)
        {
            _symbols.Add(sorted[i], i);
        }

        _file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, WriteBufferBytes);
        try
        {
            WriteHeader();
            WriteSymbols(sorted);
        }
        catch
        {
            _file.Dispose();
            throw;
        }
    }

    /// <summary>Series written so far.</summary>
    public int SeriesCount => _allSeries.Count;

    /// <summary>
    /// Writes one series entry: its labels as symbol refs and its chunk metas, delta-encoded (index.md, "Series").
    /// Chunks must be in time order and must not overlap.
    /// </summary>
    public void AddSeries(Labels labels, ReadOnlySpan<ChunkMeta> chunks)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (_previous is not null && Labels.Compare(_previous, labels) >= 0)
        {
            throw new ArgumentException($"series must be added in label order without repeats: {labels} after {_previous}", nameof(labels));
        }

        for (int i = 0; i < chunks.Length; i++)
        {
            var c = chunks[i];
            if (c.MaxTime < c.MinTime || (i > 0 && c.MinTime <= chunks[i - 1].MaxTime))
            {
                throw new ArgumentException($"chunks of {labels} must be in time order without overlap (chunk {i})", nameof(chunks));
            }
        }

        _previous = labels;
        _buffer.Reset();
        _buffer.PadTo(_position, BlockFormat.SeriesAlignment);
        long entryOffset = _position + _buffer.Length;
        uint seriesRef = checked((uint)(entryOffset / BlockFormat.SeriesAlignment));
        if (_allSeries.Count == 0)
        {
            _seriesOffset = entryOffset;
        }

        // The body goes first into its own buffer: its length prefixes it as a uvarint of unknown width.
        _body.Reset();
        _body.PutUvarint((ulong)labels.Count);
        foreach (var label in labels)
        {
            _body.PutUvarint((ulong)Symbol(label.Name));
            _body.PutUvarint((ulong)Symbol(label.Value));
            AddPosting(label.Name, label.Value, seriesRef);
        }

        _body.PutUvarint((ulong)chunks.Length);
        for (int i = 0; i < chunks.Length; i++)
        {
            var c = chunks[i];
            if (i == 0)
            {
                _body.PutVarint(c.MinTime);
                _body.PutUvarint((ulong)(c.MaxTime - c.MinTime));
                _body.PutUvarint(c.Ref);
            }
            else
            {
                _body.PutUvarint((ulong)(c.MinTime - chunks[i - 1].MaxTime));
                _body.PutUvarint((ulong)(c.MaxTime - c.MinTime));
                _body.PutVarint((long)(c.Ref - chunks[i - 1].Ref));
            }
        }

        _buffer.PutUvarint((ulong)_body.Length);
        int bodyStart = _buffer.Length;
        _buffer.PutBytes(_body.Bytes);
        _buffer.PutCrcFrom(bodyStart);
        Flush();
        _allSeries.Add(seriesRef);
    }

    /// <summary>Writes the postings, the postings offset table and the TOC, and fsyncs the file.</summary>
    public void Finish()
    {
        long postingsOffset = _position;
        var offsets = WritePostings();
        long postingsTableOffset = WritePostingsOffsetTable(offsets);

        // TOC: symbols, series, label indices (none), label offset table (none), postings, postings offset table.
        _buffer.Reset();
        _buffer.PutBigEndian64((ulong)_symbolsOffset);
        _buffer.PutBigEndian64((ulong)_seriesOffset);
        _buffer.PutBigEndian64(0);
        _buffer.PutBigEndian64(0);
        _buffer.PutBigEndian64((ulong)postingsOffset);
        _buffer.PutBigEndian64((ulong)postingsTableOffset);
        _buffer.PutCrcFrom(0);
        Flush();
        if (_position > int.MaxValue)
        {
            throw new InvalidOperationException($"index {_path} would be {_position} bytes, more than the 2 GiB Vigil reads");
        }

        _file.Flush(flushToDisk: true);
    }

    public void Dispose()
    {
        _file.Dispose();
        _buffer.Dispose();
        _body.Dispose();
    }

    private void WriteHeader()
    {
        _buffer.Reset();
        _buffer.PutBigEndian32(BlockFormat.IndexMagic);
        _buffer.PutByte(BlockFormat.IndexVersion);
        Flush();
    }

    private void WriteSymbols(List<string> sorted)
    {
        _symbolsOffset = _position;
        _buffer.Reset();
        _buffer.PutBigEndian32(0);
        _buffer.PutBigEndian32((uint)sorted.Count);
        foreach (string symbol in sorted)
        {
            _buffer.PutUvarintString(symbol);
        }

        CloseSection(lengthAt: 0);
        Flush();
    }

    /// <summary>Patches the 4-byte length at <paramref name="lengthAt"/> to count what follows it, then appends the CRC of that.</summary>
    private void CloseSection(int lengthAt)
    {
        _buffer.PatchBigEndian32(lengthAt, (uint)(_buffer.Length - lengthAt - 4));
        _buffer.PutCrcFrom(lengthAt + 4);
    }

    private int Symbol(string value) =>
        _symbols.TryGetValue(value, out int index)
            ? index
            : throw new ArgumentException($"\"{value}\" is not among the symbols the index was created with");

    private void Flush()
    {
        _file.Write(_buffer.Bytes);
        _position += _buffer.Length;
        _buffer.Reset();
    }
}
