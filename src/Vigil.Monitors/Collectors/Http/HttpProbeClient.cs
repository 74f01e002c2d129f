using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Monitors.Collectors.Http;

/// <summary>
/// One monitor's HTTP/1.1 connection, held in its lease: one keep-alive connection at most (a monitor is one
/// connection to its target, never a pool shared with another monitor), redirects followed by the collector so they
/// can be counted, and the certificate chain's earliest expiry captured at each TLS handshake.
/// </summary>
/// <remarks>
/// Not <see cref="HttpClient"/>: its idle connection keeps a 4 KiB read and a 4 KiB write buffer plus a handler,
/// a pool manager and a pool, ~11 KiB per monitor, most of issue 7's RSS at 10,000 monitors (docs/benchmarks.md).
/// Idle, this holds a socket (and its TLS stream); the buffer is rented for one exchange only. Rounds of one monitor
/// never overlap (the scheduler's rule), so one exchange runs at a time.
/// </remarks>
internal sealed partial class HttpProbeClient : IAsyncDisposable
{
    private readonly bool _skipVerify;
    private readonly X509Certificate2Collection? _clientCertificates;
    private long _earliestExpiryMs = long.MinValue;
    // Dispose (the lease closing it on pause, delete or a failed round) can run while an abandoned round is still
    // connecting: the gate keeps "adopt the new socket" and "dispose" apart, so a socket that finishes connecting
    // after dispose is closed rather than kept by a client nobody owns any more (brief, rule 2).
    private readonly Lock _gate = new();
    private bool _disposed;
    private Socket? _socket;
    private Stream? _stream;
    private string? _authority;

    public HttpProbeClient(bool skipVerify, string? clientCertFile, string? clientKeyFile)
    {
        _skipVerify = skipVerify;
        if (clientCertFile is { Length: > 0 })
        {
            _clientCertificates = [X509Certificate2.CreateFromPemFile(clientCertFile, string.IsNullOrEmpty(clientKeyFile) ? null : clientKeyFile)];
        }
    }

    /// <summary>The earliest NotAfter of the last handshake's chain, as unix seconds; null before any TLS handshake.</summary>
    public double? EarliestCertExpiry
    {
        get
        {
            var ms = Interlocked.Read(ref _earliestExpiryMs);
            return ms == long.MinValue ? null : ms / 1000.0;
        }
    }

    /// <summary>Whether a connection is open now (for tests: one per monitor at most).</summary>
    internal bool IsConnected => _stream is not null;

    /// <summary>
    /// Sends <paramref name="request"/> to <paramref name="url"/> and reads the whole response. A kept connection to
    /// another authority (a redirect elsewhere) is closed first. A kept connection that the server closed while idle
    /// fails before any response byte; the request is then sent once more on a new connection, as browsers do.
    /// </summary>
    /// <exception cref="HttpRequestException">Connect, TLS, I/O or protocol failure; the connection is closed.</exception>
    public async Task<ProbeResponse> SendAsync(ProbeRequest request, Uri url, bool keepBody, CancellationToken cancellationToken)
    {
        var authority = url.GetLeftPart(UriPartial.Authority);
        var reused = _stream is not null && string.Equals(_authority, authority, StringComparison.Ordinal);
        if (!reused)
        {
            Close();
            await ConnectAsync(url, authority, cancellationToken).ConfigureAwait(false);
        }

        using var exchange = new Exchange();
        try
        {
            ProbeResponse response;
            try
            {
                response = await exchange.RunAsync(_stream!, request, url, keepBody, cancellationToken).ConfigureAwait(false);
            }
            catch (HttpRequestException) when (reused && !exchange.ReceivedAny && !cancellationToken.IsCancellationRequested)
            {
                Close();
                await ConnectAsync(url, authority, cancellationToken).ConfigureAwait(false);
                response = await exchange.RunAsync(_stream!, request, url, keepBody, cancellationToken).ConfigureAwait(false);
            }

            if (!exchange.KeepAlive)
            {
                Close();
            }

            return response;
        }
        catch
        {
            // Cancelled or failed half-way: what is left on the wire is unknown, so the connection is not reused.
            Close();
            throw;
        }
    }

    public ValueTask DisposeAsync()
    {
        // Closes the monitor's connection now (pause, delete, an edited endpoint).
        lock (_gate)
        {
            _disposed = true;
            Close();
        }

        return ValueTask.CompletedTask;
    }

    private async Task ConnectAsync(Uri url, string authority, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            EndPoint endpoint = IPAddress.TryParse(url.IdnHost, out var ip) ? new IPEndPoint(ip, url.Port) : new DnsEndPoint(url.IdnHost, url.Port);
            await socket.ConnectAsync(endpoint, cancellationToken).ConfigureAwait(false);
            Stream stream = new ProbeSocketStream(socket);
            if (url.Scheme == Uri.UriSchemeHttps)
            {
                stream = await HandshakeAsync(stream, url.IdnHost, cancellationToken).ConfigureAwait(false);
            }

            lock (_gate)
            {
                if (_disposed)
                {
                    stream.Dispose();
                    throw new OperationCanceledException("the monitor's connection was closed while it was being opened");
                }

                (_socket, _stream, _authority) = (socket, stream, authority);
            }
        }
        catch (Exception ex) when (ex is SocketException or IOException or System.Security.Authentication.AuthenticationException)
        {
            socket.Dispose();
            throw new HttpRequestException($"{ex.Message} ({url.IdnHost}:{url.Port})", ex);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private async Task<Stream> HandshakeAsync(Stream inner, string host, CancellationToken cancellationToken)
    {
        var tls = new SslStream(inner, leaveInnerStreamOpen: false);
        try
        {
            var options = new SslClientAuthenticationOptions
            {
                TargetHost = host,
                ClientCertificates = _clientCertificates,
                RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                {
                    Capture(certificate, chain);
                    return _skipVerify || errors == SslPolicyErrors.None;
                },
            };
            await tls.AuthenticateAsClientAsync(options, cancellationToken).ConfigureAwait(false);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private void Close()
    {
        var stream = _stream;
        var socket = _socket;
        (_stream, _socket, _authority) = (null, null, null);
        stream?.Dispose();
        socket?.Dispose();
    }

    private void Capture(X509Certificate? certificate, X509Chain? chain)
    {
        var earliest = DateTimeOffset.MaxValue;
        if (chain is not null)
        {
            foreach (var element in chain.ChainElements)
            {
                earliest = Min(earliest, element.Certificate.NotAfter);
            }
        }

        if (certificate is X509Certificate2 leaf)
        {
            earliest = Min(earliest, leaf.NotAfter);
        }

        if (earliest != DateTimeOffset.MaxValue)
        {
            Interlocked.Exchange(ref _earliestExpiryMs, earliest.ToUnixTimeMilliseconds());
        }
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTime b)
    {
        var other = new DateTimeOffset(b.ToUniversalTime(), TimeSpan.Zero);
        return other < a ? other : a;
    }
}
