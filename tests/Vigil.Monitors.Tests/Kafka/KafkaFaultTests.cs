using System.Globalization;
using Vigil.Monitors.Collectors.Kafka;
using Vigil.TestShared.Kafka;
using Xunit.Abstractions;

namespace Vigil.Monitors.Tests.Kafka;

/// <summary>
/// Issue 8's faults, one round at a time: a broker down, a broker 10 s away, injected error codes and narrowed
/// API versions each give the right error or a partial result, and never hold up another monitor.
/// </summary>
public sealed class KafkaFaultTests(ITestOutputHelper output)
{
    private const short ListOffsetsKey = 2;
    private const short MetadataKey = 3;
    private const short OffsetFetchKey = 9;
    private const short TopicAuthorizationFailed = 29;
    private const short GroupAuthorizationFailed = 30;

    [Fact]
    public async Task ABrokerDownLeavesTheOtherBrokersPartitions()
    {
        using var cluster = Cluster(3, ("orders", 6));
        if (cluster is null)
        {
            return;
        }

        await using var monitor = new KafkaMonitorDriver(new KafkaCollector(), KafkaKit.Monitor("down", cluster.BootstrapServers, ("timeout", "1s")));
        var healthy = await monitor.CollectAsync();
        Assert.Null(healthy.Message);
        var onBroker3 = LedBy(healthy, "orders", 6, 3);
        Assert.NotEmpty(onBroker3);

        cluster.SetBrokerDown(3);
        var round = await monitor.CollectAsync();
        output.WriteLine("broker down: " + round.Message);

        Assert.NotNull(round.Reason);
        Assert.Contains("ListOffsets", round.Message, StringComparison.Ordinal);
        for (var p = 0; p < 6; p++)
        {
            var offset = round.Value($"kafka_topic_partition_current_offset{{partition=\"{p}\",topic=\"orders\"}}");
            Assert.True(onBroker3.Contains(p) ? offset is null : offset is not null, $"partition {p}: {offset}");
        }

        // Back up: the same client recovers without the monitor doing anything.
        cluster.SetBrokerUp(3);
        await WaitForCleanRoundAsync(monitor);
    }

    [Fact]
    public async Task ABrokerTenSecondsAwayCostsOneRequestDeadlineAndStallsNoOtherMonitor()
    {
        using var slow = Cluster(3, ("orders", 6));
        using var other = Cluster(1, ("clicks", 2));
        if (slow is null || other is null)
        {
            return;
        }

        var collector = new KafkaCollector();
        await using var slowMonitor = new KafkaMonitorDriver(collector, KafkaKit.Monitor("slow", slow.BootstrapServers, ("timeout", "500ms")));
        await using var otherMonitor = new KafkaMonitorDriver(collector, KafkaKit.Monitor("other", other.BootstrapServers));
        Assert.Null((await slowMonitor.CollectAsync()).Message);
        slow.SetBrokerRtt(2, TimeSpan.FromSeconds(10));

        var slowRound = slowMonitor.CollectAsync(TimeSpan.FromSeconds(3));
        var otherRound = await otherMonitor.CollectAsync();
        Assert.False(slowRound.IsCompleted, "the healthy monitor finished only after the slow one");
        Assert.Null(otherRound.Message);
        Assert.Equal(2, otherRound.Count("kafka_topic_partition_current_offset"));

        // The slow round ends by itself, within its hard timeout, with what brokers 1 and 3 answered.
        var round = await slowRound;
        output.WriteLine("slow broker: " + round.Message);
        // The request to the slow broker times out, and the client drops that connection, failing what was queued on
        // it: either is the first problem named, depending on which partition comes first.
        Assert.Contains(round.Reason, new[] { "timeout", "connect" });
        Assert.StartsWith("partial result:", round.Message, StringComparison.Ordinal);
        Assert.InRange(round.Count("kafka_topic_partition_current_offset"), 1, 5);
        Assert.Equal(3, round.Value("kafka_brokers"));
    }

