using System.Buffers;

namespace Vigil.Kafka;

/// <summary>Sending requests and matching responses by correlation id.</summary>
internal sealed partial class KafkaBrokerConnection
{
    /// <summary>
    /// Sends one request and reads its response, within the request timeout (and <paramref name="ct"/>). Fails with
    /// <see cref="KafkaTimeoutException"/> (naming the API and broker) past the deadline, closing the connection;
    /// with <see cref="KafkaConnectionException"/> when the connection fails; with <see cref="KafkaProtocolException"/>
    /// when the response cannot be read.
    /// </summary>
    public async Task<T> SendAsync<T>(KafkaApi api, short version, KafkaRequestWriter write, KafkaResponseReader<T> read, CancellationToken ct)
    {
        var pending = new PendingRequest(api, version);
        var correlationId = await WriteRequestAsync(api, version, write, pending, ct).ConfigureAwait(false);
        ResponseFrame frame;
        try
        {
            frame = await pending.Completion.Task.WaitAsync(_options.RequestTimeout, ct).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            Forget(correlationId);
            var error = new KafkaTimeoutException($"{api.Describe(version)} to {Describe()} timed out after {_options.RequestTimeout.TotalSeconds:0.###} s");
            Close(error);
            throw error;
        }
        catch (OperationCanceledException)
        {
            // The caller gave up: the answer will still come, so the connection stays in step; drop it when it does.
            Forget(correlationId);
            throw;
        }

        return Parse(api, version, frame, read);
    }

    private async Task<int> WriteRequestAsync(KafkaApi api, short version, KafkaRequestWriter write, PendingRequest pending, CancellationToken ct)
    {
        await _sendLock.WaitAsync(ct).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();
            var correlationId = Interlocked.Increment(ref _nextCorrelationId);
            var frame = BuildFrame(api, version, correlationId, write);
            int inFlight;
            lock (_pending)
            {
                _pending[correlationId] = pending;
                inFlight = _pending.Count;
            }

            _statistics.OnInFlight(inFlight);

            try
            {
                await _stream!.WriteAsync(frame, _closing.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
            {
                var error = new KafkaConnectionException($"{Describe()}: sending {api.Describe(version)} failed: {e.Message}", e);
                Close(error);
                throw error;
            }

            _statistics.OnSent(frame.Length);
            return correlationId;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private ReadOnlyMemory<byte> BuildFrame(KafkaApi api, short version, int correlationId, KafkaRequestWriter write)
    {
        KafkaFraming.WriteRequestHeader(_writer, api, version, correlationId, _options.ClientId);
        write(_writer, version);
        return _writer.Finish();
    }

    private T Parse<T>(KafkaApi api, short version, ResponseFrame frame, KafkaResponseReader<T> read)
    {
        try
        {
            var reader = new KafkaReader(frame.Span, $"{api.Describe(version)} response from {Describe()}", _names);
            KafkaFraming.SkipResponseHeader(ref reader, api, version);
            var result = read(ref reader, version);
            reader.ExpectEnd();
            return result;
        }
        finally
        {
            frame.Return();
        }
    }

    /// <summary>Stops waiting for a request; its answer, if it comes, is then dropped by the read loop.</summary>
    private void Forget(int correlationId)
    {
        lock (_pending)
        {
            if (_pending.Remove(correlationId))
            {
                _abandoned.Add(correlationId);
            }
        }
    }

    private void ThrowIfClosed()
    {
        if (_closedBecause is { } reason)
        {
            throw reason as KafkaConnectionException ?? new KafkaConnectionException($"{Describe()}: connection closed: {reason.Message}", reason);
        }
    }

    /// <summary>Closes the connection once: records why, fails every pending request with it, stops the read loop.</summary>
    private void Close(Exception reason)
    {
        List<PendingRequest> failed;
        lock (_pending)
        {
            if (_closedBecause is not null)
            {
                return;
            }

            _closedBecause = reason;
            failed = [.. _pending.Values];
            _pending.Clear();
        }

        _closing.Cancel();
        _stream?.Dispose();
        _socket?.Close();
        var asConnectionError = reason as KafkaConnectionException ?? new KafkaConnectionException($"{Describe()}: connection closed: {reason.Message}", reason);
        foreach (var request in failed)
        {
            request.Completion.TrySetException(asConnectionError);
        }
    }

    /// <summary>A request waiting for its response.</summary>
    private sealed class PendingRequest(KafkaApi api, short version)
    {
        public KafkaApi Api { get; } = api;

        public short Version { get; } = version;

        public TaskCompletionSource<ResponseFrame> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>A received frame (after the size prefix) in a rented buffer; the one who parses it returns it.</summary>
    private readonly record struct ResponseFrame(byte[] Buffer, int Length)
    {
        public ReadOnlySpan<byte> Span => Buffer.AsSpan(0, Length);

        public void Return() => ArrayPool<byte>.Shared.Return(Buffer);
    }
}
