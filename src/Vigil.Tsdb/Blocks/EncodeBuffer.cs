using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Vigil.Wal;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// A growable byte buffer rented from <see cref="ArrayPool{T}.Shared"/>, with the field encodings of the block
/// format (Prometheus's <c>encoding.Encbuf</c>): big-endian fixed-size integers and Go's varints. The writers build
/// one section or entry in it, then prefix its length, append its CRC and copy it out. Not thread-safe.
/// </summary>
internal sealed class EncodeBuffer : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public EncodeBuffer(int initialBytes = 4096) => _buffer = ArrayPool<byte>.Shared.Rent(initialBytes);

    public int Length => _length;

    /// <summary>The bytes written since the last <see cref="Reset"/>; valid until the next write.</summary>
    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, _length);

    public void Reset() => _length = 0;

    public void PutByte(byte value) => Reserve(1)[0] = value;

    public void PutBigEndian32(uint value) => BinaryPrimitives.WriteUInt32BigEndian(Reserve(4), value);

    public void PutBigEndian64(ulong value) => BinaryPrimitives.WriteUInt64BigEndian(Reserve(8), value);

    /// <summary>Overwrites four bytes already written, e.g. a section's length once its body is known.</summary>
    public void PatchBigEndian32(int offset, uint value) => BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(offset, 4), value);

    public void PutUvarint(ulong value)
    {
        var target = Reserve(Varint.MaxLength);
        _length -= Varint.MaxLength - Varint.WriteUvarint(target, value);
    }

    public void PutVarint(long value) => PutUvarint(Varint.ZigZag(value));

    public void PutBytes(ReadOnlySpan<byte> bytes) => bytes.CopyTo(Reserve(bytes.Length));

    /// <summary>A string as its UTF-8 length (uvarint) and bytes (Prometheus's <c>PutUvarintStr</c>).</summary>
    public void PutUvarintString(string value)
    {
        int byteCount = Encoding.UTF8.GetByteCount(value);
        PutUvarint((ulong)byteCount);
        Encoding.UTF8.GetBytes(value, Reserve(byteCount));
    }

    /// <summary>Appends the CRC32-C of the bytes from <paramref name="start"/>, big-endian, as every checksum of the format is.</summary>
    public void PutCrcFrom(int start) => PutBigEndian32(Crc32C.Compute(_buffer.AsSpan(start, _length - start)));

    /// <summary>Zero bytes up to the next multiple of <paramref name="alignment"/>, counted from <paramref name="fileOffset"/> (where byte 0 lands).</summary>
    public void PadTo(long fileOffset, int alignment)
    {
        int pad = (int)((alignment - ((fileOffset + _length) % alignment)) % alignment);
        Reserve(pad).Clear();
    }

    public void Dispose()
    {
        if (_buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = [];
        }
    }

    private Span<byte> Reserve(int count)
    {
        if (_length + count > _buffer.Length)
        {
            var larger = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
            _buffer.AsSpan(0, _length).CopyTo(larger);
            ArrayPool<byte>.Shared.Return(_buffer);
            _buffer = larger;
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }
}
