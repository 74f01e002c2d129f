namespace Vigil.Kafka;

/// <summary>Request and response headers (protocol guide, "Common Request and Response Structure", "Headers").</summary>
internal static class KafkaFraming
{
    /// <summary>Every request and response starts with its size as a big-endian int32.</summary>
    public const int SizePrefixLength = 4;

    /// <summary>
    /// The largest response this client accepts: a corrupt size must not make it buffer gigabytes. Metadata of 2,000
    /// topics of 8 partitions is about 1 MiB; 100 MiB is Kafka's own <c>socket.request.max.bytes</c> default.
    /// </summary>
    public const int MaxResponseSize = 100 * 1024 * 1024;

    /// <summary>Starts a frame in <paramref name="writer"/> with the request header for <paramref name="api"/> at <paramref name="version"/>.</summary>
    public static void WriteRequestHeader(KafkaWriter writer, KafkaApi api, short version, int correlationId, string clientId)
    {
        writer.Reset();
        writer.WriteInt16(api.Key);
        writer.WriteInt16(version);
        writer.WriteInt32(correlationId);

        // The client id stays a classic nullable string even in header v2, so any broker can read it.
        writer.WriteNullableString(clientId, compact: false);
        if (api.RequestHeaderVersion(version) >= 2)
        {
            writer.WriteEmptyTaggedFields();
        }
    }

    /// <summary>Reads the correlation id that starts every response (header v0 and v1).</summary>
    public static int ReadCorrelationId(ReadOnlySpan<byte> frame) =>
        frame.Length >= 4 ? System.Buffers.Binary.BinaryPrimitives.ReadInt32BigEndian(frame) : throw new KafkaProtocolException($"response of {frame.Length} bytes is too short for its correlation id");

    /// <summary>Reads the rest of the response header (its tagged fields in v1) after the correlation id.</summary>
    public static void SkipResponseHeader(ref KafkaReader reader, KafkaApi api, short version)
    {
        _ = reader.ReadInt32();
        if (api.ResponseHeaderVersion(version) >= 1)
        {
            reader.SkipTaggedFields();
        }
    }
}
