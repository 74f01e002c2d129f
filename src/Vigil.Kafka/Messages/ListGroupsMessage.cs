namespace Vigil.Kafka;

/// <summary>ListGroups (key 16) v0–4: the groups one broker coordinates. v4 adds a state filter (sent empty: all).</summary>
internal static class ListGroupsMessage
{
    public static void WriteRequest(KafkaWriter writer, short version)
    {
        var flexible = KafkaApi.ListGroups.IsFlexible(version);
        if (version >= 4)
        {
            writer.WriteArrayLength(0, flexible); // states filter
        }

        writer.EndStruct(flexible);
    }

    /// <summary>The broker's error code, and its groups (appended to <paramref name="into"/>).</summary>
    public static short ReadResponse(ref KafkaReader reader, short version, List<KafkaGroupListing> into)
    {
        var flexible = KafkaApi.ListGroups.IsFlexible(version);
        if (version >= 1)
        {
            _ = reader.ReadInt32(); // throttle time
        }

        var error = reader.ReadInt16();
        var count = reader.ReadArrayCount(flexible, 2);
        for (var i = 0; i < count; i++)
        {
            var group = reader.ReadString(flexible);
            var protocolType = reader.ReadString(flexible);
            if (version >= 4)
            {
                _ = reader.ReadString(flexible); // group state
            }

            reader.EndStruct(flexible);
            into.Add(new KafkaGroupListing(group, protocolType));
        }

        reader.EndStruct(flexible);
        return error;
    }
}
