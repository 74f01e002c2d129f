using Vigil.TestShared.Kafka;

namespace Vigil.Kafka.Tests.Client;

/// <summary>Options and clients for a mock cluster, with deadlines short enough for fault tests.</summary>
internal static class MockClients
{
    public static KafkaClientOptions Options(MockKafkaCluster cluster, TimeSpan? requestTimeout = null) => new()
    {
        BootstrapServers = KafkaEndpoint.ParseList(cluster.BootstrapServers),
        RequestTimeout = requestTimeout ?? TimeSpan.FromSeconds(5),
        ConnectTimeout = TimeSpan.FromSeconds(2),
    };

    public static Task<KafkaAdminClient> ConnectAsync(MockKafkaCluster cluster, TimeSpan? requestTimeout = null) =>
        KafkaAdminClient.ConnectAsync(Options(cluster, requestTimeout), CancellationToken.None);
}
