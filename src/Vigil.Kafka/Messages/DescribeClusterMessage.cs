namespace Vigil.Kafka;

/// <summary>DescribeCluster (key 60) v0, flexible from its first version (KIP-700).</summary>
internal static class DescribeClusterMessage
{
    public static void WriteRequest(KafkaWriter writer, short version)
    {
        _ = version;
        writer.WriteBool(false); // include cluster authorized operations
        writer.WriteEmptyTaggedFields();
    }

    /// <summary>The description; a top-level error code becomes a <see cref="KafkaException"/> naming it.</summary>
    public static KafkaClusterDescription ReadResponse(ref KafkaReader reader, short version)
    {
        _ = reader.ReadInt32(); // throttle time
        var error = reader.ReadInt16();
        var message = reader.ReadNullableString(compact: true);
        var clusterId = reader.ReadString(compact: true);
        var controllerId = reader.ReadInt32();
        var count = reader.ReadArrayCount(compact: true, 11);
        var brokers = new KafkaBroker[count];
        for (var i = 0; i < count; i++)
        {
            var id = reader.ReadInt32();
            var host = reader.ReadString(compact: true);
            var port = reader.ReadInt32();
            brokers[i] = new KafkaBroker(id, host, port, reader.ReadNullableString(compact: true));
            reader.SkipTaggedFields();
        }

        _ = reader.ReadInt32(); // cluster authorized operations
        reader.SkipTaggedFields();
        if (error != KafkaErrorCodes.None)
        {
            throw KafkaException.FromCode(error, $"{KafkaApi.DescribeCluster.Describe(version)}{(message is null ? "" : " (" + message + ")")}");
        }

        return new KafkaClusterDescription(clusterId, controllerId, brokers);
    }
}
