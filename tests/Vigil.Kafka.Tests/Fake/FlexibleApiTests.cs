using Vigil.Kafka.Tests.Codec;

namespace Vigil.Kafka.Tests.Fake;

/// <summary>
/// The group, cluster and config APIs end to end at their flexible versions (request header v2, response header
/// v1), which the librdkafka mock lacks: a fake broker advertising Kafka 3.x versions answers with the codec
/// tests' fixtures.
/// </summary>
public sealed class FlexibleApiTests
{
    [Fact]
    public async Task GroupsClusterAndConfigsAtFlexibleVersions()
    {
        var seen = new System.Collections.Concurrent.ConcurrentBag<(short Key, short Version)>();
        FakeBroker? self = null;
        await using var broker = self = new FakeBroker(r =>
        {
            seen.Add((r.ApiKey, r.Version));
            return r.ApiKey switch
            {
                10 => new Fixture(true).I32(0).Array(1).Str("g1").I32(1).Str("127.0.0.1").I32(self!.Port).I16(0).NStr(null).Tags().Tags().ToArray(),
                15 => ResponseFixtures.DescribeGroups(r.Version),
                16 => ResponseFixtures.ListGroups(r.Version),
                60 => ResponseFixtures.DescribeCluster(r.Version),
                32 => ResponseFixtures.DescribeConfigs(r.Version),
                9 => ResponseFixtures.OffsetFetch(r.Version),
                _ => self!.Default(r),
            };
        });
        broker.Apis[10] = (0, 4, 3);
        broker.Apis[15] = (0, 5, 5);
        broker.Apis[16] = (0, 4, 3);
        broker.Apis[60] = (0, 0, 0);
        broker.Apis[32] = (0, 4, 4);
        broker.Apis[9] = (0, 8, 6);
        await using var client = await KafkaAdminClient.ConnectAsync(new KafkaClientOptions { BootstrapServers = [new KafkaEndpoint("127.0.0.1", broker.Port)] }, default);

        Assert.Equal(["g1", "connect-x"], (await client.ListGroupsAsync(default)).Select(g => g.GroupId));
        var group = Assert.Single(await client.DescribeGroupsAsync(["g1"], default));
        Assert.Equal(("Stable", 1), (group.State, group.Members.Count));
        Assert.Equal(600, (await client.FetchGroupOffsetsAsync("g1", default)).Offsets[new("orders", 0)]);
        Assert.Equal("cid", (await client.DescribeClusterAsync(default))!.ClusterId);
        var config = Assert.Single(await client.DescribeConfigsAsync([(KafkaConfigResourceType.Topic, "orders")], default));
        Assert.Equal("1000", config.Entries[0].Value);

        Assert.Contains(((short)10, (short)4), seen);
        Assert.Contains(((short)15, (short)5), seen);
        Assert.Contains(((short)16, (short)4), seen);
        Assert.Contains(((short)9, (short)8), seen);
        Assert.Contains(((short)32, (short)4), seen);
        Assert.Single(seen, s => s.Key == 10); // the coordinator is cached after the first lookup
        Assert.Equal(1, client.OpenConnections);
    }
}
