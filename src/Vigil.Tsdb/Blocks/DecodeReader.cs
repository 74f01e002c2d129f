using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using Vigil.Wal;

namespace Vigil.Tsdb.Blocks;

/// <summary>
/// Reads the block format's fields forward from a span of a mapped file (Prometheus's <c>encoding.Decbuf</c>).
/// Every read checks its bounds; a field that runs past the end, or a varint that overflows, throws
/// <see cref="CorruptBlockException"/> naming the file and the absolute offset of the field.
/// </summary>
internal ref struct DecodeReader
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    private readonly ReadOnlySpan<byte> _data;
    private readonly string _file;
    private readonly long _baseOffset;
    private int _position;

    /// <param name="data">The bytes to read.</param>
    /// <param name="file">The file they come from, for errors.</param>
    /// <param name="baseOffset">Where <paramref name="data"/> starts in that file, for errors.</param>
    public DecodeReader(ReadOnlySpan<byte> data, string file, long baseOffset)
    {
        _data = data;
        _file = file;
        _baseOffset = baseOffset;
        _position = 0;
    }

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    /// <summary>The absolute file offset of the next field.</summary>
    public readonly long FileOffset => _baseOffset + _position;

    public byte ReadByte()
    {
        Need(1);
        return _data[_position++];
    }

    public uint ReadBigEndian32()
    {
        Need(4);
        uint value = BinaryPrimitives.ReadUInt32BigEndian(_data[_position..]);
        _position += 4;
        return value;
    }

    public ulong ReadBigEndian64()
    {
        Need(8);
        ulong value = BinaryPrimitives.ReadUInt64BigEndian(_data[_position..]);
        _position += 8;
        return value;
    }

    public ulong ReadUvarint()
    {
        if (!Varint.TryReadUvarint(_data[_position..], out ulong value, out int read))
        {
            Throw("truncated or over-long varint");
        }

        _position += read;
        return value;
    }

    public long ReadVarint() => Varint.UnZigZag(ReadUvarint());

    /// <summary>A uvarint that must fit an int (a count or a length), checked against what is left to read.</summary>
    public int ReadCount(int bytesPerItem)
    {
        long at = FileOffset;
        ulong count = ReadUvarint();
        if (count > (ulong)Remaining / (ulong)Math.Max(1, bytesPerItem))
        {
            throw new CorruptBlockException(_file, at, $"count {count} does not fit the {Remaining} bytes left");
        }

        return (int)count;
    }

    /// <summary>A uvarint-prefixed byte string (Prometheus's <c>UvarintBytes</c>); the span points into the file.</summary>
    public ReadOnlySpan<byte> ReadUvarintBytes()
    {
        int length = ReadCount(1);
        var bytes = _data.Slice(_position, length);
        _position += length;
        return bytes;
    }

    public string ReadUvarintString()
    {
        long at = FileOffset;
        return Utf8(ReadUvarintBytes(), _file, at);
    }

    /// <summary>Decodes UTF-8, refusing invalid bytes (a corrupt string must not turn into another valid one).</summary>
    public static string Utf8(ReadOnlySpan<byte> bytes, string file, long offset)
    {
        try
        {
            return StrictUtf8.GetString(bytes);
        }
        catch (DecoderFallbackException e)
        {
            throw new CorruptBlockException(file, offset, "a string is not valid UTF-8", e);
        }
    }

    public void Skip(int count)
    {
        Need(count);
        _position += count;
    }

    [DoesNotReturn]
    public readonly void Throw(string detail) => throw new CorruptBlockException(_file, FileOffset, detail);

    private readonly void Need(int count)
    {
        if (count > Remaining)
        {
            Throw($"{count} bytes needed, {Remaining} left");
        }
    }
}
