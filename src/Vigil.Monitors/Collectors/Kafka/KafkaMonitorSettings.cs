using System.Text.RegularExpressions;
using Vigil.Kafka;
using Vigil.Monitors.Model;

namespace Vigil.Monitors.Collectors.Kafka;

/// <summary>
/// A <c>kafka</c> monitor's params, read once per round: the client's options (what its lease is keyed by) and the
/// topic and group filters. Bad params are the monitor's <c>config</c> error, never an exception of another kind.
/// </summary>
internal sealed record KafkaMonitorSettings
{
    public required KafkaClientOptions Client { get; init; }

    public required NameFilter Topics { get; init; }

    public required NameFilter Groups { get; init; }

    public bool IncludeInternal { get; init; }

    /// <summary>The <c>consumer_groups</c> param: the groups to watch when no broker supports ListGroups.</summary>
    public IReadOnlyList<string> ConsumerGroups { get; init; } = [];

    /// <param name="requestTimeout">Every request's deadline (the client's RequestTimeout and ConnectTimeout).</param>
    /// <exception cref="CollectException">Reason <c>config</c>, naming the param.</exception>
    public static KafkaMonitorSettings From(MonitorDefinition monitor, TimeSpan requestTimeout)
    {
        var client = new KafkaClientOptions
        {
            BootstrapServers = Servers(monitor.Text("bootstrap_servers")),
            RequestTimeout = requestTimeout,
            ConnectTimeout = requestTimeout,
            SecurityProtocol = SecurityProtocol(monitor.Text("security_protocol")),
            SaslMechanism = SaslMechanism(monitor.Text("sasl_mechanism")),
            SaslUsername = NullIfEmpty(monitor.Text("username")),
            SaslPassword = NullIfEmpty(monitor.Text("password")),
            TlsCaFile = NullIfEmpty(monitor.Text("tls_ca_file")),
            TlsCertFile = NullIfEmpty(monitor.Text("tls_cert_file")),
            TlsKeyFile = NullIfEmpty(monitor.Text("tls_key_file")),
            TlsServerName = NullIfEmpty(monitor.Text("tls_server_name")),
            TlsInsecureSkipVerify = monitor.Text("tls_insecure_skip_verify") == "true",
        };
        return new KafkaMonitorSettings
        {
            Client = client,
            Topics = NameFilter.Parse("topic", monitor.Text("topic_include"), monitor.Text("topic_exclude")),
            Groups = NameFilter.Parse("group", monitor.Text("group_include"), monitor.Text("group_exclude")),
            IncludeInternal = monitor.Text("include_internal") == "true",
            ConsumerGroups = [.. (monitor.Text("consumer_groups") ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct(StringComparer.Ordinal)],
        };
    }

    private static IReadOnlyList<KafkaEndpoint> Servers(string? text)
    {
        try
        {
            return KafkaEndpoint.ParseList(text ?? "");
        }
        catch (FormatException ex)
        {
            throw new CollectException("config", "bootstrap_servers: " + ex.Message, ex);
        }
    }

    // The template's select options; anything else cannot pass ParamValidator, but a stored monitor of an older
    // template version could still hold it.
    private static KafkaSecurityProtocol SecurityProtocol(string? text) => text switch
    {
        null or "" or "plaintext" => KafkaSecurityProtocol.Plaintext,
        "ssl" => KafkaSecurityProtocol.Ssl,
        "sasl_plaintext" => KafkaSecurityProtocol.SaslPlaintext,
        "sasl_ssl" => KafkaSecurityProtocol.SaslSsl,
        _ => throw new CollectException("config", $"security_protocol: unknown value '{text}'; one of plaintext, ssl, sasl_plaintext, sasl_ssl"),
    };

    private static KafkaSaslMechanism SaslMechanism(string? text) => text switch
    {
        null or "" or "PLAIN" => KafkaSaslMechanism.Plain,
        "SCRAM-SHA-256" => KafkaSaslMechanism.ScramSha256,
        "SCRAM-SHA-512" => KafkaSaslMechanism.ScramSha512,
        _ => throw new CollectException("config", $"sasl_mechanism: unknown value '{text}'; one of PLAIN, SCRAM-SHA-256, SCRAM-SHA-512"),
    };

    private static string? NullIfEmpty(string? text) => string.IsNullOrEmpty(text) ? null : text;
}

/// <summary>
/// kafka_exporter's <c>topic.filter</c>/<c>topic.exclude</c> pair: a name is kept when the include regex matches
/// somewhere in it and the exclude regex does not (unanchored, as Go's MatchString). Non-backtracking, so a
/// monitor's pattern cannot stall a round.
/// </summary>
internal sealed class NameFilter
{
    private readonly Regex? _include;
    private readonly Regex? _exclude;

    private NameFilter(Regex? include, Regex? exclude)
    {
        _include = include;
        _exclude = exclude;
    }

    /// <exception cref="CollectException">Reason <c>config</c>: a pattern does not compile.</exception>
    public static NameFilter Parse(string what, string? include, string? exclude) =>
        new(Compile(what + "_include", include), Compile(what + "_exclude", exclude));

    public bool Keeps(string name) => (_include?.IsMatch(name) ?? true) && !(_exclude?.IsMatch(name) ?? false);

    private static Regex? Compile(string param, string? pattern)
    {
        if (string.IsNullOrEmpty(pattern) || pattern == ".*")
        {
            return null;
        }

        try
        {
            return new Regex(pattern, RegexOptions.NonBacktracking | RegexOptions.CultureInvariant);
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
        {
            // NotSupportedException: a construct the non-backtracking engine refuses (backreferences, lookarounds).
            throw new CollectException("config", $"{param}: invalid regex '{pattern}': {ex.Message}", ex);
        }
    }
}
