namespace Vigil.Kafka;

/// <summary>
/// DescribeGroups (key 15) v0–5. Members' assignments are decoded when the group speaks the consumer protocol
/// (ConsumerProtocolAssignment); any other protocol's assignment is opaque and reported empty.
/// </summary>
internal static class DescribeGroupsMessage
{
    public static void WriteRequest(KafkaWriter writer, short version, IReadOnlyCollection<string> groups)
    {
        var flexible = KafkaApi.DescribeGroups.IsFlexible(version);
        writer.WriteStringArray(groups, flexible);
        if (version >= 3)
        {
            writer.WriteBool(false); // include authorized operations
        }

        writer.EndStruct(flexible);
    }

    public static List<KafkaGroupDescription> ReadResponse(ref KafkaReader reader, short version)
    {
        var flexible = KafkaApi.DescribeGroups.IsFlexible(version);
        if (version >= 1)
        {
            _ = reader.ReadInt32(); // throttle time
        }

        var count = reader.ReadArrayCount(flexible, 7);
        var groups = new List<KafkaGroupDescription>(count);
        for (var i = 0; i < count; i++)
        {
            groups.Add(ReadGroup(ref reader, version, flexible));
        }

        reader.EndStruct(flexible);
        return groups;
    }

    private static KafkaGroupDescription ReadGroup(ref KafkaReader reader, short version, bool flexible)
    {
        var error = reader.ReadInt16();
        var groupId = reader.ReadString(flexible);
        var state = reader.ReadString(flexible);
        var protocolType = reader.ReadString(flexible);
        _ = reader.ReadString(flexible); // protocol data (the assignor's name)
        var count = reader.ReadArrayCount(flexible, 5);
        var members = new KafkaGroupMember[count];
        for (var i = 0; i < count; i++)
        {
            members[i] = ReadMember(ref reader, version, flexible, protocolType == "consumer");
        }

        if (version >= 3)
        {
            _ = reader.ReadInt32(); // authorized operations
        }

        reader.EndStruct(flexible);
        return new KafkaGroupDescription(groupId, error, state, protocolType, members);
    }

    private static KafkaGroupMember ReadMember(ref KafkaReader reader, short version, bool flexible, bool consumerProtocol)
    {
        var memberId = reader.ReadString(flexible);
        if (version >= 4)
        {
            _ = reader.ReadNullableString(flexible); // group instance id
        }

        var clientId = reader.ReadString(flexible);
        var clientHost = reader.ReadString(flexible);
        _ = reader.ReadBytes(flexible); // member metadata (the subscription)
        var assignment = reader.ReadBytes(flexible);
        reader.EndStruct(flexible);
        var partitions = consumerProtocol ? ConsumerAssignment.Decode(assignment) : [];
        return new KafkaGroupMember(memberId, clientId, clientHost, partitions);
    }
}

/// <summary>
/// The consumer protocol's assignment (ConsumerProtocolAssignment.json): int16 version, then [topic string,
/// [partition int32]], classic encoding in every version; later fields (user data) are ignored.
/// </summary>
internal static class ConsumerAssignment
{
    /// <summary>The partitions assigned; empty when the bytes are empty or not a consumer assignment (client data, not the broker's).</summary>
    public static KafkaTopicPartition[] Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return [];
        }

        try
        {
            var reader = new KafkaReader(bytes, "consumer protocol assignment");
            _ = reader.ReadInt16(); // version
            var list = new List<KafkaTopicPartition>();
            var topics = reader.ReadArrayCount(compact: false, 6);
            for (var t = 0; t < topics; t++)
            {
                var topic = reader.ReadString(compact: false);
                foreach (var partition in reader.ReadInt32Array(compact: false))
                {
                    list.Add(new KafkaTopicPartition(topic, partition));
                }
            }

            return [.. list];
        }
        catch (KafkaProtocolException)
        {
            // A member's assignment is whatever its client wrote; a foreign layout is not the broker's fault.
            return [];
        }
    }
}
