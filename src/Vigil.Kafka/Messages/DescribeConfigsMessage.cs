namespace Vigil.Kafka;

/// <summary>A resource DescribeConfigs can describe (its resource type codes).</summary>
internal enum KafkaConfigResourceType : sbyte
{
    Topic = 2,
    Broker = 4,
}

/// <summary>
/// One configuration entry. <see cref="Source"/> is Kafka's ConfigSource (5 = default), -1 before v1, where
/// <see cref="IsDefault"/> comes from the v0 flag instead.
/// </summary>
internal sealed record KafkaConfigEntry(string Name, string? Value, bool ReadOnly, bool IsDefault, bool IsSensitive, sbyte Source);

internal sealed record KafkaConfigResource(KafkaConfigResourceType Type, string Name, short ErrorCode, string? ErrorMessage, IReadOnlyList<KafkaConfigEntry> Entries);

/// <summary>DescribeConfigs (key 32) v0–4; every key of each resource (null key list), no synonyms or documentation.</summary>
internal static class DescribeConfigsMessage
{
    private const sbyte DefaultConfigSource = 5;

    public static void WriteRequest(KafkaWriter writer, short version, IReadOnlyCollection<(KafkaConfigResourceType Type, string Name)> resources)
    {
        var flexible = KafkaApi.DescribeConfigs.IsFlexible(version);
        writer.WriteArrayLength(resources.Count, flexible);
        foreach (var (type, name) in resources)
        {
            writer.WriteInt8((sbyte)type);
            writer.WriteString(name, flexible);
            writer.WriteArrayLength(-1, flexible); // configuration keys: all
            writer.EndStruct(flexible);
        }

        if (version >= 1)
        {
            writer.WriteBool(false); // include synonyms
        }

        if (version >= 3)
        {
            writer.WriteBool(false); // include documentation
        }

        writer.EndStruct(flexible);
    }

    public static List<KafkaConfigResource> ReadResponse(ref KafkaReader reader, short version)
    {
        var flexible = KafkaApi.DescribeConfigs.IsFlexible(version);
        _ = reader.ReadInt32(); // throttle time
        var count = reader.ReadArrayCount(flexible, 7);
        var result = new List<KafkaConfigResource>(count);
        for (var i = 0; i < count; i++)
        {
            var error = reader.ReadInt16();
            var message = reader.ReadNullableString(flexible);
            var type = (KafkaConfigResourceType)reader.ReadInt8();
            var name = reader.ReadString(flexible);
            var entryCount = reader.ReadArrayCount(flexible, 5);
            var entries = new KafkaConfigEntry[entryCount];
            for (var e = 0; e < entryCount; e++)
            {
                entries[e] = ReadEntry(ref reader, version, flexible);
            }

            reader.EndStruct(flexible);
            result.Add(new KafkaConfigResource(type, name, error, message, entries));
        }

        reader.EndStruct(flexible);
        return result;
    }

    private static KafkaConfigEntry ReadEntry(ref KafkaReader reader, short version, bool flexible)
    {
        var name = reader.ReadString(flexible);
        var value = reader.ReadNullableString(flexible);
        var readOnly = reader.ReadBool();
        var isDefault = version == 0 && reader.ReadBool();
        var source = version >= 1 ? reader.ReadInt8() : (sbyte)-1;
        var sensitive = reader.ReadBool();
        if (version >= 1)
        {
            SkipSynonyms(ref reader, flexible);
        }

        if (version >= 3)
        {
            _ = reader.ReadInt8(); // config type
            _ = reader.ReadNullableString(flexible); // documentation
        }

        reader.EndStruct(flexible);
        return new KafkaConfigEntry(name, value, readOnly, version == 0 ? isDefault : source == DefaultConfigSource, sensitive, source);
    }

    private static void SkipSynonyms(ref KafkaReader reader, bool flexible)
    {
        var count = reader.ReadArrayCount(flexible, 4);
        for (var i = 0; i < count; i++)
        {
            _ = reader.ReadString(flexible);
            _ = reader.ReadNullableString(flexible);
            _ = reader.ReadInt8();
            reader.EndStruct(flexible);
        }
    }
}
