namespace Vigil.Kafka;

/// <summary>What one broker supports: API key → version range; <see cref="ErrorCode"/> 0 when it answered normally.</summary>
internal sealed record KafkaApiVersions(short ErrorCode, IReadOnlyDictionary<short, (short Min, short Max)> Apis)
{
    /// <summary>The highest version both sides support, or -1 when the ranges do not meet or the broker lacks the API.</summary>
    public short Negotiate(KafkaApi api)
    {
        if (!Apis.TryGetValue(api.Key, out var range))
        {
            return -1;
        }

        var high = Math.Min(range.Max, api.MaxVersion);
        return high >= Math.Max(range.Min, api.MinVersion) ? (short)high : (short)-1;
    }
}

/// <summary>ApiVersions (key 18) v0–3; v3 is flexible and names the client software (KIP-511).</summary>
internal static class ApiVersionsMessage
{
    public const string SoftwareName = "vigil";
    public const string SoftwareVersion = "0.1.0";

    public static void WriteRequest(KafkaWriter writer, short version)
    {
        if (version >= 3)
        {
            writer.WriteString(SoftwareName, compact: true);
            writer.WriteString(SoftwareVersion, compact: true);
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>
    /// Reads the answer to a request of <paramref name="version"/>. A broker that does not support that version
    /// answers UNSUPPORTED_VERSION; Kafka brokers then use the v0 layout (KIP-511) but others differ (librdkafka's
    /// mock keeps a compact count), so the body after that error code is skipped: the caller retries with v0.
    /// </summary>
    public static KafkaApiVersions ReadResponse(ref KafkaReader reader, short version)
    {
        var error = reader.ReadInt16();
        if (error == KafkaErrorCodes.UnsupportedVersion && version > 0)
        {
            reader.Take(reader.Remaining, "unsupported-version body");
            return new KafkaApiVersions(error, new Dictionary<short, (short, short)>());
        }

        var flexible = KafkaApi.ApiVersions.IsFlexible(version);
        var count = reader.ReadArrayCount(flexible, 6);
        var apis = new Dictionary<short, (short, short)>(count);
        for (var i = 0; i < count; i++)
        {
            var key = reader.ReadInt16();
            apis[key] = (reader.ReadInt16(), reader.ReadInt16());
            reader.EndStruct(flexible);
        }

        if (version >= 1)
        {
            _ = reader.ReadInt32(); // throttle time
        }

        reader.EndStruct(flexible);
        return new KafkaApiVersions(error, apis);
    }
}
