namespace Vigil.Kafka;

/// <summary>
/// Metadata (key 3) v0–12. The cluster id arrives from v2 and the controller id from v1; topic ids (v10+) and
/// authorized operations (v8+) are read past, as this client never asks for them.
/// </summary>
internal static class MetadataMessage
{
    /// <summary>A request for <paramref name="topics"/>, or for every topic when null (in one request: issue 8's benchmark).</summary>
    public static void WriteRequest(KafkaWriter writer, short version, IReadOnlyCollection<string>? topics)
    {
        var flexible = KafkaApi.Metadata.IsFlexible(version);
        if (topics is null)
        {
            // v0 has no null array: an empty one means "all topics". From v1 empty means none and null means all.
            writer.WriteArrayLength(version == 0 ? 0 : -1, flexible);
        }
        else
        {
            writer.WriteArrayLength(topics.Count, flexible);
            foreach (var topic in topics)
            {
                if (version >= 10)
                {
                    writer.WriteUuid(Guid.Empty);
                }

                writer.WriteString(topic, flexible);
                writer.EndStruct(flexible);
            }
        }

        if (version >= 4)
        {
            writer.WriteBool(false); // allow auto topic creation: a monitor must never create topics
        }

        if (version is >= 8 and <= 10)
        {
            writer.WriteBool(false); // include cluster authorized operations
        }

        if (version >= 8)
        {
            writer.WriteBool(false); // include topic authorized operations
        }

        writer.EndStruct(flexible);
    }

    public static KafkaClusterMetadata ReadResponse(ref KafkaReader reader, short version)
    {
        var flexible = KafkaApi.Metadata.IsFlexible(version);
        if (version >= 3)
        {
            _ = reader.ReadInt32(); // throttle time
        }

        var brokers = ReadBrokers(ref reader, version, flexible);
        var clusterId = version >= 2 ? reader.ReadNullableString(flexible) : null;
        var controllerId = version >= 1 ? reader.ReadInt32() : -1;
        var topicCount = reader.ReadArrayCount(flexible, 4);
        var topics = new KafkaTopicMetadata[topicCount];
        for (var i = 0; i < topicCount; i++)
        {
            topics[i] = ReadTopic(ref reader, version, flexible);
        }

        if (version is >= 8 and <= 10)
        {
            _ = reader.ReadInt32(); // cluster authorized operations
        }

        reader.EndStruct(flexible);
        return new KafkaClusterMetadata(clusterId, controllerId, brokers, topics);
    }

    private static KafkaBroker[] ReadBrokers(ref KafkaReader reader, short version, bool flexible)
    {
        var count = reader.ReadArrayCount(flexible, 9);
        var brokers = new KafkaBroker[count];
        for (var i = 0; i < count; i++)
        {
            var nodeId = reader.ReadInt32();
            var host = reader.ReadString(flexible);
            var port = reader.ReadInt32();
            var rack = version >= 1 ? reader.ReadNullableString(flexible) : null;
            reader.EndStruct(flexible);
            brokers[i] = new KafkaBroker(nodeId, host, port, rack);
        }

        return brokers;
    }

    private static KafkaTopicMetadata ReadTopic(ref KafkaReader reader, short version, bool flexible)
    {
        var error = reader.ReadInt16();

        // From v12 a topic known only by id may have a null name; report it by its error with an empty name.
        var name = (version >= 12 ? reader.ReadNullableString(flexible) : reader.ReadName(flexible)) ?? "";
        if (version >= 10)
        {
            _ = reader.ReadUuid();
        }

        var isInternal = version >= 1 && reader.ReadBool();
        var count = reader.ReadArrayCount(flexible, 12);
        var partitions = new KafkaPartitionMetadata[count];
        for (var i = 0; i < count; i++)
        {
            partitions[i] = ReadPartition(ref reader, version, flexible);
        }

        if (version >= 8)
        {
            _ = reader.ReadInt32(); // topic authorized operations
        }

        reader.EndStruct(flexible);
        return new KafkaTopicMetadata(name, error, isInternal, partitions);
    }

    private static KafkaPartitionMetadata ReadPartition(ref KafkaReader reader, short version, bool flexible)
    {
        var error = reader.ReadInt16();
        var index = reader.ReadInt32();
        var leader = reader.ReadInt32();
        if (version >= 7)
        {
            _ = reader.ReadInt32(); // leader epoch
        }

        var replicas = reader.ReadInt32Array(flexible);
        var isr = reader.ReadInt32Array(flexible);
        if (version >= 5)
        {
            _ = reader.ReadInt32Array(flexible); // offline replicas
        }

        reader.EndStruct(flexible);
        return new KafkaPartitionMetadata(index, error, leader, replicas, isr);
    }
}
