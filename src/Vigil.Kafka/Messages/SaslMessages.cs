namespace Vigil.Kafka;

/// <summary>SaslHandshake (key 17) v0–1: names the mechanism; the broker answers with the ones it enables.</summary>
internal static class SaslHandshakeMessage
{
    public static void WriteRequest(KafkaWriter writer, string mechanism) => writer.WriteString(mechanism, compact: false);

    public static (short ErrorCode, string[] Mechanisms) ReadResponse(ref KafkaReader reader)
    {
        var error = reader.ReadInt16();
        return (error, reader.ReadStringArray(compact: false));
    }
}

/// <summary>SaslAuthenticate (key 36) v0–2: one SASL token each way; v2 is flexible.</summary>
internal static class SaslAuthenticateMessage
{
    public static void WriteRequest(KafkaWriter writer, short version, ReadOnlySpan<byte> token)
    {
        var flexible = KafkaApi.SaslAuthenticate.IsFlexible(version);
        writer.WriteBytes(token, flexible);
        writer.EndStruct(flexible);
    }

    /// <summary>The server's token; an error code becomes a <see cref="KafkaException"/> with the broker's message.</summary>
    public static byte[] ReadResponse(ref KafkaReader reader, short version)
    {
        var flexible = KafkaApi.SaslAuthenticate.IsFlexible(version);
        var error = reader.ReadInt16();
        var message = reader.ReadNullableString(flexible);
        var token = reader.ReadBytes(flexible).ToArray();
        if (version >= 1)
        {
            _ = reader.ReadInt64(); // session lifetime
        }

        reader.EndStruct(flexible);
        if (error != KafkaErrorCodes.None)
        {
            throw KafkaException.FromCode(error, "SASL authentication" + (message is null ? "" : ": " + message));
        }

        return token;
    }
}
