using System.Buffers;
using System.Runtime.InteropServices;
using Vigil.Tsdb.Blocks;

namespace Vigil.Tsdb;

/// <summary>
/// One page of <see cref="HeadChunkFile"/>: closed head chunks packed one after another. It fills in memory, then is
/// written to its segment file in one write and from then on reads through the segment's read-only mapping, so its
/// bytes leave the heap and live in the page cache (Prometheus's <c>chunks_head</c> m-mapped chunks). Chunks are
/// handed out as <see cref="Memory{T}"/> slices of this manager, so they keep working across the switch: every
/// <see cref="Memory{T}.Span"/> asks <see cref="GetSpan"/> for the current backing.
/// </summary>
/// <remarks>
/// A span taken before the switch keeps the in-memory array alive (the GC tracks it), so it stays valid. A span taken
/// after it points into the mapping, which <see cref="HeadChunkFile"/> unmaps only once no querier holds a lease.
/// </remarks>
internal sealed class HeadChunkPage : MemoryManager<byte>
{
    private byte[]? _buffer;
    private MappedFile? _segment;
    private int _segmentOffset;
    private int _used;

    public HeadChunkPage(int size) => _buffer = new byte[size];

    public int Used => _used;

    public int Capacity => _buffer?.Length ?? _used;

    /// <summary>Newest sample time of any chunk on the page, for truncation.</summary>
    public long MaxTime { get; private set; } = long.MinValue;

    public bool IsWritten => _buffer is null;

    /// <summary>
    /// Copies <paramref name="header"/> and then <paramref name="chunk"/> onto the page, or returns false when they
    /// do not fit. <paramref name="offset"/> is where the header starts.
    /// </summary>
    public bool TryAdd(ReadOnlySpan<byte> header, ReadOnlySpan<byte> chunk, long maxTime, out int offset)
    {
        if (_buffer is null || _buffer.Length - _used < header.Length + chunk.Length)
        {
            offset = 0;
            return false;
        }

        offset = _used;
        header.CopyTo(_buffer.AsSpan(_used));
        chunk.CopyTo(_buffer.AsSpan(_used + header.Length));
        _used += header.Length + chunk.Length;
        MaxTime = Math.Max(MaxTime, maxTime);
        return true;
    }

    /// <summary>Bytes of the page, read wherever they are now (the array, then the mapping).</summary>
    public Memory<byte> Slice(int offset, int length) => CreateMemory(offset, length);

    /// <summary>The filled part, for the one write to the segment.</summary>
    public ReadOnlySpan<byte> Filled => _buffer.AsSpan(0, _used);

    /// <summary>After the page's bytes are in <paramref name="segment"/> at <paramref name="offset"/>: read from there.</summary>
    public void MoveTo(MappedFile segment, int offset)
    {
        (_segment, _segmentOffset) = (segment, offset);
        Volatile.Write(ref _buffer, null);
    }

    public override Span<byte> GetSpan()
    {
        byte[]? buffer = Volatile.Read(ref _buffer);
        return buffer is not null
            ? buffer
            : _segment!.GetSpan().Slice(_segmentOffset, _used);
    }

    public override MemoryHandle Pin(int elementIndex = 0)
    {
        byte[]? buffer = Volatile.Read(ref _buffer);
        if (buffer is null)
        {
            return _segment!.Pin(_segmentOffset + elementIndex);
        }

        var handle = GCHandle.Alloc(buffer, GCHandleType.Pinned);
        unsafe
        {
            return new MemoryHandle((byte*)handle.AddrOfPinnedObject() + elementIndex, handle);
        }
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
        // The segment's mapping belongs to HeadChunkFile; the array, if any, to the GC.
    }
}
