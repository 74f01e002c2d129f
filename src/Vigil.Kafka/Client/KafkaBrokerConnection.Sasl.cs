using System.Buffers.Binary;

namespace Vigil.Kafka;

/// <summary>
/// SASL over SaslHandshake and SaslAuthenticate (KIP-152). With SaslHandshake v0 (brokers before 1.0) the tokens
/// that follow travel raw, each with an int32 size and no Kafka header; with v1 each goes in a SaslAuthenticate.
/// </summary>
internal sealed partial class KafkaBrokerConnection
{
    private async Task AuthenticateAsync(CancellationToken ct)
    {
        try
        {
            await ExchangeSaslAsync(ct).ConfigureAwait(false);
        }
        catch (KafkaException e) when (e is not (KafkaConnectionException or KafkaTimeoutException or KafkaProtocolException))
        {
            throw new KafkaException(e.ErrorCode, e.ErrorName, $"{Describe()}: {e.Message}");
        }
    }

    private async Task ExchangeSaslAsync(CancellationToken ct)
    {
        var mechanism = KafkaSasl.MechanismName(_options.SaslMechanism);
        var handshake = VersionFor(KafkaApi.SaslHandshake);
        var (error, enabled) = await ExchangeAsync(KafkaApi.SaslHandshake, handshake, (w, _) => SaslHandshakeMessage.WriteRequest(w, mechanism), (ref r, _) => SaslHandshakeMessage.ReadResponse(ref r), ct).ConfigureAwait(false);
        if (error != KafkaErrorCodes.None)
        {
            throw new KafkaException(error, KafkaErrorCodes.Name(error), $"SASL mechanism {mechanism} refused ({KafkaErrorCodes.Name(error)}); the broker enables: {string.Join(", ", enabled)}");
        }

        var authenticate = handshake >= 1 ? VersionFor(KafkaApi.SaslAuthenticate) : (short)-1;
        var sasl = KafkaSasl.Create(_options);
        var token = sasl.First();
        while (token is not null)
        {
            var answer = authenticate >= 0
                ? await ExchangeAsync(KafkaApi.SaslAuthenticate, authenticate, (w, v) => SaslAuthenticateMessage.WriteRequest(w, v, token), SaslAuthenticateMessage.ReadResponse, ct).ConfigureAwait(false)
                : await ExchangeRawAsync(token, ct).ConfigureAwait(false);
            token = sasl.Next(answer);
        }
    }

    /// <summary>One raw SASL token each way (after SaslHandshake v0), within the request deadline.</summary>
    private async Task<byte[]> ExchangeRawAsync(byte[] token, CancellationToken ct)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct, _closing.Token);
        deadline.CancelAfter(_options.RequestTimeout);
        try
        {
            var frame = new byte[4 + token.Length];
            BinaryPrimitives.WriteInt32BigEndian(frame, token.Length);
            token.CopyTo(frame, 4);
            await _stream!.WriteAsync(frame, deadline.Token).ConfigureAwait(false);
            _statistics.OnSent(frame.Length);
            var size = new byte[4];
            await _stream.ReadExactlyAsync(size, deadline.Token).ConfigureAwait(false);
            var length = BinaryPrimitives.ReadInt32BigEndian(size);
            if (length is < 0 or > 1024 * 1024)
            {
                throw new KafkaProtocolException($"{Describe()}: SASL token of {length} bytes");
            }

            var answer = new byte[length];
            await _stream.ReadExactlyAsync(answer, deadline.Token).ConfigureAwait(false);
            _statistics.OnReceived(4 + length);
            return answer;
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            throw new KafkaTimeoutException($"SASL exchange with {Describe()} timed out after {_options.RequestTimeout.TotalSeconds:0.###} s");
        }
        catch (EndOfStreamException e)
        {
            // Brokers close the connection on failed authentication when they cannot report it (handshake v0).
            throw new KafkaConnectionException($"{Describe()}: the broker closed the connection during SASL authentication (wrong credentials?)", e);
        }
    }
}
