using Vigil.Monitors.Collectors;
using Vigil.Monitors.Collectors.Prometheus;
using Vigil.Monitors.Templates;

namespace Vigil.Monitors.Tests.Collectors;

public sealed class PrometheusCollectorTests
{
    private const string Page = """
        # HELP demo_requests_total Requests.
        # TYPE demo_requests_total counter
        demo_requests_total{code="200"} 5
        demo_requests_total{code="500"} 2
        demo_requests_total{code="500"} 9
        demo_temperature{monitor="inner"} 21.5

        """;

    [Theory]
    [InlineData("demo_ok 1\nthis is { not exposition\n", "200 OK", "parse", "invalid exposition")]
    [InlineData("demo_ok 1\n", "503 Service Unavailable", "status", "HTTP status 503")]
    [InlineData("# a comment padded well past the limit of 64 bytes ...........................\n", "200 OK", "body_size", "body size limit")]
    public async Task ABadPageFailsTheMonitorWithAReason(string page, string status, string reason, string message)
    {
        await using var server = new ExpositionServer("");
        server.Serve(page, status);
        var (scrape, failed, text) = await ProbeRound.RunAsync(new PrometheusCollector(), Monitor(server.Url, ("body_size_limit", "64")));
        Assert.Equal(reason, failed);
        Assert.Contains(message, text, StringComparison.Ordinal);
        Assert.Equal(0, scrape["up"]);
    }

    [Fact]
    public async Task ARefusedConnectionIsAConnectFailure()
    {
        var (scrape, failed, _) = await ProbeRound.RunAsync(new PrometheusCollector(), Monitor("http://127.0.0.1:1/metrics"));
        Assert.Equal("connect", failed);
        Assert.Equal(0, scrape["up"]);
    }

    [Theory]
    [InlineData("text/plain; version=0.0.4", Page)]
    [InlineData("application/openmetrics-text; version=1.0.0; charset=utf-8", Page + "# EOF\n")]
    public async Task EverySampleIsKeptWithTheMonitorsLabels(string contentType, string page)
    {
        await using var server = new ExpositionServer(page, contentType);
        var monitor = Monitor(server.Url) with { Labels = new Dictionary<string, string> { ["team"] = "web" } };
        var template = ProbeRound.Template("prometheus");
        var rows = new CollectionRows(template);
        rows.Reset(_ => true);
        await using var leases = new ConnectionLeases(Metrics.ConnectionMetrics.Unregistered());
        var context = new CollectContext(monitor, template, rows, leases, TimeSpan.FromSeconds(5));
        context.Series.BeginRound();
        await new PrometheusCollector().CollectAsync(context, CancellationToken.None);

        Assert.Null(rows.FailureReason);
        var samples = Enumerable.Range(0, rows.Samples.Count).Select(i => (rows.Samples[i].Series.ToString(), rows.Samples[i].Value)).ToList();
        Assert.Equal(
        [
            ("{__name__=\"demo_requests_total\", app=\"prometheus\", code=\"200\", monitor=\"p\", team=\"web\"}", 5),
            // The second sample of a series in one page is dropped, as Prometheus keeps the first.
            ("{__name__=\"demo_requests_total\", app=\"prometheus\", code=\"500\", monitor=\"p\", team=\"web\"}", 2),
            // A scraped label that clashes with the monitor's is kept as exported_<name> (no honor_labels).
            ("{__name__=\"demo_temperature\", app=\"prometheus\", exported_monitor=\"inner\", monitor=\"p\", team=\"web\"}", 21.5),
        ], samples);
        var scrape = rows.Groups[0][0];
        Assert.Equal(1, scrape.Values[template.Metrics[0].IndexOf("up")]);
        Assert.Equal(4, scrape.Values[template.Metrics[0].IndexOf("samples")]);
    }

    internal static Model.MonitorDefinition Monitor(string url, params (string Field, string Value)[] extra) =>
        ProbeRound.Monitor("prometheus", "p", [("url", url), .. extra]);
}
