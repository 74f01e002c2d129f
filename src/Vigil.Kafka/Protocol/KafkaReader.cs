using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;

namespace Vigil.Kafka;

/// <summary>
/// Reads one received frame (without its size prefix). Every read checks bounds first; a short or malformed frame
/// throws <see cref="KafkaProtocolException"/> naming what was being read (<paramref name="what"/>, e.g. "Metadata v12
/// response"), the field type and the byte offset, never an IndexOutOfRangeException. Lengths are checked against the
/// bytes left before anything is allocated, so a corrupt count cannot make the reader allocate gigabytes or loop.
/// Topic names go through <paramref name="names"/> when given (<see cref="ReadName"/>).
/// </summary>
internal ref partial struct KafkaReader(ReadOnlySpan<byte> data, string what, KafkaNameTable? names = null)
{
    private readonly ReadOnlySpan<byte> _data = data;
    private int _position;

    public readonly int Position => _position;

    public readonly int Remaining => _data.Length - _position;

    public readonly string What => what;

    public sbyte ReadInt8() => (sbyte)Take(1, "int8")[0];

    public bool ReadBool() => Take(1, "bool")[0] != 0;

    public short ReadInt16() => BinaryPrimitives.ReadInt16BigEndian(Take(2, "int16"));

    public int ReadInt32() => BinaryPrimitives.ReadInt32BigEndian(Take(4, "int32"));

    /// <summary>The next int32 without consuming it; only valid when 4 bytes remain.</summary>
    public readonly int PeekInt32() => BinaryPrimitives.ReadInt32BigEndian(_data.Slice(_position, 4));

    public long ReadInt64() => BinaryPrimitives.ReadInt64BigEndian(Take(8, "int64"));

    public Guid ReadUuid() => new(Take(16, "uuid"), bigEndian: true);

    public uint ReadUnsignedVarint()
    {
        var start = _position;
        uint value = 0;
        for (var shift = 0; shift < 35; shift += 7)
        {
            var b = Take(1, "varint")[0];
            if (shift == 28 && b > 0x0f)
            {
                Fail($"unsigned varint at byte {start} does not fit 32 bits");
            }

            value |= (uint)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        Fail($"unsigned varint at byte {start} is longer than 5 bytes");
        return 0;
    }

    public int ReadVarint()
    {
        var raw = ReadUnsignedVarint();
        return (int)(raw >> 1) ^ -(int)(raw & 1);
    }

    public long ReadVarlong()
    {
        var start = _position;
        ulong raw = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = Take(1, "varlong")[0];
            if (shift == 63 && b > 1)
            {
                Fail($"varlong at byte {start} does not fit 64 bits");
            }

            raw |= (ulong)(b & 0x7f) << shift;
            if (b < 0x80)
            {
                return (long)(raw >> 1) ^ -(long)(raw & 1);
            }
        }

        Fail($"varlong at byte {start} is longer than 10 bytes");
        return 0;
    }

    /// <summary>Skips the tagged fields that end a flexible structure: none of them is needed by this client.</summary>
    public void SkipTaggedFields()
    {
        var count = ReadUnsignedVarint();
        CheckCount(count, "tagged fields");
        for (var i = 0; i < count; i++)
        {
            _ = ReadUnsignedVarint(); // tag
            var size = ReadUnsignedVarint();
            CheckCount(size, "tagged field");
            Take((int)size, "tagged field");
        }
    }

    /// <summary>Skips tagged fields in flexible versions; nothing in classic ones.</summary>
    public void EndStruct(bool flexible)
    {
        if (flexible)
        {
            SkipTaggedFields();
        }
    }

    /// <summary>Fails unless every byte was read: trailing bytes mean the layout assumed was wrong.</summary>
    public readonly void ExpectEnd()
    {
        if (Remaining != 0)
        {
            Fail($"{Remaining} unexpected bytes after the last field, at byte {_position}");
        }
    }

    public ReadOnlySpan<byte> Take(int count, string type)
    {
        if (count < 0 || count > Remaining)
        {
            Fail($"truncated reading {type} ({count} bytes) at byte {_position} of {_data.Length}");
        }

        var span = _data.Slice(_position, count);
        _position += count;
        return span;
    }

    private readonly void CheckCount(uint count, string type)
    {
        if (count > (uint)Remaining)
        {
            Fail($"{type} count {count} at byte {_position} exceeds the {Remaining} bytes left");
        }
    }

    [DoesNotReturn]
    public readonly void Fail(string message) => throw new KafkaProtocolException($"{what}: {message}");
}
