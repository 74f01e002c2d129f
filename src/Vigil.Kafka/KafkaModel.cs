namespace Vigil.Kafka;

/// <summary>One partition of one topic.</summary>
internal readonly record struct KafkaTopicPartition(string Topic, int Partition)
{
    public override string ToString() => $"{Topic}[{Partition}]";
}

/// <summary>Which end of a partition's log ListOffsets reports.</summary>
internal enum KafkaOffsetSpec
{
    /// <summary>The log start offset (ListOffsets timestamp -2).</summary>
    Earliest,

    /// <summary>The high watermark, the next offset to be written (ListOffsets timestamp -1).</summary>
    Latest,
}

/// <summary>A broker as Metadata or DescribeCluster reports it.</summary>
internal sealed record KafkaBroker(int NodeId, string Host, int Port, string? Rack);

/// <summary>One partition of a Metadata answer; <see cref="Leader"/> is -1 when it has none.</summary>
internal sealed record KafkaPartitionMetadata(int Partition, short ErrorCode, int Leader, int[] Replicas, int[] Isr);

internal sealed record KafkaTopicMetadata(string Name, short ErrorCode, bool IsInternal, IReadOnlyList<KafkaPartitionMetadata> Partitions);

/// <summary>
/// A Metadata answer. <see cref="ClusterId"/> is null before Metadata v2 and <see cref="ControllerId"/> is -1
/// before v1: older brokers do not report them.
/// </summary>
internal sealed record KafkaClusterMetadata(string? ClusterId, int ControllerId, IReadOnlyList<KafkaBroker> Brokers, IReadOnlyList<KafkaTopicMetadata> Topics);

/// <summary>Offsets and per-partition error codes (0 = none) for the partitions asked.</summary>
internal sealed class KafkaPartitionOffsets
{
    public KafkaPartitionOffsets(IReadOnlyDictionary<KafkaTopicPartition, long> offsets, IReadOnlyDictionary<KafkaTopicPartition, short> errors)
    {
        Offsets = offsets;
        Errors = errors;
    }

    /// <summary>The offset of each partition that answered; -1 where nothing is known (e.g. nothing committed).</summary>
    public IReadOnlyDictionary<KafkaTopicPartition, long> Offsets { get; }

    /// <summary>
    /// The error code of each partition asked (0 = none). Failures that are not broker codes (a broker down or
    /// timing out) use the client-side codes of <see cref="KafkaErrorCodes"/>, which are negative like librdkafka's.
    /// </summary>
    public IReadOnlyDictionary<KafkaTopicPartition, short> Errors { get; }
}

internal sealed record KafkaGroupListing(string GroupId, string ProtocolType);

internal sealed record KafkaGroupMember(string MemberId, string ClientId, string ClientHost, IReadOnlyList<KafkaTopicPartition> Assignment);

internal sealed record KafkaGroupDescription(string GroupId, short ErrorCode, string State, string ProtocolType, IReadOnlyList<KafkaGroupMember> Members);

internal sealed record KafkaClusterDescription(string ClusterId, int ControllerId, IReadOnlyList<KafkaBroker> Brokers);

/// <summary>What a client has sent and received over its life; monotonic.</summary>
internal sealed class KafkaClientStatistics
{
    private long _requestsSent;
    private long _bytesSent;
    private long _bytesReceived;
    private int _peakInFlight;

    public long RequestsSent => Interlocked.Read(ref _requestsSent);

    public long BytesSent => Interlocked.Read(ref _bytesSent);

    public long BytesReceived => Interlocked.Read(ref _bytesReceived);

    /// <summary>The most requests ever awaiting their responses on one connection at once (pipelining depth).</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    internal void OnInFlight(int count)
    {
        var peak = Volatile.Read(ref _peakInFlight);
        while (count > peak && Interlocked.CompareExchange(ref _peakInFlight, count, peak) != peak)
        {
            peak = Volatile.Read(ref _peakInFlight);
        }
    }

    internal void OnSent(int bytes)
    {
        Interlocked.Increment(ref _requestsSent);
        Interlocked.Add(ref _bytesSent, bytes);
    }

    internal void OnReceived(int bytes) => Interlocked.Add(ref _bytesReceived, bytes);
}
