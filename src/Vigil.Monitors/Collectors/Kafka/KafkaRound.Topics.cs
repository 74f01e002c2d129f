using Vigil.Kafka;

namespace Vigil.Monitors.Collectors.Kafka;

/// <summary>The cluster, broker, topic and partition series (kafka_exporter's names and labels).</summary>
internal sealed partial class KafkaRound
{
    /// <summary>The partitions of the topics the filters keep; the kept topics are left in the client's scratch.</summary>
    private List<KafkaTopicPartition> KeptPartitions(KafkaClusterMetadata metadata)
    {
        var topics = _client.KeptTopics;
        var partitions = _client.Partitions;
        topics.Clear();
        partitions.Clear();
        foreach (var topic in metadata.Topics)
        {
            if ((topic.IsInternal && !_settings.IncludeInternal) || !_settings.Topics.Keeps(topic.Name))
            {
                continue;
            }

            if (topic.ErrorCode != KafkaErrorCodes.None)
            {
                Problem("kafka", $"Metadata: topic {topic.Name}: {KafkaErrorCodes.Name(topic.ErrorCode)} (error code {topic.ErrorCode})");
                continue;
            }

            topics.Add(topic);
            foreach (var partition in topic.Partitions)
            {
                partitions.Add(new KafkaTopicPartition(topic.Name, partition.Partition));
            }
        }

        return partitions;
    }

    /// <summary>The availability group's row, broker info and the cluster id; DescribeCluster's answer wins where given.</summary>
    private void WriteCluster(KafkaClusterMetadata metadata, KafkaClusterDescription? description)
    {
        var controller = description?.ControllerId ?? metadata.ControllerId;
        var row = _context.Rows.Add("cluster");
        row?.Set("brokers", metadata.Brokers.Count).Set("topics", _client.KeptTopics.Count);
        if (controller >= 0)
        {
            // Before Metadata v1 the brokers do not say (-1): no series rather than a made-up id.
            row?.Set("controller_id", controller);
        }

        foreach (var broker in metadata.Brokers)
        {
            Samples.Labels().Label("address"u8, $"{broker.Host}:{broker.Port}").Label("id"u8, broker.NodeId).Add("kafka_broker_info"u8, 1);
        }

        if ((description?.ClusterId ?? metadata.ClusterId) is { Length: > 0 } clusterId)
        {
            Samples.Labels().Label("cluster_id"u8, clusterId).Add("kafka_cluster_id_info"u8, 1);
        }
    }

    private void WriteTopics(KafkaPartitionOffsets? earliest, KafkaPartitionOffsets? latest)
    {
        var failures = new OffsetFailures();
        foreach (var topic in _client.KeptTopics)
        {
            Samples.Labels().Label("topic"u8, topic.Name).Add("kafka_topic_partitions"u8, topic.Partitions.Count);
            foreach (var partition in topic.Partitions)
            {
                var key = new KafkaTopicPartition(topic.Name, partition.Partition);
                WritePartition(topic.Name, partition);
                WriteOffset(key, latest, "kafka_topic_partition_current_offset"u8, ref failures);
                WriteOffset(key, earliest, "kafka_topic_partition_oldest_offset"u8, ref failures);
            }
        }

        if (failures.Count > 0)
        {
            Problem(failures.Reason ?? "kafka", $"ListOffsets: {failures.Count} of {2 * _client.Partitions.Count} partition offsets failed, first {failures.First}");
        }
    }

    private void WritePartition(string topic, KafkaPartitionMetadata partition)
    {
        var replicas = partition.Replicas.Length;
        var inSync = partition.Isr.Length;
        if (partition.Leader >= 0)
        {
            Samples.Labels().Label("partition"u8, partition.Partition).Label("topic"u8, topic).Add("kafka_topic_partition_leader"u8, partition.Leader);
        }

        Samples.Labels().Label("partition"u8, partition.Partition).Label("topic"u8, topic).Add("kafka_topic_partition_replicas"u8, replicas);
        Samples.Labels().Label("partition"u8, partition.Partition).Label("topic"u8, topic).Add("kafka_topic_partition_in_sync_replica"u8, inSync);
        Samples.Labels().Label("partition"u8, partition.Partition).Label("topic"u8, topic)
            .Add("kafka_topic_partition_under_replicated_partition"u8, inSync < replicas ? 1 : 0);

        // kafka_exporter's "preferred": the leader is the first replica of the assignment.
        var preferred = replicas > 0 && partition.Leader == partition.Replicas[0];
        Samples.Labels().Label("partition"u8, partition.Partition).Label("topic"u8, topic).Add("kafka_topic_partition_leader_is_preferred"u8, preferred ? 1 : 0);
    }

    /// <summary>An offset series where the partition answered; a failure is counted, the first one kept by name.</summary>
    private void WriteOffset(KafkaTopicPartition key, KafkaPartitionOffsets? offsets, ReadOnlySpan<byte> metric, ref OffsetFailures failures)
    {
        if (offsets is null)
        {
            // The whole request failed; GuardAsync has reported it.
            return;
        }

        if (offsets.Errors.TryGetValue(key, out var code) && code != KafkaErrorCodes.None)
        {
            failures.Add(key, code);
            return;
        }

        if (offsets.Offsets.TryGetValue(key, out var offset) && offset >= 0)
        {
            Samples.Labels().Label("partition"u8, key.Partition).Label("topic"u8, key.Topic).Add(metric, offset);
        }
    }

    private struct OffsetFailures
    {
        public int Count;
        public string? First;
        public string? Reason;

        public void Add(KafkaTopicPartition key, short code)
        {
            if (Count++ == 0)
            {
                First = $"{key.Topic}[{key.Partition}]: {KafkaErrorCodes.Name(code)} (error code {code})";
                Reason = KafkaRound.ReasonOf(code);
            }
            else if (code is KafkaErrorCodes.TimedOut or KafkaErrorCodes.RequestTimedOut)
            {
                // A request that timed out makes the client drop its connection, failing what else was queued on it:
                // the timeout is the cause, whichever partition came first.
                Reason = "timeout";
            }
        }
    }
}
