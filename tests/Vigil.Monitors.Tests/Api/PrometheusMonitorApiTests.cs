using Vigil.Monitors.Tests.Collectors;

namespace Vigil.Monitors.Tests.Api;

/// <summary>A <c>prometheus</c> monitor end to end: its scraped series in the instance WAL, staleness, failure.</summary>
public sealed class PrometheusMonitorApiTests
{
    private const string Labels = "app=\"prometheus\", monitor=\"scr\", team=\"db\"}";
    private const string Requests = "{__name__=\"demo_requests_total\", " + Labels;
    private const string Temperature = "{__name__=\"demo_temperature\", " + Labels;
    private const string Up = "{__name__=\"vigil_monitor_up\", " + Labels;

    [Fact]
    public async Task ScrapedSeriesReachTheWalAndGoStaleWhenTheyDisappear()
    {
        await using var server = new ExpositionServer("demo_requests_total 5\ndemo_temperature 21.5\n");
        await using var api = await MonitorApi.StartAsync();
        var id = (string)(await api.CreateAsync($$$"""
            {"name": "scr", "app": "prometheus", "interval": "1s", "labels": {"team": "db"}, "params": {"url": "{{{server.Url}}}"}}
            """))["id"]!;
        var series = await WaitForWalAsync(api, s => s.GetValueOrDefault(Temperature) == 21.5);
        Assert.Equal(5, series[Requests]);
        Assert.Equal(1, series["{__name__=\"up\", " + Labels]);
        Assert.Equal(2, series["{__name__=\"scrape_samples_scraped\", " + Labels]);

        // The temperature leaves the page: the next round marks it stale and keeps the counter going.
        server.Serve("demo_requests_total 6\n");
        series = await WaitForWalAsync(api, s => s.GetValueOrDefault(Requests) == 6);
        Assert.True(IsStale(series[Temperature]));

        // A broken page fails the monitor with the parser's reason and marks every scraped series stale.
        server.Serve("demo_requests_total 7\n{ not exposition\n");
        var monitor = await api.WaitForAsync(id, m => (string?)m["status"] == "down");
        Assert.Contains("invalid exposition", (string?)monitor["last_error"], StringComparison.Ordinal);
        series = await WaitForWalAsync(api, s => IsStale(s.GetValueOrDefault(Requests)));
        Assert.Equal(0, series[Up]);
        Assert.True(series["{__name__=\"vigil_monitor_collect_errors_total\", " + Labels.Replace("team", "reason=\"parse\", team", StringComparison.Ordinal)] >= 1);

        // And a good page brings them back.
        server.Serve("demo_requests_total 8\n");
        series = await WaitForWalAsync(api, s => s.GetValueOrDefault(Requests) == 8);
        Assert.Equal(1, series[Up]);
    }

    [Fact]
    public async Task TheTestEndpointShowsTheScrapedSamples()
    {
        await using var server = new ExpositionServer("demo_requests_total{code=\"200\"} 5\ndemo_ratio +Inf\n");
        await using var api = await MonitorApi.StartAsync();
        var (status, body) = await api.SendAsync(HttpMethod.Post, "/api/v1/monitors/test", $$$"""
            {"name": "once", "app": "prometheus", "params": {"url": "{{{server.Url}}}"}}
            """);
        Assert.Equal(200, status);
        Assert.Equal("up", (string?)body["status"]);
        var samples = body["samples"]!.AsArray();
        Assert.Equal(2, samples.Count);
        Assert.Equal("200", (string?)samples[0]!["labels"]!["code"]);
        Assert.Equal("once", (string?)samples[0]!["labels"]!["monitor"]);
        Assert.Equal("5", (string?)samples[0]!["value"]);
        Assert.Equal("+Inf", (string?)samples[1]!["value"]);
    }

    private static bool IsStale(double value) => BitConverter.DoubleToUInt64Bits(value) == 0x7ff0000000000002;

    private static async Task<Dictionary<string, double>> WaitForWalAsync(MonitorApi api, Func<Dictionary<string, double>, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        var series = api.WalSeries();
        while (!done(series) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            series = api.WalSeries();
        }

        Assert.True(done(series), string.Join("\n", series.Select(s => s.Key + " " + s.Value)));
        return series;
    }
}
