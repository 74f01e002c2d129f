namespace Vigil.Kafka;

/// <summary>A broker answered with an error code; <see cref="ErrorName"/> is Kafka's name for it.</summary>
internal class KafkaException : Exception
{
    public KafkaException(short errorCode, string errorName, string message)
        : base(message)
    {
        ErrorCode = errorCode;
        ErrorName = errorName;
    }

    public KafkaException(string message, Exception? inner = null)
        : base(message, inner)
    {
        ErrorName = "";
    }

    public short ErrorCode { get; }

    public string ErrorName { get; }

    /// <summary>An exception for a broker's error code, naming the code, its name and what was asked.</summary>
    public static KafkaException FromCode(short code, string context) =>
        new(code, KafkaErrorCodes.Name(code), $"{context}: {KafkaErrorCodes.Name(code)} (error code {code})");
}

/// <summary>No connection could be made or kept; the message names host:port.</summary>
internal sealed class KafkaConnectionException : KafkaException
{
    public KafkaConnectionException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}

/// <summary>A request passed its deadline; the message names the API and the broker.</summary>
internal sealed class KafkaTimeoutException : KafkaException
{
    public KafkaTimeoutException(string message)
        : base(message)
    {
    }
}

/// <summary>No broker supports an API the caller needs; the message names the API.</summary>
internal sealed class KafkaUnsupportedException : KafkaException
{
    public KafkaUnsupportedException(string message)
        : base(message)
    {
    }
}

/// <summary>A response could not be decoded; the message says what was read where.</summary>
internal sealed class KafkaProtocolException : KafkaException
{
    public KafkaProtocolException(string message)
        : base(message)
    {
    }
}
