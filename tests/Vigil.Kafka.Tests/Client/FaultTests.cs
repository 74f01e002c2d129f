using System.Diagnostics;
using Vigil.TestShared.Kafka;
using Xunit.Abstractions;

namespace Vigil.Kafka.Tests.Client;

/// <summary>Faults injected into the mock: brokers down or slow, error codes, a cluster destroyed.</summary>
public sealed class FaultTests(ITestOutputHelper output)
{
    private static readonly KafkaTopicPartition[] Orders = [new("orders", 0), new("orders", 1), new("orders", 2)];

    /// <summary>A 3-broker cluster whose topic "orders" has partition i led by broker i+1, 10 messages in each.</summary>
    private MockKafkaCluster? Cluster()
    {
        var cluster = MockKafkaCluster.CreateOrSkip(3, output.WriteLine);
        if (cluster is not null)
        {
            cluster.CreateTopic("orders", 3, 1);
            for (var p = 0; p < 3; p++)
            {
                cluster.SetPartitionLeader("orders", p, p + 1);
                cluster.Produce("orders", p, 10);
            }
        }

        return cluster;
    }

    [Fact]
    public async Task ABrokerDownFailsOnlyItsPartitionsAndIsReconnectedWhenBack()
    {
        using var cluster = Cluster();
        if (cluster is null)
        {
            return;
        }

        await using var client = await MockClients.ConnectAsync(cluster);
        Assert.All((await client.ListOffsetsAsync(Orders, KafkaOffsetSpec.Latest, default)).Errors.Values, e => Assert.Equal(0, e));

        cluster.SetBrokerDown(2);
        var partial = await client.ListOffsetsAsync(Orders, KafkaOffsetSpec.Latest, default);
        Assert.Equal(KafkaErrorCodes.Transport, partial.Errors[Orders[1]]);
        Assert.Equal([10L, -1, 10], Orders.Select(p => partial.Offsets[p]));
        Assert.Equal([0, 0], new[] { partial.Errors[Orders[0]], partial.Errors[Orders[2]] });
        Assert.NotNull(await client.GetMetadataAsync(default)); // another broker answers

        cluster.SetBrokerUp(2);
        await Task.Delay(TimeSpan.FromMilliseconds(300)); // past the first reconnect backoff (100 ms)
        var back = await client.ListOffsetsAsync(Orders, KafkaOffsetSpec.Latest, default);
        Assert.Equal([10L, 10, 10], Orders.Select(p => back.Offsets[p]));
    }

    [Fact]
    public async Task ASlowBrokerTimesOutOnItsDeadlineWhileTheOthersAnswer()
    {
        using var cluster = Cluster();
        if (cluster is null)
        {
            return;
        }

        await using var client = await MockClients.ConnectAsync(cluster, requestTimeout: TimeSpan.FromSeconds(1));
        await client.ListOffsetsAsync(Orders, KafkaOffsetSpec.Latest, default); // connect to every leader first
        Assert.Equal(3, client.OpenConnections);

        cluster.SetBrokerRtt(2, TimeSpan.FromSeconds(10));
        var clock = Stopwatch.StartNew();
        var result = await client.ListOffsetsAsync(Orders, KafkaOffsetSpec.Latest, default);
        clock.Stop();

        Assert.Equal(KafkaErrorCodes.TimedOut, result.Errors[Orders[1]]);
        Assert.Equal("_TIMED_OUT", KafkaErrorCodes.Name(result.Errors[Orders[1]]));
        Assert.Equal([10L, 10], new[] { result.Offsets[Orders[0]], result.Offsets[Orders[2]] });

        // The deadline (1 s), not the broker's 10 s, ended the call; the late broker's connection was closed.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(8), $"took {clock.Elapsed}");
        Assert.Equal(2, client.OpenConnections);
    }

    [Fact]
    public async Task InjectedErrorCodesArePerPartitionOrNamedInTheError()
    {
        using var cluster = Cluster();
        if (cluster is null)
        {
            return;
        }

        cluster.CommitOffsets("g1", ("orders", 0, 5));
        await using var client = await MockClients.ConnectAsync(cluster);
        await client.ListOffsetsAsync(Orders, KafkaOffsetSpec.Latest, default);

        // ListOffsets: the next request (one leader's) answers NOT_LEADER_OR_FOLLOWER for its partitions.
        cluster.PushRequestErrors(KafkaApi.ListOffsets.Key, KafkaErrorCodes.NotLeaderOrFollower);
        var offsets = await client.ListOffsetsAsync(Orders, KafkaOffsetSpec.Latest, default);
        Assert.Single(offsets.Errors.Values, e => e == KafkaErrorCodes.NotLeaderOrFollower);
        Assert.Equal(2, offsets.Errors.Values.Count(e => e == 0));

        // OffsetFetch: NOT_COORDINATOR once is retried at the coordinator found again.
        cluster.PushRequestErrors(KafkaApi.OffsetFetch.Key, KafkaErrorCodes.NotCoordinator);
        Assert.Equal(5, (await client.FetchGroupOffsetsAsync("g1", default)).Offsets[Orders[0]]);

        // A group-level error is thrown with its name and number; an unknown code by number.
        cluster.PushRequestErrors(KafkaApi.OffsetFetch.Key, 30);
        var denied = await Assert.ThrowsAsync<KafkaException>(() => client.FetchGroupOffsetsAsync("g1", default));
        Assert.Equal((30, "GROUP_AUTHORIZATION_FAILED"), (denied.ErrorCode, denied.ErrorName));
        Assert.Contains("GROUP_AUTHORIZATION_FAILED (error code 30)", denied.Message, StringComparison.Ordinal);
        cluster.PushRequestErrors(KafkaApi.OffsetFetch.Key, 999);
        var unknown = await Assert.ThrowsAsync<KafkaException>(() => client.FetchGroupOffsetsAsync("g1", default));
        Assert.Contains("UNKNOWN_ERROR_CODE_999", unknown.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ADestroyedClusterGivesCleanErrorsWithoutHanging()
    {
        var cluster = Cluster();
        if (cluster is null)
        {
            return;
        }

        var options = MockClients.Options(cluster, TimeSpan.FromSeconds(2));
        await using var client = await KafkaAdminClient.ConnectAsync(options, default);
        await client.ListOffsetsAsync(Orders, KafkaOffsetSpec.Latest, default);
        cluster.Dispose();

        var offsets = await client.ListOffsetsAsync(Orders, KafkaOffsetSpec.Latest, default).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.All(offsets.Errors.Values, e => Assert.True(e is KafkaErrorCodes.Transport or KafkaErrorCodes.TimedOut, $"error {e}"));
        var metadata = await Assert.ThrowsAsync<KafkaConnectionException>(() => client.GetMetadataAsync(default).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains("127.0.0.1:", metadata.Message, StringComparison.Ordinal);
        var connect = await Assert.ThrowsAsync<KafkaConnectionException>(() => KafkaAdminClient.ConnectAsync(options, default).WaitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains(options.BootstrapServers[0].ToString(), connect.Message, StringComparison.Ordinal);
        Assert.Equal(0, client.OpenConnections);
    }
}
