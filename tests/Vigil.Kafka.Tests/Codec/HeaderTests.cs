using static Vigil.Kafka.Tests.Codec.CodecHelpers;

namespace Vigil.Kafka.Tests.Codec;

public sealed class HeaderTests
{
    [Fact]
    public void RequestHeaderV1ForClassicVersions()
    {
        using var writer = new KafkaWriter();
        KafkaFraming.WriteRequestHeader(writer, KafkaApi.Metadata, 8, 0x01020304, "vigil");
        var frame = writer.Finish().ToArray();
        var header = new Fixture().I16(3).I16(8).I32(0x01020304).Str("vigil").ToArray();
        Assert.Equal(Hex(new Fixture().I32(header.Length).Raw(header).ToArray()), Hex(frame));
    }

    [Fact]
    public void RequestHeaderV2ForFlexibleVersionsKeepsAClassicClientId()
    {
        using var writer = new KafkaWriter();
        KafkaFraming.WriteRequestHeader(writer, KafkaApi.Metadata, 9, 7, "c");
        var frame = writer.Finish().ToArray();

        // Header v2: api key, version, correlation id, client id as an int16-length string, empty tagged fields.
        var header = new Fixture().I16(3).I16(9).I32(7).Str("c").UVarint(0).ToArray();
        Assert.Equal(Hex(new Fixture().I32(header.Length).Raw(header).ToArray()), Hex(frame));
    }

    [Theory]
    [InlineData(18, 3, 2, 0)] // ApiVersions keeps response header v0 even in its flexible v3 (KIP-511)
    [InlineData(18, 2, 1, 0)]
    [InlineData(3, 12, 2, 1)]
    [InlineData(3, 8, 1, 0)]
    [InlineData(60, 0, 2, 1)]
    [InlineData(17, 1, 1, 0)]
    [InlineData(2, 6, 2, 1)]
    [InlineData(2, 5, 1, 0)]
    public void HeaderVersions(short key, short version, short request, short response)
    {
        var api = new[] { KafkaApi.ApiVersions, KafkaApi.Metadata, KafkaApi.DescribeCluster, KafkaApi.SaslHandshake, KafkaApi.ListOffsets }.Single(a => a.Key == key);
        Assert.Equal(request, api.RequestHeaderVersion(version));
        Assert.Equal(response, api.ResponseHeaderVersion(version));
    }

    [Fact]
    public void ResponseHeaderV1TaggedFieldsAreSkipped()
    {
        var frame = new Fixture(flexible: true).I32(42).UnknownTag(3, 1, 2, 3).I16(5).ToArray();
        Assert.Equal(42, KafkaFraming.ReadCorrelationId(frame));
        var reader = new KafkaReader(frame, "t");
        KafkaFraming.SkipResponseHeader(ref reader, KafkaApi.Metadata, 9);
        Assert.Equal(5, reader.ReadInt16());
    }

    [Fact]
    public void WriterGrowsPastItsFirstBuffer()
    {
        using var writer = new KafkaWriter(16);
        var text = new string('x', 5000);
        writer.WriteString(text, compact: true);
        var frame = writer.Finish().ToArray();
        Assert.Equal(4 + 2 + 5000, frame.Length);
        var reader = new KafkaReader(frame.AsSpan(4), "t");
        Assert.Equal(text, reader.ReadString(compact: true));
    }
}
