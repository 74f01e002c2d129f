using static Vigil.Kafka.Tests.Codec.CodecHelpers;

namespace Vigil.Kafka.Tests.Codec;

/// <summary>Every request version written, compared byte for byte with a fixture built from the guide's layout.</summary>
public sealed class RequestCodecTests
{
    public static TheoryData<short> Versions(int min, int max) => ResponseCodecTests.Versions(min, max);

    [Theory]
    [MemberData(nameof(Versions), 0, 3)]
    public void ApiVersions(short v)
    {
        var expected = new Fixture(true).If(v >= 3, x => x.Str("vigil").Str("0.1.0").Tags());
        Assert.Equal(Hex(expected.ToArray()), Hex(Body(w => ApiVersionsMessage.WriteRequest(w, v))));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 12)]
    public void MetadataForAllTopics(short v)
    {
        // v0: an empty array means all topics; from v1 a null array does.
        var f = new Fixture(v >= 9).Array(v == 0 ? 0 : -1);
        f.If(v >= 4, x => x.Bool(false)).If(v is >= 8 and <= 10, x => x.Bool(false)).If(v >= 8, x => x.Bool(false)).Tags();
        Assert.Equal(Hex(f.ToArray()), Hex(Body(w => MetadataMessage.WriteRequest(w, v, null))));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 12)]
    public void MetadataForNamedTopics(short v)
    {
        var f = new Fixture(v >= 9).Array(2);
        foreach (var topic in new[] { "a", "b" })
        {
            f.If(v >= 10, x => x.Uuid(0)).Str(topic).Tags();
        }

        f.If(v >= 4, x => x.Bool(false)).If(v is >= 8 and <= 10, x => x.Bool(false)).If(v >= 8, x => x.Bool(false)).Tags();
        Assert.Equal(Hex(f.ToArray()), Hex(Body(w => MetadataMessage.WriteRequest(w, v, ["a", "b"]))));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 7)]
    public void ListOffsets(short v)
    {
        var topics = new Dictionary<string, List<int>> { ["orders"] = [0, 3] };
        var f = new Fixture(v >= 6).I32(-1).If(v >= 2, x => x.I8(0)).Array(1).Str("orders").Array(2);
        foreach (var partition in new[] { 0, 3 })
        {
            f.I32(partition).If(v >= 4, x => x.I32(-1)).I64(-2).If(v == 0, x => x.I32(1)).Tags();
        }

        f.Tags().Tags();
        Assert.Equal(Hex(f.ToArray()), Hex(Body(w => ListOffsetsMessage.WriteRequest(w, v, topics, KafkaOffsetSpec.Earliest))));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 4)]
    public void FindCoordinator(short v)
    {
        string[] groups = v >= 4 ? ["g1", "g2"] : ["g1"];
        var f = new Fixture(v >= 3).If(v < 4, x => x.Str("g1")).If(v >= 1, x => x.I8(0));
        f.If(v >= 4, x => x.Array(2).Str("g1").Str("g2")).Tags();
        Assert.Equal(Hex(f.ToArray()), Hex(Body(w => FindCoordinatorMessage.WriteRequest(w, v, groups))));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 8)]
    public void OffsetFetchForPartitions(short v)
    {
        var partitions = new Dictionary<string, List<int>> { ["orders"] = [0, 1] };
        var f = new Fixture(v >= 6).If(v >= 8, x => x.Array(1)).Str("g1");
        f.Array(1).Str("orders").Int32s(0, 1).Tags();
        f.If(v >= 8, x => x.Tags()).If(v >= 7, x => x.Bool(false)).Tags();
        Assert.Equal(Hex(f.ToArray()), Hex(Body(w => OffsetFetchMessage.WriteRequest(w, v, ["g1"], partitions))));
    }

    [Theory]
    [MemberData(nameof(Versions), 2, 8)]
    public void OffsetFetchForAllTopics(short v)
    {
        var f = new Fixture(v >= 6).If(v >= 8, x => x.Array(2).Str("g1").Array(-1).Tags().Str("g2"));
        f.If(v < 8, x => x.Str("g1")).Array(-1).If(v >= 8, x => x.Tags()).If(v >= 7, x => x.Bool(false)).Tags();
        string[] groups = v >= 8 ? ["g1", "g2"] : ["g1"];
        Assert.Equal(Hex(f.ToArray()), Hex(Body(w => OffsetFetchMessage.WriteRequest(w, v, groups, null))));
    }

    [Fact]
    public void OffsetFetchRefusesWhatAVersionCannotSay()
    {
        Assert.Throws<ArgumentException>(() => Body(w => OffsetFetchMessage.WriteRequest(w, 1, ["g1"], null)));
        Assert.Throws<ArgumentException>(() => Body(w => OffsetFetchMessage.WriteRequest(w, 7, ["g1", "g2"], null)));
        Assert.Throws<ArgumentException>(() => Body(w => FindCoordinatorMessage.WriteRequest(w, 3, ["g1", "g2"])));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 4)]
    public void ListGroups(short v)
    {
        var f = new Fixture(v >= 3).If(v >= 4, x => x.Array(0)).Tags();
        Assert.Equal(Hex(f.ToArray()), Hex(Body(w => ListGroupsMessage.WriteRequest(w, v))));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public void DescribeGroups(short v)
    {
        var f = new Fixture(v >= 5).Array(2).Str("g1").Str("g2").If(v >= 3, x => x.Bool(false)).Tags();
        Assert.Equal(Hex(f.ToArray()), Hex(Body(w => DescribeGroupsMessage.WriteRequest(w, v, ["g1", "g2"]))));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 4)]
    public void DescribeConfigs(short v)
    {
        var f = new Fixture(v >= 4).Array(2).I8(2).Str("orders").Array(-1).Tags().I8(4).Str("1").Array(-1).Tags();
        f.If(v >= 1, x => x.Bool(false)).If(v >= 3, x => x.Bool(false)).Tags();
        (KafkaConfigResourceType, string)[] resources = [(KafkaConfigResourceType.Topic, "orders"), (KafkaConfigResourceType.Broker, "1")];
        Assert.Equal(Hex(f.ToArray()), Hex(Body(w => DescribeConfigsMessage.WriteRequest(w, v, resources))));
    }

    [Fact]
    public void DescribeCluster() =>
        Assert.Equal(Hex(new Fixture(true).Bool(false).Tags().ToArray()), Hex(Body(w => DescribeClusterMessage.WriteRequest(w, 0))));

    [Theory]
    [MemberData(nameof(Versions), 0, 1)]
    public void SaslHandshake(short v)
    {
        _ = v;
        Assert.Equal(Hex(new Fixture().Str("SCRAM-SHA-512").ToArray()), Hex(Body(w => SaslHandshakeMessage.WriteRequest(w, "SCRAM-SHA-512"))));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 2)]
    public void SaslAuthenticate(short v)
    {
        var expected = new Fixture(v >= 2).Bytes([0, 0x75, 0, 0x70]).Tags();
        Assert.Equal(Hex(expected.ToArray()), Hex(Body(w => SaslAuthenticateMessage.WriteRequest(w, v, [0, 0x75, 0, 0x70]))));
    }
}
