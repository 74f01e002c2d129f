using Vigil.TestShared.Kafka;
using Xunit.Abstractions;

namespace Vigil.Kafka.Tests.Mock;

/// <summary>The harness itself: a cluster comes up, takes messages and commits, and goes away.</summary>
public sealed class MockKafkaClusterTests(ITestOutputHelper output)
{
    [Fact]
    public void ProducesAndCommitsAgainstAThreeBrokerCluster()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(3, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        Assert.Equal(3, cluster.BrokerCount);
        Assert.All(cluster.BrokerPorts, p => Assert.InRange(p, 1, 65535));
        cluster.CreateTopic("orders", 4);
        cluster.Produce("orders", 2, 1000);
        cluster.CommitOffsets("g1", ("orders", 2, 600));
        cluster.CommitOffsets("g1", ("orders", 2, 650)); // a later commit replaces the earlier
        cluster.Destroy();
        Assert.True(cluster.IsDestroyed);
        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("late", 1));
    }

    [Fact]
    public async Task CreatesManyTopicsAtOnce()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(3, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        var names = Enumerable.Range(0, 300).Select(i => $"bulk{i:000}").ToList();
        cluster.CreateTopics(names, 2);
        await using var client = await KafkaAdminClient.ConnectAsync(new KafkaClientOptions { BootstrapServers = KafkaEndpoint.ParseList(cluster.BootstrapServers) }, default);
        var metadata = await client.GetMetadataAsync(default);
        Assert.Equal(names, metadata.Topics.Select(t => t.Name).Where(n => n.StartsWith("bulk", StringComparison.Ordinal)).Order());
        Assert.All(metadata.Topics, t => Assert.Equal(2, t.Partitions.Count));
    }
}
