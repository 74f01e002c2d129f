using System.Collections.Concurrent;
using Vigil.Kafka;

namespace Vigil.Monitors.Collectors.Kafka;

/// <summary>
/// What one <c>kafka</c> monitor's lease holds: its own <see cref="KafkaAdminClient"/> (never shared, issue 8
/// "Lifetimes") and the buffers its rounds reuse. While alive it is listed in its collector's
/// <see cref="KafkaLiveClients"/>, which is what <c>vigil_monitor_kafka_connections</c> reads; disposing it (edit,
/// pause, delete, failure, shutdown: the lease decides) unlists it and closes the client's sockets.
/// </summary>
internal sealed class KafkaMonitorClient : IAsyncDisposable
{
    private readonly KafkaLiveClients _live;
    private int _disposed;

    private KafkaMonitorClient(KafkaAdminClient admin, KafkaLiveClients live)
    {
        Admin = admin;
        _live = live;
    }

    public KafkaAdminClient Admin { get; }

    /// <summary>The round's series, built without allocation once warm.</summary>
    public KafkaSampleBuilder Samples { get; } = new();

    /// <summary>The kept topics and their partitions of the current round (reused; read only while it runs).</summary>
    public List<KafkaTopicMetadata> KeptTopics { get; } = [];

    public List<KafkaTopicPartition> Partitions { get; } = [];

    public HashSet<string> KeptTopicNames { get; } = new(StringComparer.Ordinal);

    /// <summary>Scratch for consumer-group rounds (lag sums by topic), reused.</summary>
    public Dictionary<string, (long Offset, long Lag, bool LagKnown)> TopicSums { get; } = new(StringComparer.Ordinal);

    public static async Task<KafkaMonitorClient> ConnectAsync(
        Func<KafkaClientOptions, CancellationToken, Task<KafkaAdminClient>> connect, KafkaClientOptions options, KafkaLiveClients live, CancellationToken cancellationToken)
    {
        var admin = await connect(options, cancellationToken).ConfigureAwait(false);
        var client = new KafkaMonitorClient(admin, live);
        live.Add(client);
        return client;
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }

        try
        {
            await Admin.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _live.Remove(this);
        }
    }
}

/// <summary>
/// The Kafka clients alive in one collector (that is, one monitor platform), for the open-connection gauge: it
/// sums their own socket counts, so it shows what the clients hold rather than what the leases believe.
/// </summary>
internal sealed class KafkaLiveClients
{
    private readonly ConcurrentDictionary<KafkaMonitorClient, byte> _clients = new();

    public int Count => _clients.Count;

    /// <summary>The live clients (a snapshot as of enumeration; for statistics, not for collecting).</summary>
    public IEnumerable<KafkaMonitorClient> Clients => _clients.Keys;

    /// <summary>Sockets held now by every live client.</summary>
    public long OpenConnections()
    {
        long open = 0;
        foreach (var client in _clients.Keys)
        {
            open += client.Admin.OpenConnections;
        }

        return open;
    }

    public void Add(KafkaMonitorClient client) => _clients.TryAdd(client, 0);

    public void Remove(KafkaMonitorClient client) => _clients.TryRemove(client, out _);
}
