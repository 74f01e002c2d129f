using static Vigil.Kafka.Tests.Codec.CodecHelpers;

namespace Vigil.Kafka.Tests.Codec;

public sealed class PrimitivesTests
{
    [Theory]
    [InlineData(0, "00")]
    [InlineData(-1, "01")]
    [InlineData(1, "02")]
    [InlineData(63, "7E")]
    [InlineData(-64, "7F")]
    [InlineData(64, "8001")]
    [InlineData(int.MaxValue, "FEFFFFFF0F")]
    [InlineData(int.MinValue, "FFFFFFFF0F")]
    public void VarintIsZigzag(int value, string hex)
    {
        Assert.Equal(hex, Hex(Body(w => w.WriteVarint(value))));
        var reader = new KafkaReader(Convert.FromHexString(hex), "t");
        Assert.Equal(value, reader.ReadVarint());
        Assert.Equal(0, reader.Remaining);
    }

    [Theory]
    [InlineData(0L, "00")]
    [InlineData(-1L, "01")]
    [InlineData(150L, "AC02")]
    [InlineData(long.MaxValue, "FEFFFFFFFFFFFFFFFF01")]
    [InlineData(long.MinValue, "FFFFFFFFFFFFFFFFFF01")]
    public void VarlongIsZigzag(long value, string hex)
    {
        Assert.Equal(hex, Hex(Body(w => w.WriteVarlong(value))));
        var reader = new KafkaReader(Convert.FromHexString(hex), "t");
        Assert.Equal(value, reader.ReadVarlong());
    }

    [Theory]
    [InlineData(0u, "00")]
    [InlineData(127u, "7F")]
    [InlineData(128u, "8001")]
    [InlineData(300u, "AC02")]
    [InlineData(uint.MaxValue, "FFFFFFFF0F")]
    public void UnsignedVarint(uint value, string hex)
    {
        Assert.Equal(hex, Hex(Body(w => w.WriteUnsignedVarint(value))));
        var reader = new KafkaReader(Convert.FromHexString(hex), "t");
        Assert.Equal(value, reader.ReadUnsignedVarint());
    }

    [Fact]
    public void FixedWidthIntegersAreBigEndian()
    {
        var expected = new Fixture().I8(-2).I16(0x1234).I32(-5).I64(0x0102030405060708).Bool(true).ToArray();
        var body = Body(w =>
        {
            w.WriteInt8(-2);
            w.WriteInt16(0x1234);
            w.WriteInt32(-5);
            w.WriteInt64(0x0102030405060708);
            w.WriteBool(true);
        });
        Assert.Equal(Hex(expected), Hex(body));
        var reader = new KafkaReader(body, "t");
        Assert.Equal(-2, reader.ReadInt8());
        Assert.Equal(0x1234, reader.ReadInt16());
        Assert.Equal(-5, reader.ReadInt32());
        Assert.Equal(0x0102030405060708, reader.ReadInt64());
        Assert.True(reader.ReadBool());
    }

    [Fact]
    public void StringsClassicAndCompact()
    {
        Assert.Equal("0002C3A9", Hex(Body(w => w.WriteString("é", compact: false))));
        Assert.Equal("03C3A9", Hex(Body(w => w.WriteString("é", compact: true))));
        Assert.Equal("FFFF", Hex(Body(w => w.WriteNullableString(null, compact: false))));
        Assert.Equal("00", Hex(Body(w => w.WriteNullableString(null, compact: true))));
        Assert.Equal("01", Hex(Body(w => w.WriteString("", compact: true))));
        Check("0002C3A9", false, "é");
        Check("03C3A9", true, "é");
        Check("FFFF", false, null);
        Check("00", true, null);

        static void Check(string hex, bool compact, string? expected)
        {
            var reader = new KafkaReader(Convert.FromHexString(hex), "t");
            Assert.Equal(expected, reader.ReadNullableString(compact));
            Assert.Equal(0, reader.Remaining);
        }
    }

