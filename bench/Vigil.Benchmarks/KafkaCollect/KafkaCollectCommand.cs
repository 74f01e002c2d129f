using System.Diagnostics;
using System.Globalization;
using Vigil.Monitors.Collectors;
using Vigil.Monitors.Collectors.Kafka;
using Vigil.Monitors.Metrics;
using Vigil.Monitors.Model;
using Vigil.Monitors.Templates;
using Vigil.TestShared.Kafka;

namespace Vigil.Benchmarks.KafkaCollect;

/// <summary>
/// <c>Vigil.Benchmarks kafka-collect [--brokers 3] [--topics 2000] [--partitions 8] [--groups 200] [--rounds 3]</c>:
/// issue 8's benchmark. A librdkafka mock cluster of that shape, every group with committed offsets, collected
/// through the real kafka collector and a monitor's lease, as the scheduler would. Prints, per round, the time,
/// the requests the client sent (ListOffsets is one request per leader broker and offset spec, so its count does not
/// grow with partitions), the bytes each way and the series written. The first round includes connecting.
/// </summary>
internal static class KafkaCollectCommand
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        int brokers = 3, topics = 2000, partitions = 8, groups = 200, rounds = 3;
        for (var i = 0; i + 1 < args.Count; i += 2)
        {
            var value = int.Parse(args[i + 1], CultureInfo.InvariantCulture);
            switch (args[i])
            {
                case "--brokers": brokers = value; break;
                case "--topics": topics = value; break;
                case "--partitions": partitions = value; break;
                case "--groups": groups = value; break;
                case "--rounds": rounds = value; break;
                default:
                    await Console.Error.WriteLineAsync("usage: Vigil.Benchmarks kafka-collect [--brokers N] [--topics N] [--partitions N] [--groups N] [--rounds N]").ConfigureAwait(false);
                    return 2;
            }
        }

        using var cluster = MockKafkaCluster.CreateOrSkip(brokers, Console.WriteLine);
        if (cluster is null)
        {
            return 1;
        }

        var setup = Stopwatch.StartNew();
        List<string> groupIds;
        await using (new MockClusterWaker(cluster.BrokerPorts[0]))
        {
            groupIds = Build(cluster, topics, partitions, groups);
        }

        Console.WriteLine($"cluster: {brokers} brokers, {topics} topics x {partitions} partitions, {groups} groups; set up in {setup.Elapsed.TotalSeconds:F1} s");
        await CollectAsync(cluster.BootstrapServers, groupIds, rounds).ConfigureAwait(false);
        return 0;
    }

    /// <summary>Topics t0000.., messages on the first topic, and each group's commit on its partitions.</summary>
    private static List<string> Build(MockKafkaCluster cluster, int topics, int partitions, int groups)
    {
        var watch = Stopwatch.StartNew();
        cluster.CreateTopics(Enumerable.Range(0, topics).Select(TopicName), partitions);

        Console.WriteLine($"  topics created in {watch.Elapsed.TotalSeconds:F1} s");

        for (var p = 0; p < partitions; p++)
        {
            cluster.Produce(TopicName(0), p, 100);
        }

        Console.WriteLine($"  produced in {watch.Elapsed.TotalSeconds:F1} s");

        var ids = new List<string>(groups);
        for (var g = 0; g < groups; g++)
        {
            var id = "group" + g.ToString("000", CultureInfo.InvariantCulture);
            cluster.CommitOffsets(id, [.. Enumerable.Range(0, partitions).Select(p => (TopicName(0), p, (long)((g + p) % 100)))]);
            ids.Add(id);
        }

        return ids;
    }

    private static async Task CollectAsync(string bootstrap, List<string> groups, int rounds)
    {
        var template = TemplateCatalog.Load(TemplateCatalog.ShippedDirectory, null).Find("kafka")!;
        var input = new Dictionary<string, ParamValue>(StringComparer.Ordinal)
        {
            ["bootstrap_servers"] = ParamValue.OfText(bootstrap),
            ["consumer_groups"] = ParamValue.OfText(string.Join(',', groups)),
            ["timeout"] = ParamValue.OfText("10s"),
        };
        var monitor = new MonitorDefinition { Id = "bench", Name = "bench", App = "kafka", Params = ParamValidator.Validate(template, input), Interval = TimeSpan.FromSeconds(30) };
        var collector = new KafkaCollector();
        await using var leases = new ConnectionLeases(ConnectionMetrics.Unregistered());
        var rows = new CollectionRows(template);
        var cache = new MonitorSeriesCache(MonitorSeriesCache.BaseLabels(monitor));
        for (var round = 1; round <= rounds; round++)
        {
            rows.Reset(_ => true);
            cache.BeginRound();
            var before = Totals(collector);
            var mockBefore = MockThreadCpu();
            var processBefore = Process.GetCurrentProcess().TotalProcessorTime;
            using var cts = new CancellationTokenSource(monitor.Interval);
            var started = Stopwatch.GetTimestamp();
            await collector.CollectAsync(new CollectContext(monitor, template, rows, leases, monitor.Interval, cache), cts.Token).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started);
            var after = Totals(collector);
            var mockCpu = MockThreadCpu() - mockBefore;
            var processCpu = Process.GetCurrentProcess().TotalProcessorTime - processBefore;
            Console.WriteLine(string.Create(
                CultureInfo.InvariantCulture,
                $"round {round}: {elapsed.TotalMilliseconds:F0} ms, {after.Requests - before.Requests} requests, {(after.Sent - before.Sent) / 1024.0:F0} KiB sent, {(after.Received - before.Received) / 1024.0:F0} KiB received, {rows.Samples.Count} series, sockets {after.Sockets}, CPU: mock thread {mockCpu.TotalMilliseconds:F0} ms, Vigil {(processCpu - mockCpu).TotalMilliseconds:F0} ms{(rows.FailureMessage is { } error ? ", error: " + error : "")}"));
        }
    }

    private static (long Requests, long Sent, long Received, int Sockets) Totals(KafkaCollector collector)
    {
        long requests = 0, sent = 0, received = 0;
        var sockets = 0;
        foreach (var client in collector.LiveClients.Clients)
        {
            requests += client.Admin.Statistics.RequestsSent;
            sent += client.Admin.Statistics.BytesSent;
            received += client.Admin.Statistics.BytesReceived;
            sockets += client.Admin.OpenConnections;
        }

        return (requests, sent, received, sockets);
    }

    /// <summary>
    /// The CPU time of librdkafka's mock thread ("rdk:mock"), from /proc: the mock serves every broker of the cluster
    /// on that one thread, so its busy time is the floor of a round that the client cannot go under.
    /// </summary>
    private static TimeSpan MockThreadCpu()
    {
        long ticks = 0;
        foreach (var task in Directory.EnumerateDirectories("/proc/self/task"))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "comm")).Trim() != "rdk:mock")
                {
                    continue;
                }

                // Fields after the ")" of comm: state is field 3, utime 14 and stime 15 (proc(5)).
                var stat = File.ReadAllText(Path.Combine(task, "stat"));
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                ticks += long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            }
            catch (IOException)
            {
                // The thread ended between the listing and the read.
            }
        }

        // USER_HZ is 100 on Linux.
        return TimeSpan.FromMilliseconds(ticks * 10);
    }

    private static string TopicName(int t) => "t" + t.ToString("0000", CultureInfo.InvariantCulture);
}
