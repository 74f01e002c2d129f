using Vigil.Monitors.Collectors.Kafka;
using Vigil.TestShared.Kafka;
using Xunit.Abstractions;

namespace Vigil.Monitors.Tests.Kafka;

/// <summary>
/// Issue 8's acceptance for what one round reports, against real mock clusters: the HertzBeat scenario (two
/// clusters never see each other's data), lag, filters, and bad params.
/// </summary>
public sealed class KafkaCollectorTests(ITestOutputHelper output)
{
    [Fact]
    public async Task TwoClustersNeverSeeEachOthersTopicsOrOffsets()
    {
        using var a = MockKafkaCluster.CreateOrSkip(3, output.WriteLine);
        using var b = MockKafkaCluster.CreateOrSkip(2, output.WriteLine);
        if (a is null || b is null)
        {
            return;
        }

        a.CreateTopic("orders", 4);
        a.CreateTopic("payments", 2);
        b.CreateTopic("clicks", 5);
        a.Produce("orders", 0, 30);
        a.Produce("orders", 3, 7);
        a.Produce("payments", 1, 12);
        b.Produce("clicks", 4, 21);

        var collector = new KafkaCollector();
        await using var monitorA = new KafkaMonitorDriver(collector, KafkaKit.Monitor("a", a.BootstrapServers));
        var first = await monitorA.CollectAsync();
        Assert.Null(first.Message);
        await using var monitorB = new KafkaMonitorDriver(collector, KafkaKit.Monitor("b", b.BootstrapServers));
        for (var round = 0; round < 50; round++)
        {
            var ra = await monitorA.CollectAsync();
            var rb = await monitorB.CollectAsync();
            Assert.Null(ra.Message);
            Assert.Null(rb.Message);
            Assert.Equal(["orders", "payments"], ra.Topics());
            Assert.Equal(["clicks"], rb.Topics());
            Assert.Equal(3, ra.Value("kafka_brokers"));
            Assert.Equal(2, rb.Value("kafka_brokers"));
            Assert.Equal(4, ra.Value("kafka_topic_partitions{topic=\"orders\"}"));
            Assert.Equal(5, rb.Value("kafka_topic_partitions{topic=\"clicks\"}"));
            Assert.Equal(30, ra.Value("kafka_topic_partition_current_offset{partition=\"0\",topic=\"orders\"}"));
            Assert.Equal(7, ra.Value("kafka_topic_partition_current_offset{partition=\"3\",topic=\"orders\"}"));
            Assert.Equal(0, ra.Value("kafka_topic_partition_current_offset{partition=\"1\",topic=\"orders\"}"));
            Assert.Equal(12, ra.Value("kafka_topic_partition_current_offset{partition=\"1\",topic=\"payments\"}"));
            Assert.Equal(21, rb.Value("kafka_topic_partition_current_offset{partition=\"4\",topic=\"clicks\"}"));
            Assert.Equal(0, rb.Value("kafka_topic_partition_oldest_offset{partition=\"4\",topic=\"clicks\"}"));
            Assert.Equal(6, ra.Count("kafka_topic_partition_current_offset"));
            Assert.Equal(5, rb.Count("kafka_topic_partition_current_offset"));
        }

        // Each monitor holds exactly one client of its own.
        Assert.Equal(2, collector.LiveClients.Count);
    }

    [Fact]
    public async Task LagOfAGroupIsTheLatestOffsetMinusItsCommit()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(3, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        cluster.CreateTopic("orders", 2);
        cluster.Produce("orders", 0, 1000);
        cluster.CommitOffsets("g1", ("orders", 0, 600));

        // The mock has no ListGroups, so the monitor names its groups (issue 8); a real broker lists them too.
        await using var monitor = new KafkaMonitorDriver(new KafkaCollector(), KafkaKit.Monitor("lag", cluster.BootstrapServers, ("consumer_groups", "g1")));
        var round = await monitor.CollectAsync();

        Assert.True(round.Message is null, round.Message);
        Assert.Equal(400, round.Value("kafka_consumergroup_lag_sum{consumergroup=\"g1\",topic=\"orders\"}"));
        Assert.Equal(400, round.Value("kafka_consumergroup_lag{consumergroup=\"g1\",partition=\"0\",topic=\"orders\"}"));
        Assert.Equal(600, round.Value("kafka_consumergroup_current_offset{consumergroup=\"g1\",partition=\"0\",topic=\"orders\"}"));
        Assert.Equal(1, round.Value("kafka_consumergroups"));

        // Nothing committed on partition 1: no lag is made up for it.
        Assert.Null(round.Value("kafka_consumergroup_lag{consumergroup=\"g1\",partition=\"1\",topic=\"orders\"}"));
    }

