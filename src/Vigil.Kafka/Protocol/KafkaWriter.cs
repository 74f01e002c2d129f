using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace Vigil.Kafka;

/// <summary>
/// Writes one request frame into a rented buffer: big-endian fixed-width integers, varints, and Kafka's classic and
/// compact ("flexible version") strings, bytes and arrays (protocol guide, "Protocol Primitive Types"). The frame
/// starts with a 4-byte size that <see cref="Finish"/> fills in. Reuse one writer per connection with
/// <see cref="Reset"/>; dispose returns the buffer.
/// </summary>
internal sealed partial class KafkaWriter : IDisposable
{
    private byte[] _buffer;
    private int _length;

    public KafkaWriter(int initialCapacity = 256)
    {
        _buffer = ArrayPool<byte>.Shared.Rent(initialCapacity);
        Reset();
    }

    /// <summary>Bytes written, the size prefix included.</summary>
    public int Length => _length;

    /// <summary>The frame so far; valid until the next write or <see cref="Reset"/>.</summary>
    public ReadOnlyMemory<byte> Written => _buffer.AsMemory(0, _length);

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _length);

    /// <summary>Starts a new frame: a placeholder for the size prefix, nothing else.</summary>
    public void Reset() => _length = KafkaFraming.SizePrefixLength;

    /// <summary>Fills in the size prefix (everything after it) and returns the whole frame.</summary>
    public ReadOnlyMemory<byte> Finish()
    {
        BinaryPrimitives.WriteInt32BigEndian(_buffer, _length - KafkaFraming.SizePrefixLength);
        return Written;
    }

    public void WriteInt8(sbyte value) => Grow(1)[0] = (byte)value;

    public void WriteBool(bool value) => Grow(1)[0] = value ? (byte)1 : (byte)0;

    public void WriteInt16(short value) => BinaryPrimitives.WriteInt16BigEndian(Grow(2), value);

    public void WriteInt32(int value) => BinaryPrimitives.WriteInt32BigEndian(Grow(4), value);

    public void WriteInt64(long value) => BinaryPrimitives.WriteInt64BigEndian(Grow(8), value);

    public void WriteUuid(Guid value)
    {
        // Kafka's UUID is 16 bytes, most significant first; Guid's big-endian form is exactly that order.
        if (!value.TryWriteBytes(Grow(16), bigEndian: true, out _))
        {
            throw new InvalidOperationException("UUID did not fit its 16 bytes");
        }
    }

    public void WriteUnsignedVarint(uint value)
    {
        var span = Grow(5);
        var n = 0;
        while (value >= 0x80)
        {
            span[n++] = (byte)(value | 0x80);
            value >>= 7;
        }

        span[n++] = (byte)value;
        _length -= 5 - n;
    }

    /// <summary>A signed varint, zigzag encoded (protobuf's sint32).</summary>
    public void WriteVarint(int value) => WriteUnsignedVarint((uint)((value << 1) ^ (value >> 31)));

    /// <summary>A signed varlong, zigzag encoded (protobuf's sint64).</summary>
    public void WriteVarlong(long value)
    {
        var zigzag = (ulong)((value << 1) ^ (value >> 63));
        var span = Grow(10);
        var n = 0;
        while (zigzag >= 0x80)
        {
            span[n++] = (byte)(zigzag | 0x80);
            zigzag >>= 7;
        }

        span[n++] = (byte)zigzag;
        _length -= 10 - n;
    }

    /// <summary>No tagged fields: the count 0. Every flexible structure ends with this.</summary>
    public void WriteEmptyTaggedFields() => WriteUnsignedVarint(0);

    public void Dispose()
    {
        var buffer = _buffer;
        _buffer = [];
        if (buffer.Length > 0)
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private Span<byte> Grow(int count)
    {
        if (_buffer.Length - _length < count)
        {
            Expand(count);
        }

        var span = _buffer.AsSpan(_length, count);
        _length += count;
        return span;
    }

    private void Expand(int count)
    {
        ObjectDisposedException.ThrowIf(_buffer.Length == 0, this);
        var next = ArrayPool<byte>.Shared.Rent(Math.Max(_buffer.Length * 2, _length + count));
        _buffer.AsSpan(0, _length).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }

    private static int Utf8Length(string value) => Encoding.UTF8.GetByteCount(value);
}
