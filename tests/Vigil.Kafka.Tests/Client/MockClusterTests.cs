using Vigil.TestShared.Kafka;
using Xunit.Abstractions;

namespace Vigil.Kafka.Tests.Client;

/// <summary>The client against librdkafka's mock cluster: metadata, offsets, group offsets, negotiation.</summary>
public sealed class MockClusterTests(ITestOutputHelper output)
{
    [Fact]
    public async Task MetadataReportsBrokersTopicsLeadersReplicasAndIsr()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(3, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        cluster.CreateTopic("orders", 4, 3);
        cluster.CreateTopic("payments", 2, 1);
        cluster.SetPartitionLeader("orders", 0, 2);
        await using var client = await MockClients.ConnectAsync(cluster);
        var before = client.Statistics.RequestsSent;
        var metadata = await client.GetMetadataAsync(CancellationToken.None);
        Assert.Equal(1, client.Statistics.RequestsSent - before); // every topic in one request

        Assert.Equal([1, 2, 3], metadata.Brokers.Select(b => b.NodeId));
        Assert.Equal(cluster.BrokerPorts, metadata.Brokers.Select(b => b.Port));
        Assert.All(metadata.Brokers, b => Assert.Equal("127.0.0.1", b.Host));
        Assert.StartsWith("mockCluster", metadata.ClusterId, StringComparison.Ordinal); // Metadata v2: the mock's highest
        var orders = metadata.Topics.Single(t => t.Name == "orders");
        Assert.Equal([0, 1, 2, 3], orders.Partitions.Select(p => p.Partition).Order());
        Assert.All(orders.Partitions, p => Assert.Equal(3, p.Replicas.Length));
        Assert.All(orders.Partitions, p => Assert.Equal(p.Replicas.Order(), p.Isr.Order()));
        Assert.All(orders.Partitions, p => Assert.Contains(p.Leader, p.Replicas));
        Assert.Equal(2, orders.Partitions.Single(p => p.Partition == 0).Leader);
        Assert.Equal(2, metadata.Topics.Single(t => t.Name == "payments").Partitions.Count);
        Assert.False(orders.IsInternal);
        Assert.InRange(client.OpenConnections, 1, 3);
    }

    [Fact]
    public async Task EarliestAndLatestOffsetsAfterProducingInOneRequestPerLeader()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(3, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        cluster.CreateTopic("orders", 6, 1);
        cluster.Produce("orders", 0, 1000);
        cluster.Produce("orders", 4, 37);
        await using var client = await MockClients.ConnectAsync(cluster);
        var metadata = await client.GetMetadataAsync(CancellationToken.None);
        var partitions = Enumerable.Range(0, 6).Select(p => new KafkaTopicPartition("orders", p)).ToList();
        var leaders = metadata.Topics.Single(t => t.Name == "orders").Partitions.Select(p => p.Leader).Distinct().Count();

        var earliest = await client.ListOffsetsAsync(partitions, KafkaOffsetSpec.Earliest, CancellationToken.None);
        var before = client.Statistics.RequestsSent;
        var latest = await client.ListOffsetsAsync(partitions, KafkaOffsetSpec.Latest, CancellationToken.None);
        var sent = client.Statistics.RequestsSent - before;

        Assert.Equal([1000L, 0, 0, 0, 37, 0], partitions.Select(p => latest.Offsets[p]));
        Assert.All(partitions, p => Assert.Equal(0, latest.Errors[p]));
        Assert.All(partitions, p => Assert.Equal(0, earliest.Offsets[p]));

        // Batched: one request per leader, never per partition (connections were made by the first call).
        Assert.Equal(leaders, sent);
        Assert.True(client.Statistics.BytesSent > 0 && client.Statistics.BytesReceived > 0);
    }

    [Fact]
    public async Task UnknownTopicsAndPartitionsAreReportedPerPartition()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(1, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        cluster.CreateTopic("orders", 2, 1);
        await using var client = await MockClients.ConnectAsync(cluster);
        KafkaTopicPartition[] asked = [new("orders", 1), new("orders", 9), new("nope", 0)];
        var result = await client.ListOffsetsAsync(asked, KafkaOffsetSpec.Latest, CancellationToken.None);
        Assert.Equal([0, KafkaErrorCodes.UnknownTopicOrPartition, KafkaErrorCodes.UnknownTopicOrPartition], asked.Select(p => result.Errors[p]));
        Assert.Equal(-1, result.Offsets[new("nope", 0)]);
    }

