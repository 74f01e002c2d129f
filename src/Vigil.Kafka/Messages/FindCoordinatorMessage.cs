namespace Vigil.Kafka;

/// <summary>The coordinator a broker named for one key (a group id), or the error that stopped it.</summary>
internal sealed record KafkaCoordinator(string Key, short ErrorCode, string? ErrorMessage, int NodeId, string Host, int Port);

/// <summary>
/// FindCoordinator (key 10) v0–4, for group coordinators (key type 0). v4 asks for several keys in one request
/// (KIP-699); older versions ask for one.
/// </summary>
internal static class FindCoordinatorMessage
{
    public const sbyte GroupKeyType = 0;

    public static void WriteRequest(KafkaWriter writer, short version, IReadOnlyList<string> groups)
    {
        var flexible = KafkaApi.FindCoordinator.IsFlexible(version);
        if (version < 4)
        {
            writer.WriteString(KafkaApi.FindCoordinator.Single(version, groups), flexible);
        }

        if (version >= 1)
        {
            writer.WriteInt8(GroupKeyType);
        }

        if (version >= 4)
        {
            writer.WriteStringArray(groups, flexible);
        }

        writer.EndStruct(flexible);
    }

    /// <summary>One entry per key; for v0–3 the single key is <paramref name="singleKey"/>.</summary>
    public static List<KafkaCoordinator> ReadResponse(ref KafkaReader reader, short version, string singleKey)
    {
        var flexible = KafkaApi.FindCoordinator.IsFlexible(version);
        if (version >= 1)
        {
            _ = reader.ReadInt32(); // throttle time
        }

        var result = new List<KafkaCoordinator>();
        if (version < 4)
        {
            var error = reader.ReadInt16();
            var message = version >= 1 ? reader.ReadNullableString(flexible) : null;
            result.Add(new KafkaCoordinator(singleKey, error, message, reader.ReadInt32(), reader.ReadString(flexible), reader.ReadInt32()));
        }
        else
        {
            var count = reader.ReadArrayCount(flexible, 13);
            for (var i = 0; i < count; i++)
            {
                var key = reader.ReadString(flexible);
                var node = reader.ReadInt32();
                var host = reader.ReadString(flexible);
                var port = reader.ReadInt32();
                var error = reader.ReadInt16();
                result.Add(new KafkaCoordinator(key, error, reader.ReadNullableString(flexible), node, host, port));
                reader.EndStruct(flexible);
            }
        }

        reader.EndStruct(flexible);
        return result;
    }
}
