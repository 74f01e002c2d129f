using System.Globalization;
using Vigil.Common.Config;
using Vigil.Monitors.Model;
using Vigil.Scrape.Config;
using Vigil.Scrape.Loop;
using Vigil.Scrape.Parsing;

namespace Vigil.Monitors.Collectors.Prometheus;

/// <summary>
/// One <c>prometheus</c> monitor's scraping client, held in its lease: the scrape loop's <see cref="ScrapeClient"/>
/// (Accept header, gzip, body_size_limit and timeout enforced while reading) built from the monitor's params, with
/// the body buffer and parser scratch reused round to round as a scrape loop reuses its own.
/// </summary>
internal sealed class ExpositionClient : IAsyncDisposable
{
    /// <summary>10 MiB unless the monitor says otherwise; a runaway endpoint must not take the process's memory.</summary>
    public const long DefaultBodySizeLimit = 10 << 20;

    private readonly ScrapeClient _client;

    public ExpositionClient(MonitorDefinition monitor)
    {
        _client = new ScrapeClient(ConfigOf(monitor), monitor.Params.TryGetValue("headers", out var headers) ? headers.Map : null);
    }

    /// <summary>The last body; valid until the next round.</summary>
    public ScrapeBuffer Buffer { get; } = new();

    public ExpositionScratch Scratch { get; } = new();

    /// <summary>GETs the page into <see cref="Buffer"/>; returns its format. Target faults throw <see cref="ScrapeException"/>.</summary>
    public async Task<ExpositionFormat> FetchAsync(Uri url, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var contentType = await _client.ScrapeAsync(url, timeout, Buffer, cancellationToken).ConfigureAwait(false);
        return ExpositionFormat.FromContentType(contentType);
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        Buffer.Dispose();
        return ValueTask.CompletedTask;
    }

    private static ScrapeConfig ConfigOf(MonitorDefinition monitor)
    {
        var http = HttpClientConfig.Default with
        {
            Tls = TlsConfig.Default with { InsecureSkipVerify = monitor.Text("tls_skip_verify") == "true" },
            BasicAuth = monitor.Text("username") is { Length: > 0 } user ? new BasicAuth { Username = user, Password = monitor.Text("password") } : null,
            Authorization = monitor.Text("bearer_token") is { Length: > 0 } token ? new Authorization { Credentials = token } : null,
        };
        var limit = long.TryParse(monitor.Text("body_size_limit"), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) && bytes > 0 ? bytes : DefaultBodySizeLimit;
        return ScrapeConfig.Default with { HttpClient = http, BodySizeLimit = limit };
    }
}
