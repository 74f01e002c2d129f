using Vigil.Monitors.Tests.Collectors;
using Vigil.Monitors.Tests.Kafka;
using Vigil.TestShared.Kafka;
using Xunit.Abstractions;

namespace Vigil.Monitors.Tests.Api;

/// <summary>
/// A <c>kafka</c> monitor end to end through the host: the test endpoint, kafka_exporter's series in the instance
/// WAL, the lease shown by the API, and no socket left once the monitor is deleted.
/// </summary>
[Collection(SocketCountingCollection.Name)]
public sealed class KafkaMonitorApiTests(ITestOutputHelper output)
{
    private const string Labels = "app=\"kafka\", monitor=\"orders\", partition=\"0\", team=\"shop\", topic=\"orders\"}";
    private const string CurrentOffset = "{__name__=\"kafka_topic_partition_current_offset\", " + Labels;

    [Fact]
    public async Task AKafkaMonitorWritesKafkaExporterSeriesAndLeavesNoSocketWhenDeleted()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(2, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        KafkaKit.CreateSpreadTopic(cluster, "orders", 2);
        cluster.Produce("orders", 0, 5);
        await using var api = await MonitorApi.StartAsync();

        var (status, once) = await api.SendAsync(HttpMethod.Post, "/api/v1/monitors/test", $$$"""
            {"name": "once", "app": "kafka", "params": {"bootstrap_servers": "{{{cluster.BootstrapServers}}}"}}
            """);
        Assert.Equal(200, status);
        Assert.True((string?)once["status"] == "up", once.ToJsonString());
        Assert.Contains(once["samples"]!.AsArray(), s => (string?)s!["labels"]!["__name__"] == "kafka_topic_partition_current_offset" && (string?)s["value"] == "5");

        var id = (string)(await api.CreateAsync($$$"""
            {"name": "orders", "app": "kafka", "interval": "1s", "labels": {"team": "shop"}, "params": {"bootstrap_servers": "{{{cluster.BootstrapServers}}}"}}
            """))["id"]!;
        await WaitForAsync(() => api.WalSeries().GetValueOrDefault(CurrentOffset) == 5);
        var monitor = await api.WaitForAsync(id, m => (string?)m["status"] == "up");
        Assert.Equal("open", (string?)monitor["lease"]!["state"]);
        Assert.Equal("kafka", (string?)monitor["lease"]!["protocol"]);
        Assert.Equal(2, KafkaKit.SocketsTo(cluster));

        var (deleted, _) = await api.SendAsync(HttpMethod.Delete, "/api/v1/monitors/" + id);
        Assert.Equal(204, deleted);
        await WaitForAsync(() => KafkaKit.SocketsTo(cluster) == 0, TimeSpan.FromSeconds(1));
    }

    private static async Task WaitForAsync(Func<bool> done, TimeSpan? limit = null)
    {
        var deadline = DateTime.UtcNow + (limit ?? TimeSpan.FromSeconds(20));
        while (!done())
        {
            Assert.True(DateTime.UtcNow < deadline, "condition not met in time");
            await Task.Delay(50);
        }
    }
}
