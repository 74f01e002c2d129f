using System.Text;

namespace Vigil.Kafka;

/// <summary>A client-side SASL exchange: the first token, then each next token from the server's answer (null = done).</summary>
internal abstract class KafkaSasl
{
    public abstract byte[] First();

    /// <summary>The next token to send, or null when the exchange is complete. Throws when the server's answer is wrong.</summary>
    public abstract byte[]? Next(byte[] serverToken);

    public static string MechanismName(KafkaSaslMechanism mechanism) => mechanism switch
    {
        KafkaSaslMechanism.Plain => "PLAIN",
        KafkaSaslMechanism.ScramSha256 => "SCRAM-SHA-256",
        KafkaSaslMechanism.ScramSha512 => "SCRAM-SHA-512",
        _ => throw new ArgumentOutOfRangeException(nameof(mechanism), mechanism, "unknown SASL mechanism"),
    };

    public static KafkaSasl Create(KafkaClientOptions options)
    {
        var user = options.SaslUsername ?? throw new ArgumentException("SASL needs a username", nameof(options));
        var password = options.SaslPassword ?? throw new ArgumentException("SASL needs a password", nameof(options));
        return options.SaslMechanism switch
        {
            KafkaSaslMechanism.Plain => new PlainSasl(user, password),
            KafkaSaslMechanism.ScramSha256 => new ScramSasl(user, password, ScramSasl.Sha256),
            KafkaSaslMechanism.ScramSha512 => new ScramSasl(user, password, ScramSasl.Sha512),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.SaslMechanism, "unknown SASL mechanism"),
        };
    }

    /// <summary>PLAIN (RFC 4616): one message, NUL authzid NUL authcid NUL password; the server's empty answer ends it.</summary>
    private sealed class PlainSasl(string user, string password) : KafkaSasl
    {
        public override byte[] First() => Encoding.UTF8.GetBytes("\0" + user + "\0" + password);

        public override byte[]? Next(byte[] serverToken) => null;
    }
}
