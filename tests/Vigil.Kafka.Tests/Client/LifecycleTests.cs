using Vigil.TestShared.Kafka;
using Xunit.Abstractions;

namespace Vigil.Kafka.Tests.Client;

/// <summary>Connections over a client's life: pipelining on one socket, and nothing left after DisposeAsync.</summary>
public sealed class LifecycleTests(ITestOutputHelper output)
{
    [Fact]
    public async Task SeveralRequestsAreInFlightOnOneConnection()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(1, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        cluster.CreateTopic("orders", 4, 1);
        for (var p = 0; p < 4; p++)
        {
            cluster.Produce("orders", p, p + 1);
        }

        await using var client = await MockClients.ConnectAsync(cluster);
        cluster.SetBrokerRtt(1, TimeSpan.FromMilliseconds(200)); // responses held back, so requests overlap
        var calls = Enumerable.Range(0, 12).Select(i => client.ListOffsetsAsync([new("orders", i % 4)], KafkaOffsetSpec.Latest, default)).ToList();
        var results = await Task.WhenAll(calls);

        // Each answer went to its own caller (matched by correlation id), over the one socket.
        for (var i = 0; i < results.Length; i++)
        {
            Assert.Equal(i % 4 + 1, results[i].Offsets[new("orders", i % 4)]);
        }

        Assert.Equal(1, client.OpenConnections);
        Assert.True(client.Statistics.PeakInFlight >= 2, $"peak in flight {client.Statistics.PeakInFlight}");
    }

    [Fact]
    public async Task DisposeClosesEverySocketAndFailsPendingRequests()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(3, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        cluster.CreateTopic("orders", 3, 1);
        for (var p = 0; p < 3; p++)
        {
            cluster.SetPartitionLeader("orders", p, p + 1);
        }

        var client = await MockClients.ConnectAsync(cluster);
        KafkaTopicPartition[] all = [new("orders", 0), new("orders", 1), new("orders", 2)];
        await client.ListOffsetsAsync(all, KafkaOffsetSpec.Latest, default);
        Assert.Equal(3, client.OpenConnections);
        var established = SocketCount.EstablishedTo(cluster.BrokerPorts);
        Assert.True(established is 3 or -1, $"{established} sockets to the brokers");

        cluster.SetBrokerRtt(1, TimeSpan.FromSeconds(30));
        var pending = client.ListOffsetsAsync(all, KafkaOffsetSpec.Latest, default);
        await Task.Delay(100);
        await client.DisposeAsync();

        var failed = await pending.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(KafkaErrorCodes.Transport, failed.Errors[all[0]]);
        Assert.Equal(0, client.OpenConnections);
        Assert.True(await SocketCount.WaitForAsync(cluster.BrokerPorts, 0, TimeSpan.FromSeconds(1)) is 0 or -1);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetMetadataAsync(default));
    }

    [Fact]
    public async Task AnUnreachableBootstrapListNamesEachServer()
    {
        var options = new KafkaClientOptions
        {
            BootstrapServers = KafkaEndpoint.ParseList("127.0.0.1:1,127.0.0.1:2"),
            ConnectTimeout = TimeSpan.FromSeconds(2),
        };
        var error = await Assert.ThrowsAsync<KafkaConnectionException>(() => KafkaAdminClient.ConnectAsync(options, default));
        Assert.Contains("127.0.0.1:1", error.Message, StringComparison.Ordinal);
        Assert.Contains("127.0.0.1:2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TheCallersTokenCancelsAWaitingRequestButNotTheConnection()
    {
        using var cluster = MockKafkaCluster.CreateOrSkip(1, output.WriteLine);
        if (cluster is null)
        {
            return;
        }

        cluster.CreateTopic("orders", 1, 1);
        await using var client = await MockClients.ConnectAsync(cluster);
        cluster.SetBrokerRtt(1, TimeSpan.FromMilliseconds(500));
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetMetadataAsync(cancel.Token));

        // The abandoned answer arrives later and is dropped; the connection stays in step for the next request.
        var metadata = await client.GetMetadataAsync(default);
        Assert.Equal("orders", Assert.Single(metadata.Topics).Name);
        Assert.Equal(1, client.OpenConnections);
    }
}
