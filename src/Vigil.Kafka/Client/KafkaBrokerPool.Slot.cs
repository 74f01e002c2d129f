namespace Vigil.Kafka;

/// <summary>One broker's place in the pool: its address, its connection or connect in progress, its backoff.</summary>
internal sealed partial class KafkaBrokerPool
{
    private async Task<KafkaBrokerConnection> ConnectSlotAsync(BrokerSlot slot)
    {
        KafkaBrokerConnection connection;
        try
        {
            connection = await KafkaBrokerConnection.ConnectAsync(slot.Endpoint, slot.NodeId, _options, _statistics, _disposing.Token, Names).ConfigureAwait(false);
        }
        catch (Exception e)
        {
            lock (_brokers)
            {
                slot.Failed(e);
            }

            throw;
        }

        lock (_brokers)
        {
            if (!slot.Detached && slot.Connection is not { IsOpen: true })
            {
                slot.Set(connection);
                return connection;
            }

            if (!slot.Detached && slot.Connection is { } adopted)
            {
                // A bootstrap connection was adopted meanwhile: keep that one, close this.
                slot.ClearConnecting();
                _ = connection.DisposeAsync().AsTask();
                return adopted;
            }
        }

        await connection.DisposeAsync().ConfigureAwait(false);
        throw new KafkaConnectionException($"broker {slot.NodeId} ({slot.Endpoint}): left the pool while connecting");
    }

    /// <summary>Guarded by the pool's lock.</summary>
    private sealed class BrokerSlot(int nodeId, KafkaEndpoint endpoint)
    {
        private Task<KafkaBrokerConnection>? _open;
        private Exception? _lastError;
        private DateTime _retryAfter;
        private int _failures;

        public int NodeId { get; } = nodeId;

        public KafkaEndpoint Endpoint { get; } = endpoint;

        public KafkaBrokerConnection? Connection { get; private set; }

        public Task<KafkaBrokerConnection>? Connecting { get; private set; }

        public bool Detached { get; private set; }

        /// <summary>The open connection, the connect in progress, a new connect, or the backoff's failure.</summary>
        public Task<KafkaBrokerConnection> Current(KafkaBrokerPool pool)
        {
            if (Connection is { IsOpen: true } && _open is not null)
            {
                return _open;
            }

            if (Connecting is not null)
            {
                return Connecting;
            }

            if (Connection is { } closed)
            {
                // Closed since its last use (broker restart, idle timeout, a deadline passed): reconnect right away.
                Connection = null;
                _open = null;
                CloseInBackground([closed]);
            }

            var wait = _retryAfter - DateTime.UtcNow;
            if (wait > TimeSpan.Zero && _lastError is not null)
            {
                return Task.FromException<KafkaBrokerConnection>(new KafkaConnectionException(
                    $"broker {NodeId} ({Endpoint}): not reconnecting for another {wait.TotalMilliseconds:0} ms after: {_lastError.Message}", _lastError));
            }

            Connecting = Task.Run(() => pool.ConnectSlotAsync(this));
            return Connecting;
        }

        public void Set(KafkaBrokerConnection connection)
        {
            Connection = connection;
            Connecting = null;
            _open = Task.FromResult(connection);
            _failures = 0;
            _lastError = null;
        }

        public void ClearConnecting() => Connecting = null;

        public void Failed(Exception error)
        {
            Connecting = null;
            _failures++;
            _lastError = error;
            var backoff = FirstBackoff * Math.Pow(2, Math.Min(_failures - 1, 10));
            _retryAfter = DateTime.UtcNow + (backoff < MaxBackoff ? backoff : MaxBackoff);
        }

        /// <summary>Leaves the pool: the connection goes to <paramref name="closing"/>, a connect in progress closes its result.</summary>
        public void Detach(List<KafkaBrokerConnection> closing)
        {
            Detached = true;
            if (Connection is not null)
            {
                closing.Add(Connection);
            }

            Connection = null;
            _open = null;
        }
    }
}