    [Fact]
    public async Task InjectedErrorCodesAreReportedByNameWithTheRestOfTheData()
    {
        using var cluster = Cluster(3, ("orders", 6));
        if (cluster is null)
        {
            return;
        }

        cluster.Produce("orders", 0, 5);
        cluster.CommitOffsets("g1", ("orders", 0, 2));
        await using var monitor = new KafkaMonitorDriver(new KafkaCollector(), KafkaKit.Monitor("inj", cluster.BootstrapServers, ("consumer_groups", "g1")));
        Assert.Null((await monitor.CollectAsync()).Message);

        cluster.PushRequestErrors(OffsetFetchKey, GroupAuthorizationFailed);
        var groupRound = await monitor.CollectAsync();
        output.WriteLine("OffsetFetch error: " + groupRound.Message);
        Assert.Contains("GROUP_AUTHORIZATION_FAILED", groupRound.Message, StringComparison.Ordinal);
        Assert.Equal(6, groupRound.Count("kafka_topic_partition_current_offset"));
        Assert.Null(groupRound.Value("kafka_consumergroup_lag_sum{consumergroup=\"g1\",topic=\"orders\"}"));

        cluster.PushRequestErrors(ListOffsetsKey, TopicAuthorizationFailed);
        var offsetRound = await monitor.CollectAsync();
        output.WriteLine("ListOffsets error: " + offsetRound.Message);
        Assert.Equal("kafka", offsetRound.Reason);
        Assert.Contains("TOPIC_AUTHORIZATION_FAILED", offsetRound.Message, StringComparison.Ordinal);
        Assert.InRange(offsetRound.Count("kafka_topic_partition_current_offset") + offsetRound.Count("kafka_topic_partition_oldest_offset"), 6, 11);

        // The next round is whole again, lag included.
        var clean = await monitor.CollectAsync();
        Assert.Null(clean.Message);
        Assert.Equal(3, clean.Value("kafka_consumergroup_lag_sum{consumergroup=\"g1\",topic=\"orders\"}"));
    }

    [Fact]
    public async Task NarrowedApiVersionsAreStillCollected()
    {
        using var cluster = Cluster(3, ("orders", 3));
        if (cluster is null)
        {
            return;
        }

        cluster.Produce("orders", 1, 9);
        cluster.SetApiVersion(MetadataKey, 1, 1);
        cluster.SetApiVersion(ListOffsetsKey, 1, 1);
        await using var monitor = new KafkaMonitorDriver(new KafkaCollector(), KafkaKit.Monitor("old", cluster.BootstrapServers));
        var round = await monitor.CollectAsync();

        Assert.True(round.Message is null, round.Message);
        Assert.Equal(9, round.Value("kafka_topic_partition_current_offset{partition=\"1\",topic=\"orders\"}"));
        Assert.Equal(3, round.Value("kafka_brokers"));
    }

    /// <summary>The partitions of <paramref name="topic"/> that <paramref name="broker"/> leads, from a round's series.</summary>
    private static HashSet<int> LedBy(KafkaRoundResult round, string topic, int partitions, int broker) =>
        [.. Enumerable.Range(0, partitions).Where(p => round.Value(string.Create(CultureInfo.InvariantCulture, $"kafka_topic_partition_leader{{partition=\"{p}\",topic=\"{topic}\"}}")) == broker)];

    private static async Task WaitForCleanRoundAsync(KafkaMonitorDriver monitor)
    {
        string? last = null;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            last = (await monitor.CollectAsync()).Message;
            if (last is null)
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail("no clean round after the broker came back: " + last);
    }

    private MockKafkaCluster? Cluster(int brokers, params (string Topic, int Partitions)[] topics)
    {
        var cluster = MockKafkaCluster.CreateOrSkip(brokers, output.WriteLine);
        foreach (var (topic, partitions) in topics)
        {
            if (cluster is not null)
            {
                KafkaKit.CreateSpreadTopic(cluster, topic, partitions);
            }
        }

        return cluster;
    }
}