    [Fact]
    public async Task FiltersKeepOnlyTheTopicsAsked()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(1, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        foreach (var topic in new[] { "orders", "orders-dlq", "payments", "audit" })
        {
            cluster.CreateTopic(topic, 1);
        }

        await using var monitor = new KafkaMonitorDriver(
            new KafkaCollector(), KafkaKit.Monitor("f", cluster.BootstrapServers, ("topic_include", "^(orders|payments)"), ("topic_exclude", "-dlq$")));
        var round = await monitor.CollectAsync();

        Assert.Null(round.Message);
        Assert.Equal(["orders", "payments"], round.Topics());
        Assert.Equal(2, round.Value("kafka_topics"));
        Assert.Equal(1, round.Value("kafka_brokers"));
        Assert.Equal(1, round.Count("kafka_broker_info"));
        Assert.Equal(1, round.Value($"kafka_broker_info{{address=\"127.0.0.1:{cluster.BrokerPorts[0]}\",id=\"1\"}}"));

        // Filters that keep nothing: a clean round with the cluster's numbers and no topic at all.
        await using var none = new KafkaMonitorDriver(new KafkaCollector(), KafkaKit.Monitor("n", cluster.BootstrapServers, ("topic_include", "^nothing$")));
        var empty = await none.CollectAsync();
        Assert.Null(empty.Message);
        Assert.Empty(empty.Topics());
        Assert.Equal(0, empty.Value("kafka_topics"));
        Assert.Equal(1, empty.Value("kafka_brokers"));
    }

    [Fact]
    public void TheTemplatesAvailabilityGroupIsTheMetadataFetch()
    {
        var template = KafkaKit.Template;
        Assert.Equal(("kafka", "middleware"), (template.Protocol, template.Category));
        Assert.True(template.IsSecret("password"));
        Assert.True(template.Param("bootstrap_servers")!.Required);
        Assert.Equal(["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"], template.Param("security_protocol")!.Options);
        Assert.Equal(["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"], template.Param("sasl_mechanism")!.Options);
        Assert.Equal("false", template.Param("include_internal")!.Default);
        var availability = Assert.Single(template.Metrics, g => g.Priority == 0);
        Assert.Equal("cluster", availability.Name);
        Assert.Equal(["kafka_brokers", "kafka_controller_id", "kafka_topics"], availability.Fields.Select(f => f.Metric));
    }

    [Fact]
    public async Task TheConnectionGaugeIsRegisteredWithTheSchedulerAndLeavesWithIt()
    {
        var kit = new Scheduling.SchedulerKit(new KafkaCollector());
        Assert.Equal(0, KafkaKit.ExposedConnections(kit.Registry));
        await kit.DisposeAsync();
        Assert.False(kit.Registry.IsRegistered("vigil_monitor_kafka_connections"));
    }

    [Theory]
    [InlineData("bootstrap_servers", "127.0.0.1", "bootstrap_servers")]
    [InlineData("topic_include", "([", "topic_include: invalid regex")]
    [InlineData("group_exclude", "(?<", "group_exclude: invalid regex")]
    [InlineData("group_include", "(a)\\1", "group_include: invalid regex")]
    public async Task BadParamsAreTheMonitorsConfigError(string field, string value, string expected)
    {
        var monitor = KafkaKit.Monitor("bad", "127.0.0.1:9", (field, value));
        await using var driver = new KafkaMonitorDriver(new KafkaCollector(), monitor);
        var round = await driver.CollectAsync();

        Assert.Equal("config", round.Reason);
        Assert.Contains(expected, round.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task NoClusterFailsTheRoundOnTimeNamingTheServer()
    {
        // A port nothing listens on: refused at once, and the message names it.
        await using var driver = new KafkaMonitorDriver(new KafkaCollector(), KafkaKit.Monitor("none", "127.0.0.1:1"));
        var round = await driver.CollectAsync();

        Assert.Equal("connect", round.Reason);
        Assert.Contains("127.0.0.1:1", round.Message, StringComparison.Ordinal);
        Assert.Equal("backoff", driver.Leases.State.State);
    }
}