    [Fact]
    public async Task GroupOffsetsAreFetchedFromTheCoordinator()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(3, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        cluster.CreateTopic("orders", 3, 1);
        cluster.Produce("orders", 1, 1000);
        cluster.SetCoordinator("group", "g1", 3);
        cluster.CommitOffsets("g1", ("orders", 1, 600), ("orders", 2, 0));
        await using var client = await MockClients.ConnectAsync(cluster);

        var offsets = await client.FetchGroupOffsetsAsync("g1", CancellationToken.None);
        Assert.Equal(600, offsets.Offsets[new("orders", 1)]);
        Assert.Equal(0, offsets.Offsets[new("orders", 2)]);
        Assert.False(offsets.Offsets.ContainsKey(new("orders", 0)), "a partition with nothing committed is left out");
        Assert.Equal(2, offsets.Offsets.Count);
        Assert.All(offsets.Errors.Values, e => Assert.Equal(0, e));

        var none = await client.FetchGroupOffsetsAsync("never-committed", CancellationToken.None);
        Assert.Empty(none.Offsets);
    }

    [Fact]
    public async Task GroupApisTheMockLacksAreReportedAsUnsupported()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(2, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        await using var client = await MockClients.ConnectAsync(cluster);
        var list = await Assert.ThrowsAsync<KafkaUnsupportedException>(() => client.ListGroupsAsync(CancellationToken.None));
        Assert.Contains("ListGroups", list.Message, StringComparison.Ordinal);
        var describe = await Assert.ThrowsAsync<KafkaUnsupportedException>(() => client.DescribeGroupsAsync(["g1"], CancellationToken.None));
        Assert.Contains("DescribeGroups", describe.Message, StringComparison.Ordinal);
        Assert.Null(await client.DescribeClusterAsync(CancellationToken.None));
        await Assert.ThrowsAsync<KafkaUnsupportedException>(() => client.DescribeConfigsAsync([(KafkaConfigResourceType.Topic, "t")], CancellationToken.None));
    }

    [Theory]
    [InlineData(0, 0, 0)] // Metadata v0 (no controller, no cluster id), ListOffsets v0 (old-style offsets), OffsetFetch v1 (partitions listed)
    [InlineData(1, 1, 1)]
    [InlineData(2, 3, 3)]
    public async Task NarrowedApiVersionsAreNegotiated(short metadata, short listOffsets, short offsetFetch)
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(2, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        cluster.SetApiVersion(KafkaApi.Metadata.Key, 0, metadata);
        cluster.SetApiVersion(KafkaApi.ListOffsets.Key, 0, listOffsets);
        cluster.SetApiVersion(KafkaApi.OffsetFetch.Key, (short)Math.Max(1, (int)offsetFetch), (short)Math.Max(1, (int)offsetFetch));
        cluster.SetApiVersion(KafkaApi.ApiVersions.Key, 0, 0);
        cluster.CreateTopic("orders", 2, 1);
        cluster.Produce("orders", 1, 25);
        cluster.CommitOffsets("g1", ("orders", 1, 20));
        await using var client = await MockClients.ConnectAsync(cluster);

        var md = await client.GetMetadataAsync(CancellationToken.None);
        Assert.Equal(metadata >= 1 ? md.ControllerId : -1, md.ControllerId);
        Assert.Equal(metadata >= 2, md.ClusterId is not null);
        var latest = await client.ListOffsetsAsync([new("orders", 0), new("orders", 1)], KafkaOffsetSpec.Latest, CancellationToken.None);
        Assert.Equal(25, latest.Offsets[new("orders", 1)]);
        Assert.Equal(0, latest.Offsets[new("orders", 0)]);
        var group = await client.FetchGroupOffsetsAsync("g1", CancellationToken.None);
        Assert.Equal(20, group.Offsets[new("orders", 1)]);
    }
}
