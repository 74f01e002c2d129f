using System.Globalization;
using Vigil.Monitors.Collectors;
using Vigil.Monitors.Collectors.Kafka;
using Vigil.Monitors.Metrics;
using Vigil.Monitors.Model;
using Vigil.Monitors.Templates;
using Vigil.Monitors.Tests.Collectors;
using Vigil.TestShared.Kafka;

namespace Vigil.Monitors.Tests.Kafka;

/// <summary>Kafka monitors against librdkafka mock clusters, and what the tests read back.</summary>
internal static class KafkaKit
{
    public static readonly MonitorTemplate Template = ProbeRound.Template("kafka");

    /// <summary>A validated kafka monitor (interval 1 s unless given) with these params besides the bootstrap servers.</summary>
    public static MonitorDefinition Monitor(string id, string bootstrap, params (string Field, string Value)[] extra) =>
        ProbeRound.Monitor("kafka", id, [("bootstrap_servers", bootstrap), .. extra]) with { Interval = TimeSpan.FromSeconds(1) };

    /// <summary>
    /// Creates a topic whose partition p is led by broker p mod N + 1: the mock picks leaders at random, and the tests
    /// that count sockets or take a broker down need every broker to lead something.
    /// </summary>
    public static void CreateSpreadTopic(MockKafkaCluster cluster, string topic, int partitions)
    {
        cluster.CreateTopic(topic, partitions);
        for (var p = 0; p < partitions; p++)
        {
            cluster.SetPartitionLeader(topic, p, (p % cluster.BrokerCount) + 1);
        }
    }

    /// <summary>Established sockets from this machine to the cluster's brokers (the OS's table).</summary>
    public static int SocketsTo(MockKafkaCluster cluster) => SocketTable.EstablishedToEach(cluster.BrokerPorts).Sum();

    /// <summary>Sockets to each of two clusters' brokers, from one reading of the OS's table.</summary>
    public static (int First, int Second) SocketsTo(MockKafkaCluster first, MockKafkaCluster second)
    {
        var counts = SocketTable.EstablishedToEach([.. first.BrokerPorts, .. second.BrokerPorts]);
        return (counts.Take(first.BrokerCount).Sum(), counts.Skip(first.BrokerCount).Sum());
    }

    /// <summary>The value of <c>vigil_monitor_kafka_connections</c> as the registry exposes it.</summary>
    public static double ExposedConnections(Common.Metrics.MetricsRegistry registry)
    {
        using var writer = new Common.Metrics.ExpositionWriter();
        registry.WriteTo(writer);
        var line = System.Text.Encoding.UTF8.GetString(writer.Written.Span).Split('\n').Single(l => l.StartsWith("vigil_monitor_kafka_connections ", StringComparison.Ordinal));
        return double.Parse(line.Split(' ')[1], CultureInfo.InvariantCulture);
    }
}

/// <summary>
/// One monitor's rounds driven directly, as the scheduler runs them: its own leases and series cache kept across
/// rounds, a shared collector (as in production), rows reset per round.
/// </summary>
internal sealed class KafkaMonitorDriver : IAsyncDisposable
{
    private readonly KafkaCollector _collector;
    private readonly CollectionRows _rows = new(KafkaKit.Template);
    private readonly MonitorSeriesCache _cache;

    public KafkaMonitorDriver(KafkaCollector collector, MonitorDefinition monitor, ConnectionMetrics? metrics = null)
    {
        _collector = collector;
        Monitor = monitor;
        Leases = new ConnectionLeases(metrics ?? ConnectionMetrics.Unregistered());
        _cache = new MonitorSeriesCache(MonitorSeriesCache.BaseLabels(monitor));
    }

    public MonitorDefinition Monitor { get; set; }

    public ConnectionLeases Leases { get; }

    /// <summary>One round under a hard timeout (default 5 s): its series without the monitor's own labels, and its failure.</summary>
    public async Task<KafkaRoundResult> CollectAsync(TimeSpan? timeout = null)
    {
        var limit = timeout ?? TimeSpan.FromSeconds(5);
        _rows.Reset(_ => true);
        _cache.BeginRound();
        using var cts = new CancellationTokenSource(limit);
        string? reason = null, message = null;
        try
        {
            await _collector.CollectAsync(new CollectContext(Monitor, KafkaKit.Template, _rows, Leases, limit, _cache), cts.Token);
            (reason, message) = (_rows.FailureReason, _rows.FailureMessage);
        }
        catch (CollectException ex)
        {
            (reason, message) = (ex.Reason, ex.Message);
        }

        return new KafkaRoundResult(Series(), reason, message);
    }

    public ValueTask DisposeAsync() => Leases.DisposeAsync();

    private Dictionary<string, double> Series()
    {
        var series = new Dictionary<string, double>(StringComparer.Ordinal);
        for (var i = 0; i < _rows.Samples.Count; i++)
        {
            var sample = _rows.Samples[i];
            series[Key(sample.Series.Labels)] = sample.Value;
        }

        foreach (var group in _rows.Groups)
        {
            for (var r = 0; r < group.Count; r++)
            {
                for (var f = 0; f < group.Group.Fields.Count; f++)
                {
                    if (!double.IsNaN(group[r].Values[f]))
                    {
                        series[group.Group.Fields[f].Metric] = group[r].Values[f];
                    }
                }
            }
        }

        return series;
    }

    /// <summary>name{label="value",...} in label order, leaving out the monitor's own <c>monitor</c> and <c>app</c>.</summary>
    private static string Key(IReadOnlyList<(string Name, string Value)> labels)
    {
        var name = labels.First(l => l.Name == "__name__").Value;
        var rest = labels.Where(l => l.Name is not ("__name__" or "monitor" or "app")).Select(l => $"{l.Name}=\"{l.Value}\"");
        return rest.Any() ? $"{name}{{{string.Join(",", rest)}}}" : name;
    }
}

/// <summary>A round's series by <c>name{labels}</c> (the monitor's labels left out) and its failure, if any.</summary>
internal sealed record KafkaRoundResult(Dictionary<string, double> Series, string? Reason, string? Message)
{
    public double? Value(string key) => Series.TryGetValue(key, out var value) ? value : null;

    /// <summary>Every topic named by a series' <c>topic</c> label.</summary>
    public SortedSet<string> Topics() =>
        new(Series.Keys.Select(k => System.Text.RegularExpressions.Regex.Match(k, "topic=\"([^\"]*)\"")).Where(m => m.Success).Select(m => m.Groups[1].Value), StringComparer.Ordinal);

    public int Count(string metric) => Series.Keys.Count(k => k == metric || k.StartsWith(metric + "{", StringComparison.Ordinal));
}
