using System.Net.Sockets;

namespace Vigil.Kafka;

/// <summary>Writes a request body at the version chosen for it.</summary>
internal delegate void KafkaRequestWriter(KafkaWriter writer, short version);

/// <summary>Reads a response body (after its header) at the version it was asked with.</summary>
internal delegate T KafkaResponseReader<T>(ref KafkaReader reader, short version);

/// <summary>
/// One TCP (or TLS) connection to one broker. Connecting does the handshake in order, one exchange at a time:
/// ApiVersions (v3, or v0 when the broker refuses v3, as Kafka's clients do), then SASL when configured. After that
/// a read loop matches responses to requests by correlation id, so several requests can be in flight at once
/// (pipelining). Each request has a deadline; a broker that keeps a request past it gets this connection closed,
/// because its later answers could no longer be trusted to be in step. A closed connection fails everything
/// pending on it and is never reused: the pool makes a new one on the next use.
/// </summary>
internal sealed partial class KafkaBrokerConnection : IAsyncDisposable
{
    private readonly KafkaClientOptions _options;
    private readonly KafkaClientStatistics _statistics;
    private readonly KafkaNameTable? _names;
    private readonly KafkaWriter _writer = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly Dictionary<int, PendingRequest> _pending = [];
    private readonly HashSet<int> _abandoned = [];
    private readonly byte[] _sizeBuffer = new byte[KafkaFraming.SizePrefixLength];
    private readonly CancellationTokenSource _closing = new();
    private Socket? _socket;
    private Stream? _stream;
    private Task _readLoop = Task.CompletedTask;
    private Exception? _closedBecause;
    private int _nextCorrelationId;

    private KafkaBrokerConnection(KafkaEndpoint endpoint, int nodeId, KafkaClientOptions options, KafkaClientStatistics statistics, KafkaNameTable? names)
    {
        _names = names;
        Endpoint = endpoint;
        NodeId = nodeId;
        _options = options;
        _statistics = statistics;
    }

    public KafkaEndpoint Endpoint { get; }

    /// <summary>The broker's node id, or -1 for a bootstrap connection until Metadata names it (<see cref="Adopt"/>).</summary>
    public int NodeId { get; private set; }

    /// <summary>What this broker supports; set once the handshake is done.</summary>
    public KafkaApiVersions ApiVersions { get; private set; } = new(0, new Dictionary<short, (short, short)>());

    /// <summary>Whether the connection can take requests (connected, not closed).</summary>
    public bool IsOpen => _closedBecause is null && _socket is not null;

    public string Describe() => NodeId >= 0 ? $"broker {NodeId} ({Endpoint})" : $"bootstrap server {Endpoint}";

    /// <summary>
    /// Connects, negotiates versions and authenticates, all within the connect timeout plus one request deadline
    /// per handshake step. Throws <see cref="KafkaConnectionException"/> naming host:port when that fails.
    /// </summary>
    public static async Task<KafkaBrokerConnection> ConnectAsync(KafkaEndpoint endpoint, int nodeId, KafkaClientOptions options, KafkaClientStatistics statistics, CancellationToken ct, KafkaNameTable? names = null)
    {
        var connection = new KafkaBrokerConnection(endpoint, nodeId, options, statistics, names);
        try
        {
            await connection.OpenSocketAsync(ct).ConfigureAwait(false);
            await connection.HandshakeAsync(ct).ConfigureAwait(false);
            connection._readLoop = connection.ReadLoopAsync();
            return connection;
        }
        catch (Exception e)
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            if (e is KafkaException and not KafkaProtocolException || e is OperationCanceledException && ct.IsCancellationRequested)
            {
                throw;
            }

            throw new KafkaConnectionException($"{connection.Describe()}: {e.Message}", e);
        }
    }

    /// <summary>The version to use for <paramref name="api"/> with this broker; throws when the two share none.</summary>
    public short VersionFor(KafkaApi api)
    {
        var version = ApiVersions.Negotiate(api);
        return version >= 0 ? version : throw new KafkaUnsupportedException($"{Describe()} does not support {api.Name} in versions {api.MinVersion}-{api.MaxVersion}");
    }

    public bool Supports(KafkaApi api) => ApiVersions.Negotiate(api) >= 0;

    /// <summary>A request at the highest version both sides support.</summary>
    public Task<T> RequestAsync<T>(KafkaApi api, KafkaRequestWriter write, KafkaResponseReader<T> read, CancellationToken ct) =>
        SendAsync(api, VersionFor(api), write, read, ct);

    /// <summary>Names a bootstrap connection by the broker Metadata says it reached, so the pool can keep it.</summary>
    public void Adopt(int nodeId) => NodeId = nodeId;

    private async Task OpenSocketAsync(CancellationToken ct)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(ct, _closing.Token);
        timeout.CancelAfter(_options.ConnectTimeout);
        _socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await _socket.ConnectAsync(Endpoint.Host, Endpoint.Port, timeout.Token).ConfigureAwait(false);
            Stream stream = new NetworkStream(_socket, ownsSocket: false);
            if (_options.UsesTls)
            {
                stream = await KafkaTls.AuthenticateAsync(stream, Endpoint, _options, timeout.Token).ConfigureAwait(false);
            }

            _stream = stream;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new KafkaConnectionException($"{Describe()}: connect timed out after {_options.ConnectTimeout.TotalSeconds:0.###} s");
        }
    }

    public async ValueTask DisposeAsync()
    {
        Close(new KafkaConnectionException($"{Describe()}: connection closed by the client"));
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException or KafkaException or SocketException)
        {
            // The loop ends by failing: its reason was recorded by Close already.
        }

        // A send still writing holds the lock; Close cancelled it, so this waits only for it to unwind.
        await _sendLock.WaitAsync().ConfigureAwait(false);
        _writer.Dispose();
        _socket?.Dispose();
        _socket = null;
        _sendLock.Release();
    }
}
