namespace Vigil.Kafka;

/// <summary>
/// The client's connections: at most one per broker, keyed by node id, made on first use. A connection that closed
/// is replaced on the next use; a connect that failed is retried only after a backoff (100 ms, doubling to 2 s), and
/// until then a use fails at once with the last error, so a dead broker costs no time per call.
/// </summary>
internal sealed partial class KafkaBrokerPool : IAsyncDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    private readonly KafkaClientOptions _options;
    private readonly KafkaClientStatistics _statistics;
    private readonly Dictionary<int, BrokerSlot> _brokers = [];
    private readonly CancellationTokenSource _disposing = new();
    private bool _disposed;

    public KafkaBrokerPool(KafkaClientOptions options, KafkaClientStatistics statistics, KafkaNameTable names)
    {
        Names = names;
        _options = options;
        _statistics = statistics;
    }

    /// <summary>The client's topic names, shared by its connections.</summary>
    public KafkaNameTable Names { get; }

    /// <summary>Open sockets now, over every broker (a closed connection's socket is closed at once, even before it is replaced).</summary>
    public int OpenConnections
    {
        get
        {
            lock (_brokers)
            {
                return _brokers.Values.Count(s => s.Connection?.IsOpen == true);
            }
        }
    }

    public IReadOnlyList<int> NodeIds
    {
        get
        {
            lock (_brokers)
            {
                return [.. _brokers.Keys.Order()];
            }
        }
    }

    /// <summary>The connection to broker <paramref name="nodeId"/>, connecting (or reconnecting) when needed.</summary>
    public async Task<KafkaBrokerConnection> GetAsync(int nodeId, CancellationToken ct)
    {
        Task<KafkaBrokerConnection> connecting;
        lock (_brokers)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (!_brokers.TryGetValue(nodeId, out var slot))
            {
                throw new KafkaConnectionException($"broker {nodeId} is not in the cluster's metadata");
            }

            connecting = slot.Current(this);
        }

        return await connecting.WaitAsync(ct).ConfigureAwait(false);
    }

    /// <summary>Whether broker <paramref name="nodeId"/> has an open connection now (no connect is started).</summary>
    public bool IsConnected(int nodeId)
    {
        lock (_brokers)
        {
            return _brokers.TryGetValue(nodeId, out var slot) && slot.Connection?.IsOpen == true;
        }
    }

    /// <summary>
    /// Makes the broker list Metadata reported the pool's: new brokers are added, moved ones get their new address
    /// (their old connection closed), and gone ones are closed and dropped.
    /// </summary>
    public void Update(IReadOnlyList<KafkaBroker> brokers)
    {
        var closing = new List<KafkaBrokerConnection>();
        lock (_brokers)
        {
            foreach (var broker in brokers)
            {
                var endpoint = new KafkaEndpoint(broker.Host, broker.Port);
                if (_brokers.TryGetValue(broker.NodeId, out var slot) && slot.Endpoint == endpoint)
                {
                    continue;
                }

                slot?.Detach(closing);
                _brokers[broker.NodeId] = new BrokerSlot(broker.NodeId, endpoint);
            }

            foreach (var gone in _brokers.Keys.Where(id => !brokers.Any(b => b.NodeId == id)).ToList())
            {
                _brokers[gone].Detach(closing);
                _brokers.Remove(gone);
            }
        }

        CloseInBackground(closing);
    }

    /// <summary>Adds a broker known only from FindCoordinator (not yet in cached metadata).</summary>
    public void AddIfMissing(int nodeId, KafkaEndpoint endpoint)
    {
        lock (_brokers)
        {
            _brokers.TryAdd(nodeId, new BrokerSlot(nodeId, endpoint));
        }
    }

    /// <summary>
    /// Keeps a bootstrap connection as broker <paramref name="nodeId"/>'s when that broker has none yet and the
    /// addresses match; returns false (the caller closes it) otherwise.
    /// </summary>
    public bool Adopt(KafkaBrokerConnection connection, int nodeId)
    {
        lock (_brokers)
        {
            // A pool disposed while the bootstrap connection was being made (a lease closed mid-round) keeps nothing:
            // the caller then closes the connection instead of leaving it in a pool nobody disposes again.
            if (_disposed || !_brokers.TryGetValue(nodeId, out var slot) || slot.Endpoint != connection.Endpoint || slot.Connection is not null || slot.Connecting is not null)
            {
                return false;
            }

            connection.Adopt(nodeId);
            slot.Set(connection);
            return true;
        }
    }

    public async ValueTask DisposeAsync()
    {
        var closing = new List<KafkaBrokerConnection>();
        List<Task<KafkaBrokerConnection>> connecting;
        lock (_brokers)
        {
            _disposed = true;
            connecting = [.. _brokers.Values.Select(s => s.Connecting).OfType<Task<KafkaBrokerConnection>>()];
            foreach (var slot in _brokers.Values)
            {
                slot.Detach(closing);
            }

            _brokers.Clear();
        }

        await _disposing.CancelAsync().ConfigureAwait(false);
        foreach (var task in connecting)
        {
            // A connect in progress ends promptly once cancelled; one that still succeeds is closed here.
            try
            {
                closing.Add(await task.ConfigureAwait(false));
            }
            catch (Exception e) when (e is KafkaException or OperationCanceledException or ObjectDisposedException)
            {
            }
        }

        foreach (var connection in closing.Distinct())
        {
            await connection.DisposeAsync().ConfigureAwait(false);
        }

        _disposing.Dispose();
    }

    private static void CloseInBackground(List<KafkaBrokerConnection> connections)
    {
        foreach (var connection in connections)
        {
            _ = connection.DisposeAsync().AsTask();
        }
    }
}
