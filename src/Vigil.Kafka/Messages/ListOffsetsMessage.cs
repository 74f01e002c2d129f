namespace Vigil.Kafka;

/// <summary>One partition's answer to ListOffsets (or OffsetFetch): its offset (-1 when none) and error code.</summary>
internal readonly record struct KafkaPartitionOffset(KafkaTopicPartition Partition, long Offset, short ErrorCode);

/// <summary>
/// ListOffsets (key 2) v0–7. v0 answers with an array of offsets (MaxNumOffsets 1 asks for one); v1+ with one offset.
/// Timestamp -2 asks for the earliest offset and -1 for the latest (the high watermark).
/// </summary>
internal static class ListOffsetsMessage
{
    public const long EarliestTimestamp = -2;
    public const long LatestTimestamp = -1;

    /// <summary>Writes one request for every partition given, grouped by topic (<paramref name="byTopic"/>).</summary>
    public static void WriteRequest(KafkaWriter writer, short version, IReadOnlyDictionary<string, List<int>> byTopic, KafkaOffsetSpec spec)
    {
        var flexible = KafkaApi.ListOffsets.IsFlexible(version);
        var timestamp = spec == KafkaOffsetSpec.Earliest ? EarliestTimestamp : LatestTimestamp;
        writer.WriteInt32(-1); // replica id: a client, not a follower
        if (version >= 2)
        {
            writer.WriteInt8(0); // isolation level READ_UNCOMMITTED: the high watermark, as kafka_exporter reports
        }

        writer.WriteArrayLength(byTopic.Count, flexible);
        foreach (var (topic, partitions) in byTopic)
        {
            writer.WriteString(topic, flexible);
            writer.WriteArrayLength(partitions.Count, flexible);
            foreach (var partition in partitions)
            {
                writer.WriteInt32(partition);
                if (version >= 4)
                {
                    writer.WriteInt32(-1); // current leader epoch: unknown, so the broker skips fencing
                }

                writer.WriteInt64(timestamp);
                if (version == 0)
                {
                    writer.WriteInt32(1); // max number of offsets
                }

                writer.EndStruct(flexible);
            }

            writer.EndStruct(flexible);
        }

        writer.EndStruct(flexible);
    }

    /// <summary>Adds each partition of the response to <paramref name="into"/>.</summary>
    public static void ReadResponse(ref KafkaReader reader, short version, List<KafkaPartitionOffset> into)
    {
        var flexible = KafkaApi.ListOffsets.IsFlexible(version);
        if (version >= 2)
        {
            _ = reader.ReadInt32(); // throttle time
        }

        var topics = reader.ReadArrayCount(flexible, 3);
        for (var t = 0; t < topics; t++)
        {
            var topic = reader.ReadName(flexible);
            var partitions = reader.ReadArrayCount(flexible, 6);
            for (var p = 0; p < partitions; p++)
            {
                var index = reader.ReadInt32();
                var error = reader.ReadInt16();
                var offset = version == 0 ? ReadOldStyleOffset(ref reader) : ReadOffset(ref reader, version);
                reader.EndStruct(flexible);
                into.Add(new KafkaPartitionOffset(new KafkaTopicPartition(topic, index), offset, error));
            }

            reader.EndStruct(flexible);
        }

        reader.EndStruct(flexible);
    }

    private static long ReadOldStyleOffset(ref KafkaReader reader)
    {
        var count = reader.ReadArrayCount(compact: false, 8);
        var first = -1L;
        for (var i = 0; i < count; i++)
        {
            var offset = reader.ReadInt64();
            first = i == 0 ? offset : first;
        }

        return first;
    }

    /// <summary>
    /// librdkafka's mock broker (2.x) writes the v4–5 leader epoch as an int64 -1, four bytes too many. What follows a
    /// partition in a valid answer is a partition index, a topic name's length or the end, none of which can be
    /// FF FF FF FF (-1), so those four bytes are skipped when they are exactly that. Flexible versions are not affected.
    /// </summary>
    private static void SkipMockEpochTail(ref KafkaReader reader, short version)
    {
        if (version < 6 && reader.Remaining >= 4 && reader.PeekInt32() == -1)
        {
            _ = reader.ReadInt32();
        }
    }

    private static long ReadOffset(ref KafkaReader reader, short version)
    {
        _ = reader.ReadInt64(); // timestamp
        var offset = reader.ReadInt64();
        if (version >= 4)
        {
            _ = reader.ReadInt32(); // leader epoch
            SkipMockEpochTail(ref reader, version);
        }

        return offset;
    }
}
