using Vigil.TestShared.Kafka;
using Xunit.Abstractions;

namespace Vigil.Kafka.Tests.Client;

public sealed class SmokeTests(ITestOutputHelper output)
{
    [Fact]
    public async Task Smoke()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(3, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        cluster.CreateTopic("orders", 4, 3);
        cluster.Produce("orders", 1, 100);
        cluster.CommitOffsets("g1", ("orders", 1, 60));
        await using var client = await MockClients.ConnectAsync(cluster);
        var md = await client.GetMetadataAsync(default);
        output.WriteLine($"cluster {md.ClusterId} controller {md.ControllerId} brokers {string.Join(",", md.Brokers)}");
        foreach (var t in md.Topics) { output.WriteLine($"{t.Name} {t.ErrorCode} {t.IsInternal} {string.Join(" ", t.Partitions)}"); }
        var tps = md.Topics.First(t => t.Name == "orders").Partitions.Select(p => new KafkaTopicPartition("orders", p.Partition)).ToList();
        var latest = await client.ListOffsetsAsync(tps, KafkaOffsetSpec.Latest, default);
        output.WriteLine(string.Join(" ", latest.Offsets.Select(kv => $"{kv.Key}={kv.Value}/{latest.Errors[kv.Key]}")));
        var g = await client.FetchGroupOffsetsAsync("g1", default);
        output.WriteLine(string.Join(" ", g.Offsets.Select(kv => $"{kv.Key}={kv.Value}/{g.Errors[kv.Key]}")));
        try { output.WriteLine(string.Join(",", await client.ListGroupsAsync(default))); } catch (Exception e) { output.WriteLine(e.GetType().Name + ": " + e.Message); }
        try { output.WriteLine(string.Join(",", await client.DescribeGroupsAsync(["g1"], default))); } catch (Exception e) { output.WriteLine(e.GetType().Name + ": " + e.Message); }
        output.WriteLine($"cluster: {await client.DescribeClusterAsync(default)}");
        output.WriteLine($"open {client.OpenConnections} sent {client.Statistics.RequestsSent}");
    }
}
