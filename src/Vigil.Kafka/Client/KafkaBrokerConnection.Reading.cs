using System.Buffers;
using System.Buffers.Binary;
using System.Net.Sockets;

namespace Vigil.Kafka;

/// <summary>The read side: frames off the stream, the read loop, and the one-at-a-time exchanges of the handshake.</summary>
internal sealed partial class KafkaBrokerConnection
{
    /// <summary>Runs until the connection closes; hands each response to the request with its correlation id.</summary>
    private async Task ReadLoopAsync()
    {
        try
        {
            while (true)
            {
                var frame = await ReadFrameAsync(_closing.Token).ConfigureAwait(false);
                Dispatch(frame);
            }
        }
        catch (Exception e)
        {
            Close(ReadFailure(e));
        }
    }

    private void Dispatch(ResponseFrame frame)
    {
        var correlationId = KafkaFraming.ReadCorrelationId(frame.Span);
        PendingRequest? request;
        lock (_pending)
        {
            if (!_pending.Remove(correlationId, out request) && _abandoned.Remove(correlationId))
            {
                frame.Return();
                return;
            }
        }

        if (request is null)
        {
            frame.Return();
            throw new KafkaProtocolException($"{Describe()}: response with correlation id {correlationId}, which no request is waiting for");
        }

        if (!request.Completion.TrySetResult(frame))
        {
            frame.Return();
        }
    }

    /// <summary>Reads one size-prefixed frame; a size outside 4..<see cref="KafkaFraming.MaxResponseSize"/> is malformed.</summary>
    private async Task<ResponseFrame> ReadFrameAsync(CancellationToken ct)
    {
        // One reader at a time (the handshake, then the read loop), so the size buffer is the connection's.
        await _stream!.ReadExactlyAsync(_sizeBuffer, ct).ConfigureAwait(false);
        var size = BinaryPrimitives.ReadInt32BigEndian(_sizeBuffer);
        if (size < 4 || size > KafkaFraming.MaxResponseSize)
        {
            throw new KafkaProtocolException($"{Describe()}: response size {size} is outside 4..{KafkaFraming.MaxResponseSize}");
        }

        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            await _stream.ReadExactlyAsync(buffer.AsMemory(0, size), ct).ConfigureAwait(false);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(buffer);
            throw;
        }

        _statistics.OnReceived(size + KafkaFraming.SizePrefixLength);
        return new ResponseFrame(buffer, size);
    }

    private Exception ReadFailure(Exception e) => e switch
    {
        KafkaException => e,
        EndOfStreamException => new KafkaConnectionException($"{Describe()}: the broker closed the connection", e),
        OperationCanceledException or ObjectDisposedException => new KafkaConnectionException($"{Describe()}: connection closed", e),
        IOException or SocketException => new KafkaConnectionException($"{Describe()}: {e.Message}", e),
        _ => new KafkaConnectionException($"{Describe()}: read failed: {e.Message}", e),
    };

    /// <summary>
    /// One request and its response with nothing else in flight, before the read loop runs (the handshake). The
    /// deadline is the request timeout; past it the caller's connect fails and the connection is dropped.
    /// </summary>
    private async Task<T> ExchangeAsync<T>(KafkaApi api, short version, KafkaRequestWriter write, KafkaResponseReader<T> read, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct, _closing.Token);
        deadline.CancelAfter(_options.RequestTimeout);
        var correlationId = ++_nextCorrelationId;
        try
        {
            var frame = BuildFrame(api, version, correlationId, write);
            await _stream!.WriteAsync(frame, deadline.Token).ConfigureAwait(false);
            _statistics.OnSent(frame.Length);
            var response = await ReadFrameAsync(deadline.Token).ConfigureAwait(false);
            if (KafkaFraming.ReadCorrelationId(response.Span) != correlationId)
            {
                response.Return();
                throw new KafkaProtocolException($"{api.Describe(version)} response from {Describe()}: correlation id {KafkaFraming.ReadCorrelationId(response.Span)}, expected {correlationId}");
            }

            return Parse(api, version, response, read);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new KafkaTimeoutException($"{api.Describe(version)} to {Describe()} timed out after {_options.RequestTimeout.TotalSeconds:0.###} s");
        }
        catch (Exception e) when (e is IOException or SocketException or EndOfStreamException)
        {
            throw ReadFailure(e);
        }
    }

    /// <summary>ApiVersions (v3, or v0 if the broker refuses v3), then SASL when configured.</summary>
    private async Task HandshakeAsync(CancellationToken ct)
    {
        var versions = await ExchangeAsync(KafkaApi.ApiVersions, 3, ApiVersionsMessage.WriteRequest, ApiVersionsMessage.ReadResponse, ct).ConfigureAwait(false);
        if (versions.ErrorCode == KafkaErrorCodes.UnsupportedVersion)
        {
            versions = await ExchangeAsync(KafkaApi.ApiVersions, 0, ApiVersionsMessage.WriteRequest, ApiVersionsMessage.ReadResponse, ct).ConfigureAwait(false);
        }

        if (versions.ErrorCode != KafkaErrorCodes.None)
        {
            throw KafkaException.FromCode(versions.ErrorCode, $"ApiVersions to {Describe()}");
        }

        ApiVersions = versions;
        if (_options.UsesSasl)
        {
            await AuthenticateAsync(ct).ConfigureAwait(false);
        }
    }
}
