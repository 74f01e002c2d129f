using System.Text.Json;

namespace Vigil.Tests.Http;

/// <summary>
/// The requests Grafana's Prometheus data source sends when it is added and when a dashboard loads (buildinfo,
/// labels and label values with match[] and a time range, series, metadata, query_range with a step, all as form
/// POSTs or GETs as Grafana sends them), against a server that scrapes a target; the answers must have
/// Prometheus's documented shapes.
/// </summary>
public sealed class GrafanaReplayTests
{
    private const string Exposition = """
        # HELP demo_requests_total Requests served.
        # TYPE demo_requests_total counter
        demo_requests_total{code="200"} 10
        demo_requests_total{code="500"} 1
        # HELP demo_temperature_celsius Room temperature.
        # TYPE demo_temperature_celsius gauge
        demo_temperature_celsius{room="a"} 21.5

        """;

    [Fact]
    public async Task A_data_source_and_a_dashboard_get_prometheus_shapes()
    {
        await using var exporter = await TestExporter.StartAsync(Exposition);
        await using var vigil = await TestVigil.StartAsync(Scrape.ScrapeWiringTests.DemoJob(exporter));
        // A scrape can time out on a loaded machine: wait for the head to hold a successful one. Series are indexed
        // before their samples are appended, and an API call with a time range asks the head only once it holds a
        // sample (an empty head overlaps no range), so wait for both.
        var head = vigil.Server.Storage!.Head;
        await WaitForAsync(() => HasSample(head, "demo_temperature_celsius") && HasSample(head, "demo_requests_total") && HasSample(head, "up"));
        long now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        string range = $"start={now - 3600}&end={now + 60}";

        var build = await DataAsync(vigil, "GET", "/api/v1/status/buildinfo");
        Assert.Matches("^2\\.42\\.0\\+vigil\\.", build.GetProperty("version").GetString());

        var labels = await DataAsync(vigil, "POST", "/api/v1/labels", range);
        Assert.Equal(["__name__", "code", "instance", "job", "room"], labels.EnumerateArray().Select(e => e.GetString()));

        var names = await DataAsync(vigil, "GET", $"/api/v1/label/__name__/values?{range}");
        Assert.Contains("demo_requests_total", names.EnumerateArray().Select(e => e.GetString()));
        Assert.Contains("up", names.EnumerateArray().Select(e => e.GetString()));

        var codes = await DataAsync(vigil, "GET", $"/api/v1/label/code/values?match[]=demo_requests_total&{range}");
        Assert.Equal(["200", "500"], codes.EnumerateArray().Select(e => e.GetString()));

        var series = await DataAsync(vigil, "POST", "/api/v1/series", $"match[]=demo_temperature_celsius&{range}");
        var one = Assert.Single(series.EnumerateArray());
        Assert.Equal("a", one.GetProperty("room").GetString());
        Assert.Equal("demo", one.GetProperty("job").GetString());

        var metadata = await DataAsync(vigil, "GET", "/api/v1/metadata");
        Assert.Equal("counter", metadata.GetProperty("demo_requests_total")[0].GetProperty("type").GetString());
        Assert.Equal("Room temperature.", metadata.GetProperty("demo_temperature_celsius")[0].GetProperty("help").GetString());

        var matrix = await DataAsync(vigil, "POST", "/api/v1/query_range", $"query=sum by (code) (demo_requests_total)&start={now - 60}&end={now + 60}&step=15");
        Assert.Equal("matrix", matrix.GetProperty("resultType").GetString());
        var codesSeen = matrix.GetProperty("result").EnumerateArray().Select(r => r.GetProperty("metric").GetProperty("code").GetString()).ToList();
        Assert.Equal(["200", "500"], codesSeen);
        var values = matrix.GetProperty("result")[0].GetProperty("values");
        var point = values[values.GetArrayLength() - 1];
        Assert.Equal(JsonValueKind.Number, point[0].ValueKind);
        Assert.Equal("10", point[1].GetString());

        var instant = await DataAsync(vigil, "GET", "/api/v1/query?query=up");
        Assert.Equal("1", Assert.Single(instant.GetProperty("result").EnumerateArray()).GetProperty("value")[1].GetString());
    }

    private static async Task<JsonElement> DataAsync(TestVigil vigil, string method, string path, string? form = null)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (form is not null)
        {
            request.Content = new FormUrlEncodedContent(form.Split('&').Select(p => p.Split('=', 2)).Select(kv => KeyValuePair.Create(kv[0], kv[1])));
        }

        using var response = await vigil.Client.SendAsync(request);
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, body);
        using var doc = JsonDocument.Parse(body);
        Assert.Equal("success", doc.RootElement.GetProperty("status").GetString());
        return doc.RootElement.GetProperty("data").Clone();
    }

    private static bool HasSample(Vigil.Tsdb.Head head, string metric)
    {
        using var querier = head.Querier();
        using var set = querier.Select(long.MinValue, long.MaxValue, null, Vigil.Tsdb.Storage.LabelMatcher.Equal("__name__", metric));
        return set.MoveNext() && set.Current.Iterator().Next();
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 400 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
