using System.Text;

namespace Vigil.Kafka.Tests.Codec;

/// <summary>
/// Builds expected wire bytes by hand, field by field, from the protocol guide's layouts: big-endian integers,
/// int16-length strings or unsigned-varint (length+1) compact strings, int32 or compact array counts, tagged-field
/// counts. Independent of <see cref="KafkaWriter"/>, so a fixture can catch the writer's mistakes.
/// </summary>
internal sealed class Fixture(bool flexible = false)
{
    private readonly List<byte> _bytes = [];

    public bool Flexible { get; } = flexible;

    public int Length => _bytes.Count;

    public Fixture I8(int value) => Raw((byte)value);

    public Fixture Bool(bool value) => Raw(value ? (byte)1 : (byte)0);

    public Fixture I16(int value) => Raw((byte)(value >> 8), (byte)value);

    public Fixture I32(int value) => Raw((byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value);

    public Fixture I64(long value) => I32((int)(value >> 32)).I32((int)value);

    public Fixture Uuid(byte fill) => Raw(Enumerable.Repeat(fill, 16).ToArray());

    /// <summary>Unsigned varint: 7 bits a byte, low group first, high bit set on all but the last.</summary>
    public Fixture UVarint(uint value)
    {
        while (value >= 0x80)
        {
            Raw((byte)((value & 0x7f) | 0x80));
            value >>= 7;
        }

        return Raw((byte)value);
    }

    public Fixture Str(string value) => NStr(value);

    public Fixture NStr(string? value)
    {
        if (value is null)
        {
            return Flexible ? UVarint(0) : I16(-1);
        }

        var bytes = Encoding.UTF8.GetBytes(value);
        return (Flexible ? UVarint((uint)bytes.Length + 1) : I16(bytes.Length)).Raw(bytes);
    }

    public Fixture Bytes(byte[] value) => (Flexible ? UVarint((uint)value.Length + 1) : I32(value.Length)).Raw(value);

    /// <summary>An array count; -1 for null.</summary>
    public Fixture Array(int count) => Flexible ? UVarint((uint)(count + 1)) : I32(count);

    public Fixture Int32s(params int[] values)
    {
        Array(values.Length);
        foreach (var value in values)
        {
            I32(value);
        }

        return this;
    }

    /// <summary>The end of a structure: an empty tagged-field section in flexible versions, nothing otherwise.</summary>
    public Fixture Tags() => Flexible ? UVarint(0) : this;

    /// <summary>A tagged-field section with one field the client does not know (tag, size, bytes): to be skipped.</summary>
    public Fixture UnknownTag(uint tag, params byte[] data) => Flexible ? UVarint(1).UVarint(tag).UVarint((uint)data.Length).Raw(data) : this;

    public Fixture If(bool condition, Func<Fixture, Fixture> add) => condition ? add(this) : this;

    public Fixture Raw(params byte[] bytes)
    {
        _bytes.AddRange(bytes);
        return this;
    }

    public byte[] ToArray() => [.. _bytes];
}
