namespace Vigil.IntegrationTests.Infrastructure;

/// <summary>The one HttpClient tests use to talk to peers; every call has its own timeout.</summary>
internal static class PeerHttp
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(10);

    public static HttpClient Client { get; } = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(2),

        // Ports are reused across peers that come and go; never keep a connection to a dead one.
        PooledConnectionIdleTimeout = TimeSpan.FromSeconds(1),
        UseProxy = false,
    })
    {
        // A backstop only; callers pass shorter per-call timeouts.
        Timeout = TimeSpan.FromMinutes(1),
    };

    /// <summary>GET <paramref name="url"/> and return the body; throws with the body on a non-2xx status.</summary>
    public static async Task<string> GetStringAsync(Uri url, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        return await SendAsync(request, timeout, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Send <paramref name="request"/> and return the body; throws with the body on a non-2xx status.</summary>
    public static async Task<string> SendAsync(HttpRequestMessage request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        var (status, body) = await SendForAnswerAsync(request, timeout, cancellationToken).ConfigureAwait(false);
        if (status is < 200 or >= 300)
        {
            throw new HttpRequestException(
                $"{request.Method} {request.RequestUri} returned {status}: {Truncate(body)}",
                inner: null,
                (System.Net.HttpStatusCode)status);
        }

        return body;
    }

    /// <summary>
    /// Sends <paramref name="request"/> and returns the status and body whatever the status (an API's error
    /// answers are what some tests look at); throws <see cref="TimeoutException"/> past <paramref name="timeout"/>.
    /// </summary>
    public static async Task<(int Status, string Body)> SendForAnswerAsync(HttpRequestMessage request, TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var limit = timeout ?? DefaultTimeout;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(limit);
        try
        {
            using var response = await Client.SendAsync(request, cts.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsStringAsync(cts.Token).ConfigureAwait(false);
            return ((int)response.StatusCode, body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"{request.Method} {request.RequestUri} did not answer within {limit}");
        }
    }

    private static string Truncate(string body) => body.Length <= 1000 ? body : string.Concat(body.AsSpan(0, 1000), "…");
}
