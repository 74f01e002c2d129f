using Vigil.Monitors.Collectors.Kafka;
using Vigil.Monitors.Tests.Collectors;
using Vigil.Monitors.Tests.Scheduling;
using Vigil.TestShared.Kafka;
using Xunit.Abstractions;

namespace Vigil.Monitors.Tests.Kafka;

/// <summary>
/// Issue 8's churn: 300 random creates, edits, pauses, resumes and deletes across three clusters end with exactly
/// the sockets the active monitors' clients need (one per broker each), the gauge saying the same, and no
/// descriptor left once the monitors are gone.
/// </summary>
[Collection(SocketCountingCollection.Name)]
public sealed class KafkaChurnTests(ITestOutputHelper output)
{
    private const int MaxMonitors = 12;

    [Fact]
    public async Task RandomOperationsEndWithOneSocketPerBrokerOfEachActiveMonitor()
    {
        var clusters = new MockKafkaCluster?[] { Cluster(3), Cluster(2), Cluster(1) };
        try
        {
            if (clusters.Any(c => c is null))
            {
                return;
            }

            var socketsBefore = SocketTable.OpenSockets();
            var collector = new KafkaCollector();
            var active = new Dictionary<string, MockKafkaCluster>();
            await using (var kit = new SchedulerKit(collector))
            {
                var operations = new RandomMonitorOperations<MockKafkaCluster>(
                    kit, KafkaKit.Template, (id, cluster) => KafkaKit.Monitor(id, cluster.BootstrapServers), clusters!, MaxMonitors, idPrefix: "k");
                active = operations.Active;
                var paused = operations.Paused;
                var random = new Random(8);
                for (var op = 0; op < 300; op++)
                {
                    await operations.ApplyAsync(random, op);
                    await Task.Delay(random.Next(0, 20));
                }

                // Every active monitor gets a round on its current cluster within an interval or two.
                // The gauge is read from the clients, the sockets from the OS: a round that is connecting when one is read
                // and not the other differs by a socket (a CI failure under load), so both are awaited together.
                var total = clusters.Sum(c => Expected(active, c!));
                await MonitorSchedulerTests.WaitUntil(
                    () => clusters.All(c => KafkaKit.SocketsTo(c!) == Expected(active, c!)) && KafkaKit.ExposedConnections(kit.Registry) == total,
                    TimeSpan.FromSeconds(15),
                    () => $"gauge {KafkaKit.ExposedConnections(kit.Registry)} of {total}; sockets per cluster {string.Join('/', clusters.Select(c => KafkaKit.SocketsTo(c!)))}, expected {string.Join('/', clusters.Select(c => Expected(active, c!)))}");
                output.WriteLine($"{active.Count} active monitors, {paused.Count} paused, {total} sockets");
                Assert.Equal(total, KafkaKit.ExposedConnections(kit.Registry));
                Assert.Equal(active.Count, collector.LiveClients.Count);
            }

            await MonitorSchedulerTests.WaitUntil(() => clusters.All(c => KafkaKit.SocketsTo(c!) == 0), TimeSpan.FromSeconds(2));
            Assert.Equal(0, collector.LiveClients.Count);

            // The mock clusters' own listeners and broker-side sockets live in this process too, and were there before.
            await MonitorSchedulerTests.WaitUntil(() => SocketTable.OpenSockets() <= socketsBefore, TimeSpan.FromSeconds(2));
        }
        finally
        {
            foreach (var cluster in clusters)
            {
                cluster?.Dispose();
            }
        }
    }

    private static int Expected(Dictionary<string, MockKafkaCluster> active, MockKafkaCluster cluster) =>
        active.Values.Count(c => c == cluster) * cluster.BrokerCount;

    private MockKafkaCluster? Cluster(int brokers)
    {
        var cluster = MockKafkaCluster.CreateOrSkip(brokers, output.WriteLine);
        if (cluster is not null)
        {
            KafkaKit.CreateSpreadTopic(cluster, "t", brokers * 2);
        }

        return cluster;
    }
}
