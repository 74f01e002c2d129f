using Vigil.TestShared.Kafka;
using Xunit.Abstractions;

namespace Vigil.Kafka.Tests.Client;

/// <summary>
/// Where partitions must be listed in OffsetFetch (librdkafka's mock does not understand "null = all"), a group is
/// asked only for the topics it had committed to, and for every partition again once its refresh period is over
/// (<see cref="KafkaClientOptions.CommittedTopicsRefresh"/>; issue 8's benchmark).
/// </summary>
public sealed class CommittedTopicsTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AfterOneFullAskAGroupIsAskedForItsCommittedTopicsUntilTheRefresh()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(1, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        cluster.CreateTopics(Enumerable.Range(0, 50).Select(t => $"t{t:00}"), 4);
        cluster.Produce("t07", 1, 100);
        cluster.Produce("t30", 2, 100);
        cluster.CommitOffsets("g1", ("t07", 1, 60));
        var clock = new ManualClock(DateTimeOffset.UnixEpoch);
        var options = MockClients.Options(cluster) with { CommittedTopicsRefresh = TimeSpan.FromMinutes(5), TimeProvider = clock };
        await using var client = await KafkaAdminClient.ConnectAsync(options, CancellationToken.None);

        var full = await SentFor(client, "g1");
        Assert.Equal(60, full.Offsets.Offsets[new("t07", 1)]);

        // Committed offsets move, and the group starts committing to another topic.
        cluster.CommitOffsets("g1", ("t07", 1, 80), ("t30", 2, 10));
        var known = await SentFor(client, "g1");
        Assert.Equal(80, known.Offsets.Offsets[new("t07", 1)]);
        Assert.False(known.Offsets.Offsets.ContainsKey(new("t30", 2)), "t30 is found at the next full ask, not before");
        Assert.True(known.Bytes * 10 < full.Bytes, $"asked for one topic: {known.Bytes} bytes sent, the full ask {full.Bytes}");

        // Each group's period is between half and all of the refresh interval.
        clock.Now += TimeSpan.FromMinutes(2);
        Assert.False((await SentFor(client, "g1")).Offsets.Offsets.ContainsKey(new("t30", 2)));
        clock.Now += TimeSpan.FromMinutes(3);
        var refreshed = await SentFor(client, "g1");
        Assert.Equal(10, refreshed.Offsets.Offsets[new("t30", 2)]);
        Assert.Equal(80, refreshed.Offsets.Offsets[new("t07", 1)]);
        Assert.True(refreshed.Bytes > known.Bytes * 10, $"the refresh lists every partition again: {refreshed.Bytes} bytes");

        // A group never asked before gets a full ask of its own.
        cluster.CommitOffsets("g2", ("t30", 2, 5));
        Assert.Equal(5, (await client.FetchGroupOffsetsAsync("g2", CancellationToken.None)).Offsets[new("t30", 2)]);
    }

    [Fact]
    public async Task ZeroRefreshListsEveryPartitionEveryTime()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(1, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        cluster.CreateTopics(["a", "b"], 2);
        cluster.CommitOffsets("g1", ("a", 0, 0));
        var options = MockClients.Options(cluster) with { CommittedTopicsRefresh = TimeSpan.Zero };
        await using var client = await KafkaAdminClient.ConnectAsync(options, CancellationToken.None);
        Assert.Equal(0, (await client.FetchGroupOffsetsAsync("g1", CancellationToken.None)).Offsets[new("a", 0)]);
        cluster.CommitOffsets("g1", ("b", 1, 0));
        Assert.Equal(0, (await client.FetchGroupOffsetsAsync("g1", CancellationToken.None)).Offsets[new("b", 1)]);
    }

    private static async Task<(KafkaPartitionOffsets Offsets, long Bytes)> SentFor(KafkaAdminClient client, string group)
    {
        // The first ask of a client also sends the "null = all" probe the mock does not understand; measure after it.
        var before = client.Statistics.BytesSent;
        var offsets = await client.FetchGroupOffsetsAsync(group, CancellationToken.None);
        return (offsets, client.Statistics.BytesSent - before);
    }

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;

        public override DateTimeOffset GetUtcNow() => Now;
    }
}
