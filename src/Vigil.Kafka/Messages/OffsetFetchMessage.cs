namespace Vigil.Kafka;

/// <summary>
/// One group's committed offsets (-1 where nothing is committed) and its group-level error code.
/// <see cref="NullTopics"/> is set when the broker answered with a null topic array, which Kafka never does: it
/// means the broker did not understand "null = all topics" (librdkafka's mock), and the partitions must be listed.
/// </summary>
internal sealed record KafkaGroupOffsets(string GroupId, short ErrorCode, List<KafkaPartitionOffset> Partitions, bool NullTopics = false);

/// <summary>
/// OffsetFetch (key 9) v0–8. From v2 a null topic list asks for every partition the group committed; v0–1 must list
/// them. v8 asks for several groups at once (KIP-709).
/// </summary>
internal static class OffsetFetchMessage
{
    /// <summary>
    /// Asks for <paramref name="groups"/>' offsets: all committed ones (<paramref name="partitions"/> null, v2+), or
    /// those partitions. Before v8 exactly one group is allowed.
    /// </summary>
    public static void WriteRequest(KafkaWriter writer, short version, IReadOnlyList<string> groups, IReadOnlyDictionary<string, List<int>>? partitions)
    {
        var flexible = KafkaApi.OffsetFetch.IsFlexible(version);
        if (partitions is null && version < 2)
        {
            throw new ArgumentException($"OffsetFetch v{version} cannot ask for all topics", nameof(partitions));
        }

        if (version < 8)
        {
            writer.WriteString(KafkaApi.OffsetFetch.Single(version, groups), flexible);
            WriteTopics(writer, partitions, flexible);
        }
        else
        {
            writer.WriteArrayLength(groups.Count, flexible);
            foreach (var group in groups)
            {
                writer.WriteString(group, flexible);
                WriteTopics(writer, partitions, flexible);
                writer.EndStruct(flexible);
            }
        }

        if (version >= 7)
        {
            writer.WriteBool(false); // require stable: report what is committed now, pending transactions or not
        }

        writer.EndStruct(flexible);
    }

    public static List<KafkaGroupOffsets> ReadResponse(ref KafkaReader reader, short version, string singleGroup)
    {
        var flexible = KafkaApi.OffsetFetch.IsFlexible(version);
        if (version >= 3)
        {
            _ = reader.ReadInt32(); // throttle time
        }

        var result = new List<KafkaGroupOffsets>();
        if (version < 8)
        {
            var nullTopics = reader.Remaining >= 4 && !flexible && reader.PeekInt32() == -1;
            var partitions = ReadTopics(ref reader, version, flexible);
            var error = version >= 2 ? reader.ReadInt16() : KafkaErrorCodes.None;
            result.Add(new KafkaGroupOffsets(singleGroup, error, partitions, nullTopics));
        }
        else
        {
            var count = reader.ReadArrayCount(flexible, 4);
            for (var i = 0; i < count; i++)
            {
                var group = reader.ReadString(flexible);
                var partitions = ReadTopics(ref reader, version, flexible);
                result.Add(new KafkaGroupOffsets(group, reader.ReadInt16(), partitions));
                reader.EndStruct(flexible);
            }
        }

        reader.EndStruct(flexible);
        return result;
    }

    private static void WriteTopics(KafkaWriter writer, IReadOnlyDictionary<string, List<int>>? partitions, bool flexible)
    {
        if (partitions is null)
        {
            writer.WriteArrayLength(-1, flexible);
            return;
        }

        writer.WriteArrayLength(partitions.Count, flexible);
        foreach (var (topic, indexes) in partitions)
        {
            writer.WriteString(topic, flexible);
            writer.WriteInt32Array(indexes, flexible);
            writer.EndStruct(flexible);
        }
    }

    private static List<KafkaPartitionOffset> ReadTopics(ref KafkaReader reader, short version, bool flexible)
    {
        var list = new List<KafkaPartitionOffset>();
        var topics = reader.ReadArrayCount(flexible, 3);
        for (var t = 0; t < topics; t++)
        {
            var topic = reader.ReadName(flexible);
            var partitions = reader.ReadArrayCount(flexible, 15);
            for (var p = 0; p < partitions; p++)
            {
                var index = reader.ReadInt32();
                var offset = reader.ReadInt64();
                if (version >= 5)
                {
                    _ = reader.ReadInt32(); // committed leader epoch
                }

                _ = reader.ReadNullableString(flexible); // metadata
                list.Add(new KafkaPartitionOffset(new KafkaTopicPartition(topic, index), offset, reader.ReadInt16()));
                reader.EndStruct(flexible);
            }

            reader.EndStruct(flexible);
        }

        return list;
    }
}
