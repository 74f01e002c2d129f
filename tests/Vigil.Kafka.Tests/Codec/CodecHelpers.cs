namespace Vigil.Kafka.Tests.Codec;

/// <summary>Writing a request body, or reading a response body, the way the connection does.</summary>
internal static class CodecHelpers
{
    /// <summary>The body a message writes (without size prefix or header).</summary>
    public static byte[] Body(Action<KafkaWriter> write)
    {
        using var writer = new KafkaWriter();
        writer.Reset();
        var start = writer.Length;
        write(writer);
        return writer.WrittenSpan[start..].ToArray();
    }

    /// <summary>Reads a response body and checks nothing is left over.</summary>
    public static T Read<T>(byte[] body, short version, KafkaResponseReader<T> read)
    {
        var reader = new KafkaReader(body, "test response");
        var result = read(ref reader, version);
        reader.ExpectEnd();
        return result;
    }

    public static string Hex(byte[] bytes) => Convert.ToHexString(bytes);
}
