namespace Vigil.Kafka;

/// <summary>
/// The admin and metadata side of a Kafka client (issue 8): metadata, offsets, groups, configs, cluster. One per
/// monitor, never shared (the HertzBeat bug this issue exists for). Every call is bounded: each request has the
/// options' deadline and honors the caller's token. Thread-safe; calls may overlap and pipeline on one connection.
/// </summary>
internal sealed partial class KafkaAdminClient : IAsyncDisposable
{
    private readonly KafkaClientOptions _options;
    private readonly KafkaBrokerPool _pool;
    private readonly object _cacheLock = new();
    private Dictionary<string, KafkaTopicMetadata> _topics = [];
    private int _disposed;

    private KafkaAdminClient(KafkaClientOptions options)
    {
        _options = options;
        _pool = new KafkaBrokerPool(options, Statistics, new KafkaNameTable());
    }

    /// <summary>Sockets this client holds now.</summary>
    public int OpenConnections => _pool.OpenConnections;

    public KafkaClientStatistics Statistics { get; } = new();

    /// <summary>
    /// Connects to the first reachable bootstrap server (ApiVersions, then SASL, then Metadata) and learns the
    /// brokers. Throws <see cref="KafkaConnectionException"/> listing each server's failure when none answers.
    /// </summary>
    public static async Task<KafkaAdminClient> ConnectAsync(KafkaClientOptions options, CancellationToken ct)
    {
        Validate(options);
        var client = new KafkaAdminClient(options);
        try
        {
            await client.BootstrapAsync(ct).ConfigureAwait(false);
            return client;
        }
        catch
        {
            await client.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Every topic, internal ones included, in one Metadata request; refreshes the brokers and leaders known.</summary>
    public Task<KafkaClusterMetadata> GetMetadataAsync(CancellationToken ct) =>
        OnAnyBrokerAsync(KafkaApi.Metadata, async connection => Apply(await RequestMetadataAsync(connection, ct).ConfigureAwait(false)), ct);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _pool.DisposeAsync().ConfigureAwait(false);
        }
    }

    private static void Validate(KafkaClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        if (options.BootstrapServers.Count == 0)
        {
            throw new ArgumentException("bootstrap servers: at least one host:port is required", nameof(options));
        }

        if (options.RequestTimeout <= TimeSpan.Zero || options.ConnectTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException("request and connect timeouts must be positive", nameof(options));
        }

        if (options.UsesSasl && (string.IsNullOrEmpty(options.SaslUsername) || options.SaslPassword is null))
        {
            throw new ArgumentException($"security protocol {options.SecurityProtocol} needs a SASL username and password", nameof(options));
        }
    }

    private async Task BootstrapAsync(CancellationToken ct)
    {
        var failures = new List<string>();
        foreach (var endpoint in _options.BootstrapServers)
        {
            try
            {
                await BootstrapFromAsync(endpoint, ct).ConfigureAwait(false);
                return;
            }
            catch (KafkaException e)
            {
                failures.Add(e.Message);
            }
        }

        throw new KafkaConnectionException("no bootstrap server answered: " + string.Join("; ", failures));
    }

    /// <summary>Metadata through a fresh connection to <paramref name="endpoint"/>, kept as that broker's if it is one.</summary>
    private async Task<KafkaClusterMetadata> BootstrapFromAsync(KafkaEndpoint endpoint, CancellationToken ct)
    {
        var connection = await KafkaBrokerConnection.ConnectAsync(endpoint, -1, _options, Statistics, ct, _pool.Names).ConfigureAwait(false);
        try
        {
            var metadata = Apply(await RequestMetadataAsync(connection, ct).ConfigureAwait(false));
            var self = metadata.Brokers.FirstOrDefault(b => new KafkaEndpoint(b.Host, b.Port) == endpoint);
            if (self is not null && _pool.Adopt(connection, self.NodeId))
            {
                connection = null;
            }

            return metadata;
        }
        finally
        {
            if (connection is not null)
            {
                await connection.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static Task<KafkaClusterMetadata> RequestMetadataAsync(KafkaBrokerConnection connection, CancellationToken ct) =>
        connection.RequestAsync(KafkaApi.Metadata, static (w, v) => MetadataMessage.WriteRequest(w, v, null), MetadataMessage.ReadResponse, ct);

    private KafkaClusterMetadata Apply(KafkaClusterMetadata metadata)
    {
        _pool.Update(metadata.Brokers);
        var topics = new Dictionary<string, KafkaTopicMetadata>(metadata.Topics.Count, StringComparer.Ordinal);
        foreach (var topic in metadata.Topics)
        {
            topics[topic.Name] = topic;
        }

        lock (_cacheLock)
        {
            _topics = topics;
            _allPartitions = null;
        }

        return metadata;
    }
}
