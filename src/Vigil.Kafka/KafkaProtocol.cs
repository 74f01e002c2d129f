namespace Vigil.Kafka;

/// <summary>Placeholder until the client lands (issue 8); keeps the project non-empty.</summary>
internal static class KafkaProtocol
{
    /// <summary>Every request starts with its size as a big-endian int32 (protocol guide, "Common Request and Response Structure").</summary>
    public const int SizePrefixLength = 4;
}
