using System.Globalization;
using System.Net;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;
using Vigil.RemoteWrite.Codec;

namespace Vigil.IntegrationTests.Storage;

/// <summary>
/// Issue 5 acceptance for remote read: "POST /api/v1/read (the Prometheus remote-read protocol, sampled response
/// type), so another Prometheus can read Vigil's data". A real Prometheus 2.42 with Vigil as its remote_read
/// endpoint answers a query over samples that only Vigil holds.
/// </summary>
public sealed class PrometheusRemoteReadTests
{
    [PeerFact("prometheus")]
    public async Task Prometheus_reads_the_samples_vigil_stored_through_remote_read()
    {
        using var dir = new TempDir("prom-rr");
        await using var vigil = await TestVigil.StartAsync(dir: dir);

        // Whole seconds, recent enough for Prometheus's query to reach them; values Prometheus prints exactly.
        long last = DateTimeOffset.UtcNow.ToUnixTimeSeconds() * 1000 - 5_000;
        (long, double)[] samples = [.. Enumerable.Range(0, 12).Select(i => (last - (11 - i) * 10_000L, i * 1.5 - 3))];
        var series = new List<WriteSeries>
        {
            new([("__name__", "vigil_rr_metric"), ("k", "a")], samples),
            new([("__name__", "vigil_rr_metric"), ("k", "b")], [(last, 42)]),
            new([("__name__", "vigil_rr_other"), ("k", "a")], [(last, 1)]),
        };
        Assert.Equal(HttpStatusCode.NoContent, (await vigil.PushAsync(Payloads.V1(series))).StatusCode);

        var config = $"""
            global:
              scrape_interval: 1h
            remote_read:
              - url: http://127.0.0.1:{vigil.Port}/api/v1/read
                read_recent: true
                remote_timeout: 10s
            """;
        await using var prometheus = await PrometheusPeer.StartAsync(dir, config);

        // The feeder may still be catching up: wait until Prometheus sees both series through Vigil.
        string instant = "";
        var deadline = DateTime.UtcNow.AddSeconds(30);
        do
        {
            instant = await PrometheusApi.QueryAtAsync(prometheus.BaseUrl, "vigil_rr_metric", last);
        }
        while (PrometheusApi.ResultCount(instant) < 2 && DateTime.UtcNow < deadline && await Delay());

        Assert.Equal(
            [("a", samples[^1].Item2), ("b", 42.0)],
            Vector(instant).Order());

        string range = await PrometheusApi.QueryAtAsync(prometheus.BaseUrl, "vigil_rr_metric{k=\"a\"}[2m]", last);
        using var document = JsonDocument.Parse(range);
        var values = Assert.Single(document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()).GetProperty("values");
        Assert.Equal(
            samples,
            values.EnumerateArray().Select(v => ((long)Math.Round(v[0].GetDouble() * 1000), double.Parse(v[1].GetString()!, CultureInfo.InvariantCulture))).ToArray());
    }

    private static async Task<bool> Delay()
    {
        await Task.Delay(250);
        return true;
    }

    private static IEnumerable<(string K, double Value)> Vector(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .Select(r => (r.GetProperty("metric").GetProperty("k").GetString()!, double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)))];
    }
}
