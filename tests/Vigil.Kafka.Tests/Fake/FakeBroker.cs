using System.Buffers.Binary;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using Vigil.Kafka.Tests.Codec;

namespace Vigil.Kafka.Tests.Fake;

/// <summary>A request as the fake broker read it (header decoded, body raw).</summary>
internal sealed record FakeRequest(short ApiKey, short Version, int CorrelationId, byte[] Body, FakeConnection Connection);

/// <summary>Per-connection state of the fake broker, for multi-step exchanges such as SASL.</summary>
internal sealed class FakeConnection
{
    /// <summary>Set after SaslHandshake v0: the next client frame is a raw SASL token, not a Kafka request.</summary>
    public bool RawTokenNext { get; set; }

    public Dictionary<string, object> State { get; } = [];
}

/// <summary>
/// A tiny Kafka broker on 127.0.0.1 for what the librdkafka mock cannot do (SASL, garbled answers). It decodes
/// request headers, asks <see cref="Respond"/> for each body (null closes the connection) and frames the answer
/// with the response header its version calls for. ApiVersions and Metadata have defaults.
/// </summary>
internal sealed class FakeBroker : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Task> _connections = [];
    private readonly Task _accept;
    private readonly X509Certificate2? _tls;

    public FakeBroker(Func<FakeRequest, byte[]?> respond, Func<byte[], FakeConnection, byte[]?>? rawToken = null, X509Certificate2? tls = null)
    {
        Respond = respond;
        _tls = tls;
        RawToken = rawToken ?? ((_, _) => null);
        _listener.Start();
        _accept = AcceptAsync();
    }

    public Func<FakeRequest, byte[]?> Respond { get; }

    public Func<byte[], FakeConnection, byte[]?> RawToken { get; }

    /// <summary>When set and not null for a request, these bytes are sent as they are instead of a framed answer.</summary>
    public Func<FakeRequest, byte[]?>? RawFrame { get; set; }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>The versions advertised: API key → (min, max, first flexible version).</summary>
    public Dictionary<short, (short Min, short Max, short Flexible)> Apis { get; } = new()
    {
        [18] = (0, 3, 3),
        [3] = (0, 1, 9),
        [17] = (0, 1, 99),
        [36] = (0, 2, 2),
    };

    public KafkaClientOptions Options(KafkaSaslMechanism mechanism, string user, string password) => new()
    {
        BootstrapServers = [new KafkaEndpoint("127.0.0.1", Port)],
        SecurityProtocol = KafkaSecurityProtocol.SaslPlaintext,
        SaslMechanism = mechanism,
        SaslUsername = user,
        SaslPassword = password,
        RequestTimeout = TimeSpan.FromSeconds(5),
    };

    /// <summary>The default answers: ApiVersions (from <see cref="Apis"/>) and Metadata v0–1 naming this broker as node 1.</summary>
    public byte[]? Default(FakeRequest request) => request.ApiKey switch
    {
        18 when request.Version > Apis[18].Max => new Fixture().I16(35).I32(0).ToArray(),
        18 => ApiVersionsBody(request.Version),
        3 => new Fixture().I32(1).I32(1).Str("127.0.0.1").I32(Port).If(request.Version >= 1, f => f.NStr(null)).If(request.Version >= 1, f => f.I32(1)).I32(0).ToArray(),
        _ => null,
    };

    public bool IsFlexible(short apiKey, short version) => Apis.TryGetValue(apiKey, out var api) && version >= api.Flexible;

    private byte[] ApiVersionsBody(short version)
    {
        var f = new Fixture(version >= 3).I16(0).Array(Apis.Count);
        foreach (var (key, (min, max, _)) in Apis)
        {
            f.I16(key).I16(min).I16(max).Tags();
        }

        return f.If(version >= 1, x => x.I32(0)).Tags().ToArray();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                var socket = await _listener.AcceptSocketAsync(_stop.Token);
                lock (_connections)
                {
                    _connections.Add(ServeAsync(socket));
                }
            }
        }
        catch (Exception e) when (e is OperationCanceledException or ObjectDisposedException or SocketException)
        {
        }
    }

    private async Task ServeAsync(Socket socket)
    {
        Stream stream = new NetworkStream(socket, ownsSocket: true);
        var connection = new FakeConnection();
        try
        {
            if (_tls is not null)
            {
                var ssl = new SslStream(stream);
                stream = ssl;
                await ssl.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _tls }, _stop.Token);
            }

            while (await ReadFrameAsync(stream) is { } frame)
            {
                var reply = connection.RawTokenNext ? RawReply(frame, connection) : Reply(frame, connection);
                if (reply is null)
                {
                    return;
                }

                await stream.WriteAsync(reply, _stop.Token);
            }
        }
        catch (Exception e) when (e is IOException or OperationCanceledException or SocketException or AuthenticationException)
        {
        }
        finally
        {
            await stream.DisposeAsync();
        }
    }

    private byte[]? RawReply(byte[] token, FakeConnection connection)
    {
        connection.RawTokenNext = false; // PLAIN is one token each way; the next frame is a Kafka request again
        var answer = RawToken(token, connection);
        return answer is null ? null : new Fixture().I32(answer.Length).Raw(answer).ToArray();
    }

    private byte[]? Reply(byte[] frame, FakeConnection connection)
    {
        var key = BinaryPrimitives.ReadInt16BigEndian(frame);
        var version = BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(2));
        var correlationId = BinaryPrimitives.ReadInt32BigEndian(frame.AsSpan(4));
        var clientIdLength = BinaryPrimitives.ReadInt16BigEndian(frame.AsSpan(8));
        var bodyStart = 10 + Math.Max((int)clientIdLength, 0) + (IsFlexible(key, version) ? 1 : 0);
        var request = new FakeRequest(key, version, correlationId, frame[bodyStart..], connection);
        if (RawFrame?.Invoke(request) is { } raw)
        {
            return raw;
        }

        var body = Respond(request);
        if (body is null)
        {
            return null;
        }

        var header = new Fixture().I32(correlationId).If(key != 18 && IsFlexible(key, version), f => f.UVarint(0)).ToArray();
        return new Fixture().I32(header.Length + body.Length).Raw(header).Raw(body).ToArray();
    }

    private async Task<byte[]?> ReadFrameAsync(Stream stream)
    {
        var size = new byte[4];
        try
        {
            await stream.ReadExactlyAsync(size, _stop.Token);
        }
        catch (EndOfStreamException)
        {
            return null;
        }

        var frame = new byte[BinaryPrimitives.ReadInt32BigEndian(size)];
        await stream.ReadExactlyAsync(frame, _stop.Token);
        return frame;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        await _accept;
        Task[] connections;
        lock (_connections)
        {
            connections = [.. _connections];
        }

        await Task.WhenAll(connections);
        _stop.Dispose();
    }
}
