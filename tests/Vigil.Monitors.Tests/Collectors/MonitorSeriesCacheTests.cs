using Vigil.Monitors.Collectors;
using Vigil.Monitors.Collectors.Http;
using Vigil.Monitors.Collectors.Prometheus;
using Vigil.Monitors.Metrics;
using Vigil.Monitors.Model;

namespace Vigil.Monitors.Tests.Collectors;

public sealed class MonitorSeriesCacheTests
{
    private static async Task<MonitorSeriesCache> RoundAsync(ICollector collector, MonitorDefinition monitor)
    {
        var cache = new MonitorSeriesCache(MonitorSeriesCache.BaseLabels(monitor));
        var template = ProbeRound.Template(monitor.App);
        var rows = new CollectionRows(template);
        rows.Reset(_ => true);
        await using var leases = new ConnectionLeases(ConnectionMetrics.Unregistered());
        cache.BeginRound();
        await collector.CollectAsync(new CollectContext(monitor, template, rows, leases, TimeSpan.FromSeconds(5), cache), CancellationToken.None);
        Assert.Null(rows.FailureReason);
        return cache;
    }

    [Fact]
    public async Task OnlyAMonitorThatScrapesBuildsAScrapeCache()
    {
        // Issue 7: 10,000 website monitors each kept an empty scrape cache (dictionaries and a key buffer) before.
        await using var http = new CountingHttpServer("ok");
        var website = await RoundAsync(new HttpCollector(), HttpCollectorTests.Monitor("w", http.Url));
        Assert.False(website.IsBuilt);
        Assert.Empty(website.Series);
        website.Sweep();

        await using var exposition = new ExpositionServer("up_total 1\nother 2\n");
        var scraping = await RoundAsync(new PrometheusCollector(), ProbeRound.Monitor("prometheus", "p", ("url", exposition.Url)));
        Assert.True(scraping.IsBuilt);
        Assert.Equal(2, scraping.Series.Count());
    }
}
