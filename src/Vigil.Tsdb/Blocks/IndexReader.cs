using System.Buffers.Binary;
using Vigil.Wal;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// A block's index file, memory-mapped (Prometheus's <c>index.Reader</c>, format version 2). Opening checks the
/// magic number, version, TOC and the CRCs of the symbol table and the postings offset table, and loads both
/// (BlockFormat.cs, difference 5). Series entries and postings lists are read from the mapping when a query needs
/// them, each checked against its own CRC then. Any damage throws <see cref="CorruptBlockException"/> naming the
/// file and offset. Thread-safe for reading.
/// </summary>
/// <remarks>
/// Split by section: this file opens the index and reads the symbols, <c>IndexReader.Postings.cs</c> the postings
/// and matcher selection, <c>IndexReader.Series.cs</c> the series entries.
/// </remarks>
internal sealed partial class IndexReader : IDisposable
{
    private readonly MappedFile _file;
    private readonly ReadOnlyMemory<byte> _memory;
    private readonly string[] _symbols;

    private IndexReader(MappedFile file, string[] symbols)
    {
        (_file, _symbols) = (file, symbols);
        _memory = file.Memory;
    }

    public string Path => _file.Path;

    /// <summary>Size of the file in bytes.</summary>
    public long Size => _file.Length;

    public int SymbolCount => _symbols.Length;

    public static IndexReader Open(string path)
    {
        var file = MappedFile.Open(path);
        try
        {
            var bytes = file.GetSpan();
            CheckHeader(path, bytes);
            var toc = ReadToc(path, bytes);
            var symbols = ReadSymbols(path, bytes, toc.Symbols, out var symbolSpans);
            var reader = new IndexReader(file, symbols);
            reader.LoadPostingsOffsetTable(toc.PostingsOffsetTable, symbolSpans);
            return reader;
        }
        catch
        {
            ((IDisposable)file).Dispose();
            throw;
        }
    }

    public void Dispose() => ((IDisposable)_file).Dispose();

    /// <summary>
    /// The body of a section that starts with len &lt;4b&gt; at <paramref name="offset"/> and ends with the CRC of
    /// those len bytes (index.md: symbol table, postings, offset tables), after checking bounds and the CRC.
    /// </summary>
    private static ReadOnlySpan<byte> Section(string path, ReadOnlySpan<byte> bytes, long offset, string what)
    {
        if (offset <= 0 || offset > bytes.Length - 8)
        {
            throw new CorruptBlockException(path, offset, $"{what} lies outside the file");
        }

        int start = (int)offset;
        uint length = BinaryPrimitives.ReadUInt32BigEndian(bytes[start..]);
        if (length > (uint)(bytes.Length - start - 8))
        {
            throw new CorruptBlockException(path, offset, $"{what} of {length} bytes runs past the end of the file");
        }

        var body = bytes.Slice(start + 4, (int)length);
        uint stored = BinaryPrimitives.ReadUInt32BigEndian(bytes[(start + 4 + (int)length)..]);
        if (Crc32C.Compute(body) != stored)
        {
            throw new CorruptBlockException(path, offset, $"{what} CRC mismatch");
        }

        return body;
    }

    private static void CheckHeader(string path, ReadOnlySpan<byte> bytes)
    {
        if (bytes.Length < BlockFormat.IndexHeaderSize + BlockFormat.TocSize)
        {
            throw new CorruptBlockException(path, 0, $"{bytes.Length} bytes is shorter than a header and a TOC");
        }

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        if (magic != BlockFormat.IndexMagic)
        {
            throw new CorruptBlockException(path, 0, $"bad magic number {magic:x8} (expected {BlockFormat.IndexMagic:x8})");
        }

        if (bytes[4] != BlockFormat.IndexVersion)
        {
            throw new CorruptBlockException(path, 4, $"unsupported index format version {bytes[4]} (only {BlockFormat.IndexVersion} is read)");
        }
    }

    private static (long Symbols, long PostingsOffsetTable) ReadToc(string path, ReadOnlySpan<byte> bytes)
    {
        int at = bytes.Length - BlockFormat.TocSize;
        var toc = bytes.Slice(at, BlockFormat.TocSize - 4);
        if (Crc32C.Compute(toc) != BinaryPrimitives.ReadUInt32BigEndian(bytes[^4..]))
        {
            throw new CorruptBlockException(path, at, "TOC CRC mismatch");
        }

        // Symbols, series, label indices, label offset table, postings, postings offset table (index.md, "TOC").
        long symbols = (long)BinaryPrimitives.ReadUInt64BigEndian(toc);
        long table = (long)BinaryPrimitives.ReadUInt64BigEndian(toc[40..]);
        return (symbols, table);
    }

    /// <summary>The symbols as strings, and where each one's UTF-8 bytes are, to look raw strings up by bytes.</summary>
    private static string[] ReadSymbols(string path, ReadOnlySpan<byte> bytes, long offset, out (int Start, int Length)[] spans)
    {
        var body = Section(path, bytes, offset, "symbol table");
        var reader = new DecodeReader(body, path, offset + 4);
        uint count = reader.ReadBigEndian32();
        if (count > (uint)reader.Remaining)
        {
            reader.Throw($"{count} symbols cannot fit {reader.Remaining} bytes");
        }

        var symbols = new string[count];
        spans = new (int, int)[count];
        for (int i = 0; i < symbols.Length; i++)
        {
            long at = reader.FileOffset;
            var raw = reader.ReadUvarintBytes();
            spans[i] = ((int)(reader.FileOffset - raw.Length), raw.Length);
            symbols[i] = DecodeReader.Utf8(raw, path, at);
        }

        return symbols;
    }
}
