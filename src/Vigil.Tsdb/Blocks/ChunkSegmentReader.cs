using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Vigil.Tsdb.Chunks;
using Vigil.Wal;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// A block's chunk segments, memory-mapped (Prometheus's <c>chunks.Reader</c>). <see cref="Chunk"/> resolves a
/// chunk ref to the chunk's bytes inside the mapping, checking bounds, encoding and CRC each time, and allocates
/// nothing. Thread-safe for reading; the slices are valid until <see cref="Dispose"/>.
/// </summary>
internal sealed class ChunkSegmentReader : IDisposable
{
    private readonly MappedFile[] _segments;
    private readonly ReadOnlyMemory<byte>[] _memories;

    private ChunkSegmentReader(MappedFile[] segments)
    {
        _segments = segments;
        _memories = Array.ConvertAll(segments, s => (ReadOnlyMemory<byte>)s.Memory);
    }

    public int SegmentCount => _segments.Length;

    /// <summary>Total bytes of the segments.</summary>
    public long Size { get; private init; }

    /// <summary>Maps every segment of <paramref name="directory"/> (files named by digits only, in number order) and checks their headers.</summary>
    public static ChunkSegmentReader Open(string directory)
    {
        if (!Directory.Exists(directory))
        {
            throw new CorruptBlockException(directory, 0, "the chunks directory is missing");
        }

        var files = Directory.GetFiles(directory)
            .Select(path => (Path: path, Name: Path.GetFileName(path)))
            .Where(f => f.Name.Length > 0 && f.Name.All(char.IsAsciiDigit))
            .OrderBy(f => ulong.Parse(f.Name, NumberStyles.None, CultureInfo.InvariantCulture))
            .Select(f => f.Path)
            .ToList();
        var segments = new List<MappedFile>(files.Count);
        try
        {
            long size = 0;
            foreach (string file in files)
            {
                var segment = MappedFile.Open(file);
                segments.Add(segment);
                CheckHeader(segment);
                size += segment.Length;
            }

            return new ChunkSegmentReader([.. segments]) { Size = size };
        }
        catch
        {
            foreach (var segment in segments)
            {
                ((IDisposable)segment).Dispose();
            }

            throw;
        }
    }

    /// <summary>The bytes (header included) of the chunk <paramref name="chunkRef"/> points at; see <see cref="Chunk(ulong, out ChunkEncoding)"/>.</summary>
    public ReadOnlyMemory<byte> Chunk(ulong chunkRef) => Chunk(chunkRef, out _);

    /// <summary>
    /// The chunk (header included) that <paramref name="chunkRef"/> points at, and its encoding. Throws
    /// <see cref="CorruptBlockException"/>, naming the segment and offset, when the ref points outside a segment,
    /// the encoding is neither XOR nor vigil-decimal, or its CRC does not match.
    /// </summary>
    public ReadOnlyMemory<byte> Chunk(ulong chunkRef, out ChunkEncoding encoding)
    {
        int segment = (int)(chunkRef >> 32);
        int offset = (int)(uint)chunkRef;
        if ((uint)segment >= (uint)_memories.Length)
        {
            ThrowBadRef(chunkRef);
        }

        var memory = _memories[segment];
        var bytes = memory.Span;
        if (offset < BlockFormat.ChunkSegmentHeaderSize || offset >= bytes.Length)
        {
            ThrowCorrupt(segment, offset, "chunk ref points outside the segment");
        }

        if (!Varint.TryReadUvarint(bytes[offset..], out ulong length, out int lengthBytes))
        {
            ThrowCorrupt(segment, offset, "truncated chunk length");
        }

        int encodingAt = offset + lengthBytes;
        long available = bytes.Length - encodingAt - 1L - 4L;
        if (available < 0 || length > (ulong)available)
        {
            ThrowCorrupt(segment, offset, $"chunk of {length} bytes runs past the end of the segment");
        }

        int dataLength = (int)length;
        var encodedAndData = bytes.Slice(encodingAt, 1 + dataLength);
        uint stored = BinaryPrimitives.ReadUInt32BigEndian(bytes[(encodingAt + 1 + dataLength)..]);
        if (Crc32C.Compute(encodedAndData) != stored)
        {
            ThrowCorrupt(segment, offset, "chunk CRC mismatch");
        }

        encoding = (ChunkEncoding)encodedAndData[0];
        if (encoding is not (ChunkEncoding.Xor or ChunkEncoding.VigilDecimal))
        {
            ThrowCorrupt(segment, offset, $"unsupported chunk encoding {encodedAndData[0]} (XOR, 1, and vigil-decimal, 128, are read)");
        }

        return memory.Slice(encodingAt + 1, dataLength);
    }

    public void Dispose()
    {
        foreach (var segment in _segments)
        {
            ((IDisposable)segment).Dispose();
        }
    }

    private static void CheckHeader(MappedFile segment)
    {
        var bytes = segment.GetSpan();
        if (bytes.Length < BlockFormat.ChunkSegmentHeaderSize)
        {
            throw new CorruptBlockException(segment.Path, 0, "shorter than the segment header");
        }

        uint magic = BinaryPrimitives.ReadUInt32BigEndian(bytes);
        if (magic != BlockFormat.ChunksMagic)
        {
            throw new CorruptBlockException(segment.Path, 0, $"bad magic number {magic:x8} (expected {BlockFormat.ChunksMagic:x8})");
        }

        if (bytes[4] != BlockFormat.ChunksVersion)
        {
            throw new CorruptBlockException(segment.Path, 4, $"unsupported chunks format version {bytes[4]}");
        }
    }

    [DoesNotReturn]
    private void ThrowBadRef(ulong chunkRef) =>
        throw new CorruptBlockException(
            _segments.Length > 0 ? Path.GetDirectoryName(_segments[0].Path)! : "chunks",
            (long)(uint)chunkRef,
            $"chunk ref {chunkRef:x16} names segment {chunkRef >> 32}, but there are {_segments.Length}");

    [DoesNotReturn]
    private void ThrowCorrupt(int segment, int offset, string detail) =>
        throw new CorruptBlockException(_segments[segment].Path, offset, detail);
}