    [Fact]
    public void BytesArraysAndUuid()
    {
        Assert.Equal("00000002ABCD", Hex(Body(w => w.WriteBytes([0xab, 0xcd], compact: false))));
        Assert.Equal("03ABCD", Hex(Body(w => w.WriteBytes([0xab, 0xcd], compact: true))));
        Assert.Equal("FFFFFFFF", Hex(Body(w => w.WriteArrayLength(-1, compact: false))));
        Assert.Equal("00", Hex(Body(w => w.WriteArrayLength(-1, compact: true))));
        Assert.Equal("0300000001FFFFFFFF", Hex(Body(w => w.WriteInt32Array([1, -1], compact: true))));
        var id = Guid.Parse("00112233-4455-6677-8899-aabbccddeeff");
        Assert.Equal("00112233445566778899AABBCCDDEEFF", Hex(Body(w => w.WriteUuid(id))));
        var reader = new KafkaReader(Convert.FromHexString("00112233445566778899AABBCCDDEEFF"), "t");
        Assert.Equal(id, reader.ReadUuid());
    }

    [Fact]
    public void UnknownTaggedFieldsAreSkipped()
    {
        // Two tagged fields (tags 0 and 5) of 2 and 0 bytes, then an int16 that must still be read correctly.
        var reader = new KafkaReader(Convert.FromHexString("02" + "00" + "02" + "BEEF" + "05" + "00" + "0007"), "t");
        reader.SkipTaggedFields();
        Assert.Equal(7, reader.ReadInt16());
        Assert.Equal("00", Hex(Body(w => w.WriteEmptyTaggedFields())));
    }

    [Theory]
    [InlineData("0001", "int32")]
    [InlineData("FFFFFFFF", "truncated reading varint")]
    [InlineData("FFFFFFFF7F", "does not fit 32 bits")]
    [InlineData("0005616263", "truncated reading string")]
    [InlineData("FFFE", "string length -2")]
    [InlineData("7FFFFFFF", "exceeds")]
    [InlineData("FFFFFFFE", "array length -2")]
    [InlineData("0002C328", "not valid UTF-8")]
    public void MalformedInputNamesWhatAndWhere(string hex, string expected)
    {
        var bytes = Convert.FromHexString(hex);
        var error = Assert.Throws<KafkaProtocolException>(() => ReadForCase(bytes, expected));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.StartsWith("what: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("byte", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void TaggedFieldSizeBeyondTheFrameFails()
    {
        var error = Assert.Throws<KafkaProtocolException>(() =>
        {
            var reader = new KafkaReader(Convert.FromHexString("01" + "00" + "7F" + "00"), "what");
            reader.SkipTaggedFields();
        });
        Assert.Contains("tagged field", error.Message, StringComparison.Ordinal);
    }

    private static void ReadForCase(byte[] bytes, string expected)
    {
        var reader = new KafkaReader(bytes, "what");
        switch (expected)
        {
            case "int32":
                reader.ReadInt32();
                break;
            case "truncated reading varint" or "does not fit 32 bits":
                reader.ReadUnsignedVarint();
                break;
            case "exceeds" or "array length -2":
                reader.ReadArrayLength(compact: false);
                break;
            default:
                reader.ReadNullableString(compact: false);
                break;
        }
    }

    [Fact]
    public void NamesAreSharedThroughTheTable()
    {
        var table = new KafkaNameTable();
        var bytes = new Fixture().Str("orders").Str("orders").Raw(0, 2, 0xC3, 0x28).ToArray();
        var reader = new KafkaReader(bytes, "what", table);
        var first = reader.ReadName(compact: false);
        var second = reader.ReadName(compact: false);
        Assert.Equal("orders", first);
        Assert.Same(first, second);
        Assert.Equal(1, table.Count);
        var error = Assert.Throws<KafkaProtocolException>(() =>
        {
            var bad = new KafkaReader(bytes.AsSpan(16), "what", table);
            bad.ReadName(compact: false);
        });
        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
    }
}
