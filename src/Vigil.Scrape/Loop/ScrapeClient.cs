using System.Globalization;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Vigil.Scrape.Config;
using Vigil.Common.Http;

namespace Vigil.Scrape.Loop;

/// <summary>
/// The HTTP side of one scrape_config: one <see cref="HttpClient"/> over one handler, shared by every target of
/// the job, built once. Each <see cref="ScrapeAsync"/> GETs a target into the caller's <see cref="ScrapeBuffer"/>
/// and enforces scrape_timeout and body_size_limit while reading.
/// </summary>
internal sealed class ScrapeClient : IDisposable
{
    // Prometheus's scrape Accept header (scrape/scrape.go, acceptHeader with OpenMetrics 1.0 preferred).
    internal const string AcceptHeader = "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5,*/*;q=0.1";

    private const int ReadChunk = 16 * 1024;

    private readonly ScrapeConfig _config;
    private readonly HttpClient _http;
    private readonly IReadOnlyDictionary<string, string>? _headers;

    /// <param name="headers">Extra request headers (a <c>prometheus</c> monitor's <c>headers</c> param); none for scrape jobs.</param>
    public ScrapeClient(ScrapeConfig config, IReadOnlyDictionary<string, string>? headers = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        _config = config;
        _headers = headers;
        _http = new HttpClient(HttpHandlerFactory.Create(config.HttpClient), disposeHandler: true)
        {
            // The per-request token below carries scrape_timeout; HttpClient's own timeout would hide the reason.
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>
    /// GETs <paramref name="url"/> into <paramref name="buffer"/> and returns the response's Content-Type. Throws
    /// <see cref="ScrapeException"/> for every target-side failure (status, timeout, size, connection), and
    /// <see cref="OperationCanceledException"/> only when <paramref name="stopping"/> fires.
    /// </summary>
    /// <param name="scrapeTimeout">The target's scrape_timeout (a target may override the job's through relabeling).</param>
    public async Task<string?> ScrapeAsync(Uri url, TimeSpan scrapeTimeout, ScrapeBuffer buffer, CancellationToken stopping)
    {
        ArgumentNullException.ThrowIfNull(url);
        ArgumentNullException.ThrowIfNull(buffer);
        buffer.Reset();
        string timeoutSeconds = scrapeTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        timeout.CancelAfter(scrapeTimeout);
        try
        {
            using HttpRequestMessage request = CreateRequest(url, timeoutSeconds);
            using HttpResponseMessage response = await _http
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                // Prometheus accepts only 200 (scrape/scrape.go: "server returned HTTP status ...").
                throw new ScrapeException(string.Create(CultureInfo.InvariantCulture,
                    $"server returned HTTP status {(int)response.StatusCode} {response.ReasonPhrase}"));
            }

            await ReadBodyAsync(response.Content, buffer, timeout.Token).ConfigureAwait(false);
            return response.Content.Headers.ContentType?.ToString();
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            throw new ScrapeException(string.Create(CultureInfo.InvariantCulture,
                $"scrape timed out after {timeoutSeconds}s (scrape_timeout)"));
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or InvalidDataException && !stopping.IsCancellationRequested)
        {
            throw new ScrapeException(Describe(ex), ex);
        }
    }

    public void Dispose() => _http.Dispose();

    private HttpRequestMessage CreateRequest(Uri url, string timeoutSeconds)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, url);
        if (_config.HttpClient.EnableHttp2 && url.Scheme == Uri.UriSchemeHttps)
        {
            request.Version = HttpVersion.Version20;
            request.VersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
        }

        if (_headers is not null)
        {
            foreach ((string name, string value) in _headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }
        }

        request.Headers.TryAddWithoutValidation("Accept", AcceptHeader);
        // Prometheus asks for gzip only when enable_compression is set, and for identity otherwise.
        request.Headers.TryAddWithoutValidation("Accept-Encoding", _config.EnableCompression ? "gzip" : "identity");
        request.Headers.TryAddWithoutValidation("X-Prometheus-Scrape-Timeout-Seconds", timeoutSeconds);
        request.Headers.UserAgent.Add(new ProductInfoHeaderValue("Vigil", "0.1.0"));
        if (!HttpCredentials.TryCreate(_config.HttpClient, out AuthenticationHeaderValue? auth, out string? error))
        {
            request.Dispose();
            throw new ScrapeException(error!);
        }

        request.Headers.Authorization = auth;
        return request;
    }

    private async Task ReadBodyAsync(HttpContent content, ScrapeBuffer buffer, CancellationToken token)
    {
        long limit = _config.BodySizeLimit > 0 ? _config.BodySizeLimit : long.MaxValue;
        if (content.Headers.ContentLength is long declared && declared > limit && !IsGzip(content))
        {
            throw BodyTooLarge(limit);
        }

        Stream raw = await content.ReadAsStreamAsync(token).ConfigureAwait(false);
        await using Stream stream = IsGzip(content) ? new GZipStream(raw, CompressionMode.Decompress) : raw;
        while (true)
        {
            // Ask for one byte beyond the limit at most, so a gzip bomb is inflated only that far and no further.
            long remaining = limit - buffer.Length;
            int want = remaining >= ReadChunk ? ReadChunk : (int)remaining + 1;
            int read = await stream.ReadAsync(buffer.GetFreeSpace(want)[..want], token).ConfigureAwait(false);
            if (read == 0)
            {
                return;
            }

            buffer.Advance(read);
            if (buffer.Length > limit)
            {
                throw BodyTooLarge(limit);
            }
        }
    }

    private static bool IsGzip(HttpContent content) =>
        content.Headers.ContentEncoding.Any(static e => string.Equals(e, "gzip", StringComparison.OrdinalIgnoreCase));

    private static ScrapeException BodyTooLarge(long limit) =>
        new(string.Create(CultureInfo.InvariantCulture,
            $"body size limit exceeded: the (uncompressed) response is larger than body_size_limit {limit} bytes"));

    private static string Describe(Exception ex) => ex switch
    {
        InvalidDataException => "invalid gzip in the response body: " + ex.Message,
        HttpRequestException { InnerException: { } inner } => ex.Message + " (" + inner.Message + ")",
        _ => ex.Message,
    };
}
