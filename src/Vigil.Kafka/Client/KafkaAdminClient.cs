namespace Vigil.Kafka;

/// <summary>The admin and metadata side of a Kafka client (issue 8). Surface only in this commit.</summary>
internal sealed class KafkaAdminClient : IAsyncDisposable
{
    private KafkaAdminClient()
    {
    }

    public int OpenConnections => throw new NotImplementedException();

    public KafkaClientStatistics Statistics { get; } = new();

    public static Task<KafkaAdminClient> ConnectAsync(KafkaClientOptions options, CancellationToken ct) => throw new NotImplementedException();

    public Task<KafkaClusterMetadata> GetMetadataAsync(CancellationToken ct) => throw new NotImplementedException();

    public Task<KafkaPartitionOffsets> ListOffsetsAsync(IReadOnlyCollection<KafkaTopicPartition> partitions, KafkaOffsetSpec spec, CancellationToken ct) => throw new NotImplementedException();

    public Task<IReadOnlyList<KafkaGroupListing>> ListGroupsAsync(CancellationToken ct) => throw new NotImplementedException();

    public Task<IReadOnlyList<KafkaGroupDescription>> DescribeGroupsAsync(IReadOnlyCollection<string> groups, CancellationToken ct) => throw new NotImplementedException();

    public Task<KafkaPartitionOffsets> FetchGroupOffsetsAsync(string group, CancellationToken ct) => throw new NotImplementedException();

    public Task<KafkaClusterDescription?> DescribeClusterAsync(CancellationToken ct) => throw new NotImplementedException();

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
