using System.Security.Cryptography;
using System.Text;

namespace Vigil.Kafka;

/// <summary>How the client secures its connections (Kafka's <c>security.protocol</c>).</summary>
internal enum KafkaSecurityProtocol
{
    Plaintext,
    Ssl,
    SaslPlaintext,
    SaslSsl,
}

/// <summary>The SASL mechanisms the client speaks (Kafka's <c>sasl.mechanism</c>).</summary>
internal enum KafkaSaslMechanism
{
    Plain,
    ScramSha256,
    ScramSha512,
}

/// <summary>Everything that decides which cluster a client talks to, as whom, and how patiently.</summary>
internal sealed record KafkaClientOptions
{
    public required IReadOnlyList<KafkaEndpoint> BootstrapServers { get; init; }

    /// <summary>Sent in every request header; brokers log and quota by it. Default "vigil".</summary>
    public string ClientId { get; init; } = "vigil";

    /// <summary>The deadline of every request, from send to response. Default 10 s.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The deadline of a TCP connect plus the TLS handshake. Default 5 s.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(5);

    public KafkaSecurityProtocol SecurityProtocol { get; init; }

    public KafkaSaslMechanism SaslMechanism { get; init; }

    public string? SaslUsername { get; init; }

    public string? SaslPassword { get; init; }

    public string? TlsCaFile { get; init; }

    public string? TlsCertFile { get; init; }

    public string? TlsKeyFile { get; init; }

    public string? TlsServerName { get; init; }

    public bool TlsInsecureSkipVerify { get; init; }

    /// <summary>
    /// Only where the brokers cannot answer OffsetFetch's "null = all" (v0–1, librdkafka's mock) and every partition
    /// must be listed: how often each group is asked for every partition again, to find topics it began committing
    /// to. Between those asks it is asked only for the topics it had committed to (each group's period is spread over
    /// half to all of this, so the full asks do not fall into one round). Zero lists every partition every time.
    /// Default 5 minutes.
    /// </summary>
    public TimeSpan CommittedTopicsRefresh { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>The clock of <see cref="CommittedTopicsRefresh"/> (tests move it).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    internal bool UsesSasl => SecurityProtocol is KafkaSecurityProtocol.SaslPlaintext or KafkaSecurityProtocol.SaslSsl;

    internal bool UsesTls => SecurityProtocol is KafkaSecurityProtocol.Ssl or KafkaSecurityProtocol.SaslSsl;

    /// <summary>
    /// A stable key over everything that decides what the client talks to (brokers, credentials, TLS, client id), so
    /// a monitor whose fingerprint changes gets a new client (issue 8, "Lifetimes"). Timeouts are left out: changing
    /// them need not drop connections. The password enters only as a SHA-256 hash, so the key can be logged.
    /// </summary>
    public string Fingerprint()
    {
        var text = new StringBuilder();
        text.Append("servers=").AppendJoin(',', BootstrapServers.Select(e => e.ToString())).Append('\n');
        text.Append("client=").Append(ClientId).Append('\n');
        text.Append("security=").Append(SecurityProtocol).Append('\n');
        if (UsesSasl)
        {
            text.Append("sasl=").Append(SaslMechanism).Append('\n');
            text.Append("user=").Append(SaslUsername).Append('\n');
            text.Append("password=").Append(Hash(SaslPassword)).Append('\n');
        }

        if (UsesTls)
        {
            text.Append("ca=").Append(TlsCaFile).Append("\ncert=").Append(TlsCertFile).Append("\nkey=").Append(TlsKeyFile);
            text.Append("\nserver=").Append(TlsServerName).Append("\nskip=").Append(TlsInsecureSkipVerify).Append('\n');
        }

        return Hash(text.ToString());
    }

    private static string Hash(string? value) =>
        value is null ? "-" : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(value)));
}
