using System.Diagnostics;
using System.Globalization;
using Vigil.Monitors.Collectors.Http;
using Vigil.Scrape.Loop;
using Vigil.Scrape.Parsing;

namespace Vigil.Monitors.Collectors.Prometheus;

/// <summary>
/// The <c>prometheus</c> protocol: scrapes a Prometheus text or OpenMetrics page as a monitor and keeps every
/// sample under its own name and labels plus the monitor's (issue 7), with the scrape loop's parser and client.
/// The <c>scrape</c> group gets <c>up</c>, <c>scrape_duration_seconds</c> and <c>scrape_samples_scraped</c>, as a
/// Prometheus scrape job would. Stateless: the client, buffer and scratch are the monitor's lease's.
/// </summary>
internal sealed class PrometheusCollector : ICollector
{
    public const string Name = "prometheus";

    // What decides the client: where it connects, how it authenticates, and the limits built into it.
    private static readonly string[] ConnectionFields = ["tls_skip_verify", "username", "password", "bearer_token", "headers", "body_size_limit"];

    public string Protocol => Name;

    public async Task CollectAsync(CollectContext context, CancellationToken cancellationToken)
    {
        var monitor = context.Monitor;
        var url = HttpCollector.ParseUrl(monitor.Text("url"));
        var timeout = context.ParamTimeout();
        var fingerprint = ParamFingerprint.Of(monitor, ConnectionFields, url.Scheme, url.IdnHost, url.Port.ToString(CultureInfo.InvariantCulture));
        var started = Stopwatch.GetTimestamp();
        var scrape = context.Rows.Add("scrape");
        var client = await context.Leases.AcquireAsync(Name, fingerprint, _ => Task.FromResult(new ExpositionClient(monitor)), cancellationToken).ConfigureAwait(false);
        try
        {
            var format = await client.FetchAsync(url, timeout, cancellationToken).ConfigureAwait(false);
            var scraped = AppendSamples(context, client, format);
            scrape?.Set("up", 1).Set("samples", scraped).Set("duration", Stopwatch.GetElapsedTime(started).TotalSeconds);
        }
        catch (ScrapeException ex)
        {
            var reason = ReasonOf(ex);
            if (reason == "connect")
            {
                // A client whose connection failed is disposed and rebuilt with backoff (issue 7, "Connection leases").
                await context.Leases.FailAsync().ConfigureAwait(false);
            }

            scrape?.Set("up", 0).Set("duration", Stopwatch.GetElapsedTime(started).TotalSeconds);
            context.Rows.Samples.Clear();
            context.Rows.Fail(reason, ex.Message);
        }
        finally
        {
            client.Buffer.Release();
        }
    }

    /// <returns>Samples in the page (duplicates included, as scrape_samples_scraped counts them).</returns>
    private static int AppendSamples(CollectContext context, ExpositionClient client, ExpositionFormat format)
    {
        var parser = new ExpositionParser(client.Buffer.Body, format, client.Scratch);
        var samples = context.Rows.Samples;
        var scraped = 0;
        while (parser.TryNext(out var entry))
        {
            if (entry.Kind != ExpositionEntryKind.Sample)
            {
                continue;
            }

            scraped++;
            if (context.Series.Resolve(entry.MetricName, entry.Labels) is { } series)
            {
                // Exposed timestamps are kept, as Prometheus's default honor_timestamps: true does.
                samples.Add(series, entry.TimestampMs, entry.Value);
            }
        }

        return parser.Failed ? throw new ScrapeException("invalid exposition at " + parser.Error.ToString()) : scraped;
    }

    private static string ReasonOf(ScrapeException ex) => ex switch
    {
        { InnerException: HttpRequestException or IOException } => "connect",
        _ when ex.Message.StartsWith("scrape timed out", StringComparison.Ordinal) => "timeout",
        _ when ex.Message.StartsWith("server returned HTTP status", StringComparison.Ordinal) => "status",
        _ when ex.Message.StartsWith("body size limit", StringComparison.Ordinal) => "body_size",
        _ when ex.Message.StartsWith("invalid exposition", StringComparison.Ordinal) => "parse",
        _ => "error",
    };
}
