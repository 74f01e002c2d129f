using static Vigil.Kafka.Tests.Codec.CodecHelpers;

namespace Vigil.Kafka.Tests.Codec;

/// <summary>Every response version read from hand-built bytes (<see cref="ResponseFixtures"/>).</summary>
public sealed class ResponseCodecTests
{
    public static TheoryData<short> Versions(int min, int max) => [.. Enumerable.Range(min, max - min + 1).Select(v => (short)v)];

    [Theory]
    [MemberData(nameof(Versions), 0, 3)]
    public void ApiVersions(short v)
    {
        var answer = Read(ResponseFixtures.ApiVersions(v), v, ApiVersionsMessage.ReadResponse);
        Assert.Equal(0, answer.ErrorCode);
        Assert.Equal(((short)0, (short)12), answer.Apis[3]);
        Assert.Equal(12, answer.Negotiate(KafkaApi.Metadata));
        Assert.Equal(3, answer.Negotiate(KafkaApi.ApiVersions));
        Assert.Equal(-1, answer.Negotiate(KafkaApi.ListGroups));
    }

    [Fact]
    public void ApiVersionsUnsupportedVersionIsReportedForARetry()
    {
        // A broker that lacks v3 answers in the v0 layout: error 35, then its ApiVersions range.
        var body = new Fixture().I16(35).Array(1).I16(18).I16(0).I16(2).ToArray();
        Assert.Equal(KafkaErrorCodes.UnsupportedVersion, Read(body, 3, ApiVersionsMessage.ReadResponse).ErrorCode);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 12)]
    public void Metadata(short v)
    {
        var m = Read(ResponseFixtures.Metadata(v), v, MetadataMessage.ReadResponse);
        Assert.Equal(v >= 2 ? "cid" : null, m.ClusterId);
        Assert.Equal(v >= 1 ? 2 : -1, m.ControllerId);
        Assert.Equal([new KafkaBroker(1, "h1", 9092, v >= 1 ? "r1" : null), new KafkaBroker(2, "h2", 9093, null)], m.Brokers);
        var topic = Assert.Single(m.Topics);
        Assert.Equal(("orders", (short)0, v >= 1), (topic.Name, topic.ErrorCode, topic.IsInternal));
        Assert.Equal("0/0/1/1,2/1,2", Text(topic.Partitions[0]));
        Assert.Equal("1/5/-1/2,1/2", Text(topic.Partitions[1]));

        static string Text(KafkaPartitionMetadata p) => $"{p.Partition}/{p.ErrorCode}/{p.Leader}/{string.Join(',', p.Replicas)}/{string.Join(',', p.Isr)}";
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 7)]
    public void ListOffsets(short v)
    {
        var list = Read(ResponseFixtures.ListOffsets(v), v, (ref r, ver) =>
        {
            var into = new List<KafkaPartitionOffset>();
            ListOffsetsMessage.ReadResponse(ref r, ver, into);
            return into;
        });
        Assert.Equal([new(new("orders", 0), 42, 0), new(new("orders", 1), -1, 6)], list);
    }

    [Theory]
    [InlineData(4)]
    [InlineData(5)]
    public void ListOffsetsToleratesTheMockBrokersInt64LeaderEpoch(short v)
    {
        // librdkafka's mock writes v4-5's leader epoch as int64 -1; the reader skips the extra FF FF FF FF.
        var body = new Fixture().I32(0).Array(1).Str("t").Array(2)
            .I32(0).I16(0).I64(-1).I64(10).I64(-1)
            .I32(1).I16(0).I64(-1).I64(20).I64(-1).ToArray();
        var list = Read(body, v, (ref r, ver) =>
        {
            var into = new List<KafkaPartitionOffset>();
            ListOffsetsMessage.ReadResponse(ref r, ver, into);
            return into;
        });
        Assert.Equal([10L, 20L], list.Select(p => p.Offset));
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 4)]
    public void FindCoordinator(short v)
    {
        var list = Read(ResponseFixtures.FindCoordinator(v), v, (ref r, ver) => FindCoordinatorMessage.ReadResponse(ref r, ver, "g1"));
        Assert.Equal(new KafkaCoordinator("g1", 0, null, 2, "h2", 9093), list[0]);
        if (v >= 4)
        {
            Assert.Equal(new KafkaCoordinator("g2", 15, "loading", -1, "", -1), list[1]);
        }
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 8)]
    public void OffsetFetch(short v)
    {
        var group = Assert.Single(Read(ResponseFixtures.OffsetFetch(v), v, (ref r, ver) => OffsetFetchMessage.ReadResponse(ref r, ver, "g1")));
        Assert.Equal(("g1", (short)0, false), (group.GroupId, group.ErrorCode, group.NullTopics));
        Assert.Equal([new(new("orders", 0), 600, 0), new(new("orders", 1), -1, 0)], group.Partitions);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 4)]
    public void ListGroups(short v)
    {
        var groups = new List<KafkaGroupListing>();
        Assert.Equal(0, Read(ResponseFixtures.ListGroups(v), v, (ref r, ver) => ListGroupsMessage.ReadResponse(ref r, ver, groups)));
        Assert.Equal([new("g1", "consumer"), new("connect-x", "connect")], groups);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 5)]
    public void DescribeGroups(short v)
    {
        var group = Assert.Single(Read(ResponseFixtures.DescribeGroups(v), v, DescribeGroupsMessage.ReadResponse));
        Assert.Equal(("g1", (short)0, "Stable", "consumer"), (group.GroupId, group.ErrorCode, group.State, group.ProtocolType));
        var member = Assert.Single(group.Members);
        Assert.Equal(("m1", "client-1", "/10.0.0.1"), (member.MemberId, member.ClientId, member.ClientHost));
        Assert.Equal([new("orders", 0), new("orders", 3)], member.Assignment);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 4)]
    public void DescribeConfigs(short v)
    {
        var resource = Assert.Single(Read(ResponseFixtures.DescribeConfigs(v), v, DescribeConfigsMessage.ReadResponse));
        Assert.Equal((KafkaConfigResourceType.Topic, "orders", (short)0), (resource.Type, resource.Name, resource.ErrorCode));
        Assert.Equal(new KafkaConfigEntry("retention.ms", "1000", false, false, false, v >= 1 ? (sbyte)1 : (sbyte)-1), resource.Entries[0]);
        Assert.Equal(new KafkaConfigEntry("cleanup.policy", "delete", false, true, false, v >= 1 ? (sbyte)5 : (sbyte)-1), resource.Entries[1]);
    }

    [Fact]
    public void DescribeCluster()
    {
        var cluster = Read(ResponseFixtures.DescribeCluster(0), 0, DescribeClusterMessage.ReadResponse);
        Assert.Equal(("cid", 1), (cluster.ClusterId, cluster.ControllerId));
        Assert.Equal([new KafkaBroker(1, "h1", 9092, "r1")], cluster.Brokers);
    }

    [Fact]
    public void DescribeClusterErrorIsNamed()
    {
        var body = new Fixture(true).I32(0).I16(31).NStr("no").Str("").I32(-1).Array(0).I32(0).Tags().ToArray();
        var error = Assert.Throws<KafkaException>(() => Read(body, 0, DescribeClusterMessage.ReadResponse));
        Assert.Equal(31, error.ErrorCode);
        Assert.Contains("CLUSTER_AUTHORIZATION_FAILED", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 1)]
    public void SaslHandshake(short v)
    {
        var (error, mechanisms) = Read(ResponseFixtures.SaslHandshake(v), v, (ref r, _) => SaslHandshakeMessage.ReadResponse(ref r));
        Assert.Equal(0, error);
        Assert.Equal(["PLAIN", "SCRAM-SHA-256"], mechanisms);
    }

    [Theory]
    [MemberData(nameof(Versions), 0, 2)]
    public void SaslAuthenticate(short v) =>
        Assert.Equal("v="u8.ToArray(), Read(ResponseFixtures.SaslAuthenticate(v), v, SaslAuthenticateMessage.ReadResponse));

    [Fact]
    public void SaslAuthenticateErrorCarriesTheBrokersMessage()
    {
        var body = new Fixture().I16(58).NStr("bad password").Bytes([]).ToArray();
        var error = Assert.Throws<KafkaException>(() => Read(body, 0, SaslAuthenticateMessage.ReadResponse));
        Assert.Equal(58, error.ErrorCode);
        Assert.Contains("bad password", error.Message, StringComparison.Ordinal);
    }
}
