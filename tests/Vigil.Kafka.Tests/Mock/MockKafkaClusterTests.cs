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
        cluster.Destroy();
        Assert.True(cluster.IsDestroyed);
        Assert.Throws<ObjectDisposedException>(() => cluster.CreateTopic("late", 1));
    }
}
