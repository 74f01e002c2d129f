using System.Globalization;

namespace Vigil.Kafka;

/// <summary>One <c>host:port</c> of a bootstrap list (or a broker Metadata reported).</summary>
internal readonly record struct KafkaEndpoint(string Host, int Port)
{
    /// <summary>
    /// Parses <c>"host:port,host:port"</c>. Entries are trimmed; empty entries between commas are refused, as is a
    /// missing or out-of-range port. IPv6 literals are written in brackets (<c>[::1]:9092</c>), as Kafka's own
    /// clients expect. Throws <see cref="FormatException"/> naming the bad entry.
    /// </summary>
    public static IReadOnlyList<KafkaEndpoint> ParseList(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var list = new List<KafkaEndpoint>();
        foreach (var raw in text.Split(','))
        {
            list.Add(ParseOne(raw.Trim(), text));
        }

        return list;
    }

    private static KafkaEndpoint ParseOne(string entry, string whole)
    {
        if (entry.Length == 0)
        {
            throw new FormatException($"bootstrap servers \"{whole}\": empty entry (expected host:port[,host:port...])");
        }

        var colon = entry.LastIndexOf(':');
        if (colon <= 0 || colon == entry.Length - 1)
        {
            throw new FormatException($"bootstrap server \"{entry}\": expected host:port");
        }

        var host = entry[..colon];
        if (host.StartsWith('['))
        {
            if (!host.EndsWith(']') || host.Length < 3)
            {
                throw new FormatException($"bootstrap server \"{entry}\": unbalanced brackets around the IPv6 address");
            }

            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            throw new FormatException($"bootstrap server \"{entry}\": write an IPv6 address in brackets, e.g. [::1]:9092");
        }

        if (host.Any(char.IsWhiteSpace))
        {
            throw new FormatException($"bootstrap server \"{entry}\": the host contains white space");
        }

        if (!int.TryParse(entry.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"bootstrap server \"{entry}\": port must be a number from 1 to 65535");
        }

        return new KafkaEndpoint(host, port);
    }

    public override string ToString() => Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]:{Port}" : $"{Host}:{Port}";
}
