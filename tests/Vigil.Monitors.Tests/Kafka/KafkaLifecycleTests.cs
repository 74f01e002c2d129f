using Vigil.Monitors.Collectors.Kafka;
using Vigil.Monitors.Model;
using Vigil.Monitors.Tests.Collectors;
using Vigil.Monitors.Tests.Scheduling;
using Vigil.TestShared.Kafka;
using Xunit.Abstractions;

namespace Vigil.Monitors.Tests.Kafka;

/// <summary>
/// Issue 8's lifetimes through the scheduler, checked in the OS socket table: an edit closes every socket to the
/// old cluster before the new one is asked anything, pause and delete leave none within a second, resume
/// reconnects, a destroyed cluster fails only its own monitor, and random operations leak nothing.
/// </summary>
[Collection(SocketCountingCollection.Name)]
public sealed class KafkaLifecycleTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task EditClosesTheOldClustersSocketsBeforeTheNewClusterIsAsked()
    {
        using var a = Cluster(3, "orders");
        using var c = Cluster(2, "invoices");
        if (a is null || c is null)
        {
            return;
        }

        // Each new client is built through this: the socket table at the moment it starts connecting.
        var connects = new System.Collections.Concurrent.ConcurrentQueue<(string Servers, int ToOld)>();
        var collector = new KafkaCollector((options, ct) =>
        {
            connects.Enqueue((string.Join(',', options.BootstrapServers), KafkaKit.SocketsTo(a)));
            return Vigil.Kafka.KafkaAdminClient.ConnectAsync(options, ct);
        });
        await using var kit = new SchedulerKit(collector);
        kit.Scheduler.Schedule(KafkaKit.Monitor("m", a.BootstrapServers), KafkaKit.Template);
        await MonitorSchedulerTests.WaitUntil(() => IsUp(kit, "m") && KafkaKit.SocketsTo(a) == 3, Settle);

        kit.Scheduler.Schedule(KafkaKit.Monitor("m", c.BootstrapServers), KafkaKit.Template);
        await MonitorSchedulerTests.WaitUntil(() => Wrote(kit, "kafka_topic_partitions", "m", "invoices"), Settle);

        // Two clients in all; when the one for C started, the OS had no socket to A's brokers any more.
        Assert.Equal([(a.BootstrapServers, 0), (c.BootstrapServers, 0)], connects.ToArray());
        Assert.Equal(0, KafkaKit.SocketsTo(a));
        Assert.Equal(2, KafkaKit.SocketsTo(c));
        Assert.Equal(2, KafkaKit.ExposedConnections(kit.Registry));
    }

    [Fact]
    public async Task PauseAndDeleteLeaveNoSocketWithinASecondAndResumeReconnects()
    {
        using var a = Cluster(3, "orders");
        using var b = Cluster(2, "clicks");
        if (a is null || b is null)
        {
            return;
        }

        await using var kit = new SchedulerKit(new KafkaCollector());
        ScheduleOnePerCluster(kit, a, b);
        await MonitorSchedulerTests.WaitUntil(() => KafkaKit.SocketsTo(a) == 3 && KafkaKit.SocketsTo(b) == 2, Settle);
        Assert.Equal(5, KafkaKit.ExposedConnections(kit.Registry));

        await kit.Scheduler.UnscheduleAsync("ma");
        await MonitorSchedulerTests.WaitUntil(() => KafkaKit.SocketsTo(a) == 0, TimeSpan.FromSeconds(1));
        Assert.Equal(2, KafkaKit.SocketsTo(b));
        Assert.Equal(2, KafkaKit.ExposedConnections(kit.Registry));

        kit.Scheduler.Schedule(KafkaKit.Monitor("ma", a.BootstrapServers), KafkaKit.Template);
        await MonitorSchedulerTests.WaitUntil(() => KafkaKit.SocketsTo(a) == 3, Settle);

        await kit.Scheduler.UnscheduleAsync("ma");
        await kit.Scheduler.UnscheduleAsync("mb");
        await MonitorSchedulerTests.WaitUntil(() => KafkaKit.SocketsTo(a) + KafkaKit.SocketsTo(b) == 0, TimeSpan.FromSeconds(1));
        Assert.Equal(0, KafkaKit.ExposedConnections(kit.Registry));
    }

    [Fact]
    public async Task ADestroyedClusterFailsOnlyItsMonitorWithinAnInterval()
    {
        using var a = Cluster(2, "orders");
        using var b = Cluster(1, "clicks");
        if (a is null || b is null)
        {
            return;
        }

        await using var kit = new SchedulerKit(new KafkaCollector());
        ScheduleOnePerCluster(kit, a, b);
        await MonitorSchedulerTests.WaitUntil(() => IsUp(kit, "ma") && IsUp(kit, "mb"), Settle);
        var roundsOfB = UpSamples(kit, "mb");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        a.Destroy();
        // One interval (1 s) plus the round's own time, which its request deadlines bound.
        await MonitorSchedulerTests.WaitUntil(() => kit.Statuses["ma"].Status == MonitorStatus.Down, TimeSpan.FromSeconds(2.5));
        var error = kit.Statuses["ma"].Error;
        output.WriteLine("destroyed cluster: " + error);
        Assert.Matches("Metadata|127\\.0\\.0\\.1", error);
        Assert.Equal(0, KafkaKit.SocketsTo(a));

        // The other monitor kept its schedule throughout: a round each second, all up.
        await Task.Delay(TimeSpan.FromSeconds(2));
        var seconds = (int)watch.Elapsed.TotalSeconds;
        Assert.InRange(UpSamples(kit, "mb") - roundsOfB, seconds - 1, seconds + 1);
        Assert.Equal(MonitorStatus.Up, kit.Statuses["mb"].Status);
    }

    /// <summary>Monitor <c>ma</c> on cluster <paramref name="a"/>, <c>mb</c> on <paramref name="b"/>.</summary>
    private static void ScheduleOnePerCluster(SchedulerKit kit, MockKafkaCluster a, MockKafkaCluster b)
    {
        kit.Scheduler.Schedule(KafkaKit.Monitor("ma", a.BootstrapServers), KafkaKit.Template);
        kit.Scheduler.Schedule(KafkaKit.Monitor("mb", b.BootstrapServers), KafkaKit.Template);
    }

    private static bool IsUp(SchedulerKit kit, string id) => kit.Statuses.TryGetValue(id, out var s) && s.Status == MonitorStatus.Up;

    private static int UpSamples(SchedulerKit kit, string id) => kit.Output.Of($"{{__name__=\"vigil_monitor_up\", app=\"kafka\", monitor=\"{id}\"}}").Count;

    private static bool Wrote(SchedulerKit kit, string metric, string monitor, string topic) =>
        kit.Output.Of($"{{__name__=\"{metric}\", app=\"kafka\", monitor=\"{monitor}\", topic=\"{topic}\"}}").Count > 0;

    /// <summary>A cluster with one topic of as many partitions as brokers, so every broker leads one and every client talks to all.</summary>
    private MockKafkaCluster? Cluster(int brokers, string topic)
    {
        var cluster = MockKafkaCluster.CreateOrSkip(brokers, output.WriteLine);
        if (cluster is not null)
        {
            KafkaKit.CreateSpreadTopic(cluster, topic, brokers);
        }

        return cluster;
    }
}
