using System.Buffers.Binary;
using Vigil.Tsdb.Chunks;
using Vigil.Wal;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// Writes a block's <c>chunks/</c> segments (chunks.md; BlockFormat.cs has the layout): each chunk goes to the
/// current segment, and a new segment is cut when the chunk would take it past the size limit. Returns the
/// chunk's ref for the index. Not thread-safe; <see cref="Finish"/> fsyncs every segment it wrote.
/// </summary>
internal sealed class ChunkSegmentWriter : IDisposable
{
    private const int WriteBufferBytes = 1 << 20;

    private readonly string _directory;
    private readonly long _segmentSize;
    private readonly byte[] _frame = new byte[Varint.MaxLength + 1];
    private FileStream? _segment;
    private int _segmentIndex = -1;
    private long _offset;

    /// <param name="directory">The block's <c>chunks</c> directory; created here.</param>
    /// <param name="segmentSize">Size at which a segment is cut (default 512 MiB); tests use small ones.</param>
    public ChunkSegmentWriter(string directory, long segmentSize = BlockFormat.DefaultChunkSegmentSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(segmentSize, BlockFormat.ChunkSegmentHeaderSize + 64);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(segmentSize, uint.MaxValue);
        _directory = directory;
        _segmentSize = segmentSize;
        Directory.CreateDirectory(directory);
    }

    /// <summary>Segments written so far.</summary>
    public int SegmentCount => _segmentIndex + 1;

    /// <summary>Appends one chunk (its bytes, header included) in <paramref name="encoding"/> and returns its ref.</summary>
    public ulong Write(ReadOnlySpan<byte> data, ChunkEncoding encoding = ChunkEncoding.Xor)
    {
        int lengthBytes = Varint.WriteUvarint(_frame, (ulong)data.Length);
        _frame[lengthBytes] = (byte)encoding;
        long size = lengthBytes + 1 + data.Length + 4;

        // A chunk never spans segments; a chunk larger than a whole segment still gets one of its own.
        if (_segment is null || (_offset + size > _segmentSize && _offset > BlockFormat.ChunkSegmentHeaderSize))
        {
            Cut();
        }

        ulong chunkRef = BlockFormat.ChunkRef(_segmentIndex, _offset);
        var segment = _segment!;
        segment.Write(_frame, 0, lengthBytes + 1);
        segment.Write(data);

        // The CRC covers the encoding byte and the data (chunks.md, "checksum").
        uint crc = Crc32C.Compute(_frame.AsSpan(lengthBytes, 1));
        crc = Crc32C.Append(crc, data);
        Span<byte> crcBytes = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(crcBytes, crc);
        segment.Write(crcBytes);
        _offset += size;
        return chunkRef;
    }

    /// <summary>Flushes and fsyncs the last segment and closes it (every earlier one was synced when it was cut).</summary>
    public void Finish() => CloseSegment();

    public void Dispose()
    {
        _segment?.Dispose();
        _segment = null;
    }

    private void Cut()
    {
        CloseSegment();
        _segmentIndex++;
        string path = Path.Combine(_directory, BlockFormat.SegmentFileName(_segmentIndex));
        _segment = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.None, WriteBufferBytes);
        Span<byte> header = stackalloc byte[BlockFormat.ChunkSegmentHeaderSize];
        header.Clear();
        BinaryPrimitives.WriteUInt32BigEndian(header, BlockFormat.ChunksMagic);
        header[4] = BlockFormat.ChunksVersion;
        _segment.Write(header);
        _offset = BlockFormat.ChunkSegmentHeaderSize;
    }

    private void CloseSegment()
    {
        if (_segment is null)
        {
            return;
        }

        _segment.Flush(flushToDisk: true);
        _segment.Dispose();
        _segment = null;
    }
}
