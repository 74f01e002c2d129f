using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace Vigil.Monitors.Collectors.Http;

/// <summary>
/// One monitor's HTTP client, held in its lease: one connection at most (so a monitor is one keep-alive connection
/// to its target, never a pool shared with another monitor), redirects followed by the collector so they can be
/// counted, and the certificate chain's earliest expiry captured at each TLS handshake.
/// </summary>
internal sealed class HttpProbeClient : IAsyncDisposable
{
    private long _earliestExpiryMs = long.MinValue;

    public HttpProbeClient(bool skipVerify, string? clientCertFile, string? clientKeyFile, TimeSpan connectTimeout)
    {
        var handler = new SocketsHttpHandler
        {
            MaxConnectionsPerServer = 1,
            AllowAutoRedirect = false,
            UseCookies = false,
            ConnectTimeout = connectTimeout,
            // Longer than any interval a monitor keeps a connection for; a longer-idle one is reopened.
            PooledConnectionIdleTimeout = TimeSpan.FromMinutes(10),
            AutomaticDecompression = System.Net.DecompressionMethods.None,
        };
        handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
        {
            Capture(certificate, chain);
            return skipVerify || errors == SslPolicyErrors.None;
        };
        if (clientCertFile is { Length: > 0 })
        {
            handler.SslOptions.ClientCertificates = [X509Certificate2.CreateFromPemFile(clientCertFile, string.IsNullOrEmpty(clientKeyFile) ? null : clientKeyFile)];
        }

        Client = new HttpClient(handler, disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan };
    }

    public HttpClient Client { get; }

    /// <summary>The earliest NotAfter of the last handshake's chain, as unix seconds; null before any TLS handshake.</summary>
    public double? EarliestCertExpiry
    {
        get
        {
            var ms = Interlocked.Read(ref _earliestExpiryMs);
            return ms == long.MinValue ? null : ms / 1000.0;
        }
    }

    public ValueTask DisposeAsync()
    {
        // Closes the monitor's connection now, not at the next idle sweep.
        Client.Dispose();
        return ValueTask.CompletedTask;
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
