using System.Globalization;
using Vigil.Common.Metrics;
using Vigil.Kafka;

namespace Vigil.Monitors.Collectors.Kafka;

/// <summary>
/// The <c>kafka</c> protocol (issue 8): one round asks the monitor's own cluster for its metadata, the earliest and
/// latest offsets of the kept partitions (one ListOffsets per leader broker for each), its consumer groups, their
/// members and committed offsets, and DescribeCluster where the brokers have it, and writes kafka_exporter's series.
/// Shared by every kafka monitor, it keeps no per-target state: each monitor's client lives in its lease, keyed by
/// the client options' fingerprint, so two monitors can never see each other's cluster (the HertzBeat bug).
/// </summary>
internal sealed class KafkaCollector : ICollector, ICollectorMetrics
{
    public const string Name = "kafka";

    private readonly Func<KafkaClientOptions, CancellationToken, Task<KafkaAdminClient>> _connect;

    /// <param name="connect">How a lease's client is connected; tests wrap it to see the moment a new client starts.</param>
    public KafkaCollector(Func<KafkaClientOptions, CancellationToken, Task<KafkaAdminClient>>? connect = null)
    {
        _connect = connect ?? KafkaAdminClient.ConnectAsync;
    }

    public string Protocol => Name;

    /// <summary>The clients alive now (one per kafka monitor with an open lease).</summary>
    public KafkaLiveClients LiveClients { get; } = new();

    /// <summary>Once per scheduler (the platform's life), never per client or round (the brief's rule 1).</summary>
    public void RegisterMetrics(MetricsScope scope) =>
        scope.Gauge("vigil_monitor_kafka_connections", "Sockets to Kafka brokers held by the kafka monitors' clients, as the clients count them.")
            .SetSource(() => LiveClients.OpenConnections());

    public async Task CollectAsync(CollectContext context, CancellationToken cancellationToken)
    {
        var requestTimeout = RequestTimeout(context);
        var settings = KafkaMonitorSettings.From(context.Monitor, requestTimeout);
        var client = await AcquireAsync(context, settings, requestTimeout, cancellationToken).ConfigureAwait(false);
        await new KafkaRound(context, client, settings, cancellationToken).RunAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Every request's deadline: the monitor's <c>timeout</c>, but at most a third of the round's hard timeout, so a
    /// broker that never answers costs one request's deadline and the round still reports the rest on time.
    /// </summary>
    internal static TimeSpan RequestTimeout(CollectContext context)
    {
        var own = context.ParamTimeout();
        var share = context.Timeout / 3;
        return own < share ? own : share;
    }

    private async Task<KafkaMonitorClient> AcquireAsync(CollectContext context, KafkaMonitorSettings settings, TimeSpan requestTimeout, CancellationToken cancellationToken)
    {
        // The client options' own fingerprint, keyed per process as every lease key is (ParamFingerprint: the API shows
        // it, and the options' digest hashes the password without a key). The request timeout is baked into the
        // client, so a changed timeout builds a new one.
        var fingerprint = ParamFingerprint.Of(context.Monitor, [], settings.Client.Fingerprint(), requestTimeout.Ticks.ToString(CultureInfo.InvariantCulture));
        try
        {
            return await context.Leases.AcquireAsync(Name, fingerprint, ct => KafkaMonitorClient.ConnectAsync(_connect, settings.Client, LiveClients, ct), cancellationToken).ConfigureAwait(false);
        }
        catch (KafkaException ex)
        {
            // The lease has already started its backoff; the next rounds say "waiting to reconnect" until it ends.
            throw new CollectException(KafkaRound.ReasonOf(ex), ex.Message, ex);
        }
    }
}
