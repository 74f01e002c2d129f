namespace Vigil.Tests.Http;

/// <summary><c>/api/v1/series</c>, <c>/api/v1/labels</c> and <c>/api/v1/label/{name}/values</c> over an in-memory head.</summary>
public sealed class SeriesEndpointTests
{
    private static async Task<QueryApiHost> StartWithDataAsync()
    {
        var host = await QueryApiHost.StartAsync();
        await host.AddAsync(
            ("__name__=up,job=api,instance=a", 1_000, 1),
            ("__name__=up,job=web,instance=b", 1_000, 0),
            ("__name__=http_requests_total,job=api,code=200", 1_000, 5),
            ("__name__=http_requests_total,job=api,code=500", 50_000, 1));
        return host;
    }

    [Fact]
    public async Task Series_returns_label_sets_of_every_selector_once_in_label_order()
    {
        await using var host = await StartWithDataAsync();
        var (status, body) = await host.GetAsync("/api/v1/series?match[]=up&match[]={job=\"api\"}&match[]=up{job=\"api\"}");
        Assert.Equal(200, status);
        Assert.Equal(
            "{\"status\":\"success\",\"data\":[" +
            "{\"__name__\":\"http_requests_total\",\"code\":\"200\",\"job\":\"api\"}," +
            "{\"__name__\":\"http_requests_total\",\"code\":\"500\",\"job\":\"api\"}," +
            "{\"__name__\":\"up\",\"instance\":\"a\",\"job\":\"api\"}," +
            "{\"__name__\":\"up\",\"instance\":\"b\",\"job\":\"web\"}]}",
            body);
    }

    [Fact]
    public async Task Series_honours_start_and_end_and_form_posts()
    {
        await using var host = await StartWithDataAsync();
        var (status, body) = await host.PostFormAsync("/api/v1/series", ("match[]", "http_requests_total"), ("start", "10"), ("end", "60"));
        Assert.Equal(200, status);
        Assert.Equal("{\"status\":\"success\",\"data\":[{\"__name__\":\"http_requests_total\",\"code\":\"500\",\"job\":\"api\"}]}", body);

        // Prometheus answers an empty list, not an error, when end is before start.
        Assert.Equal("{\"status\":\"success\",\"data\":[]}", (await host.GetAsync("/api/v1/series?match[]=up&start=5&end=1")).Body);
    }

    [Theory]
    [InlineData("/api/v1/series", "no match[] parameter provided")]
    [InlineData("/api/v1/series?match[]={}", "invalid parameter \\\"match[]\\\": match[] must contain at least one non-empty matcher")]
    [InlineData("/api/v1/series?match[]={a=\"\"}", "invalid parameter \\\"match[]\\\": match[] must contain at least one non-empty matcher")]
    [InlineData("/api/v1/series?match[]=up[5m]", "invalid parameter \\\"match[]\\\": 1:3: parse error: unexpected \\\"[\\\"")]
    [InlineData("/api/v1/series?match[]=up&start=abc", "invalid parameter \\\"start\\\": Invalid time value for 'start': cannot parse \\\"abc\\\" to a valid timestamp")]
    [InlineData("/api/v1/labels?start=abc", "invalid parameter \\\"start\\\": Invalid time value for 'start': cannot parse \\\"abc\\\" to a valid timestamp")]
    [InlineData("/api/v1/labels?match[]={}", "match[] must contain at least one non-empty matcher")]
    [InlineData("/api/v1/label/a-b/values", "invalid label name: \\\"a-b\\\"")]
    [InlineData("/api/v1/label/job/values?end=abc", "invalid parameter \\\"end\\\": Invalid time value for 'end': cannot parse \\\"abc\\\" to a valid timestamp")]
    [InlineData("/api/v1/label/job/values?match[]={}", "match[] must contain at least one non-empty matcher")]
    public async Task Bad_requests_get_prometheus_errors(string request, string error)
    {
        await using var host = await StartWithDataAsync();
        var (status, body) = await host.GetAsync(request);
        Assert.Equal($"{{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"{error}\"}}", body);
        Assert.Equal(400, status);
    }

    [Fact]
    public async Task Labels_and_label_values_with_and_without_match()
    {
        await using var host = await StartWithDataAsync();
        Assert.Equal("{\"status\":\"success\",\"data\":[\"__name__\",\"code\",\"instance\",\"job\"]}", (await host.GetAsync("/api/v1/labels")).Body);
        Assert.Equal("{\"status\":\"success\",\"data\":[\"__name__\",\"instance\",\"job\"]}", (await host.GetAsync("/api/v1/labels?match[]=up")).Body);
        Assert.Equal("{\"status\":\"success\",\"data\":[\"__name__\",\"code\",\"instance\",\"job\"]}", (await host.PostFormAsync("/api/v1/labels", ("match[]", "up"), ("match[]", "http_requests_total"))).Body);
        Assert.Equal("{\"status\":\"success\",\"data\":[\"api\",\"web\"]}", (await host.GetAsync("/api/v1/label/job/values")).Body);
        Assert.Equal("{\"status\":\"success\",\"data\":[\"200\",\"500\"]}", (await host.GetAsync("/api/v1/label/code/values?match[]={job=\"api\"}")).Body);
        Assert.Equal("{\"status\":\"success\",\"data\":[\"http_requests_total\",\"up\"]}", (await host.GetAsync("/api/v1/label/__name__/values")).Body);
        Assert.Equal("{\"status\":\"success\",\"data\":[]}", (await host.GetAsync("/api/v1/label/nonexistent/values")).Body);
    }

    [Fact]
    public async Task Labels_and_label_values_ask_only_storage_that_overlaps_start_and_end()
    {
        // The head holds samples from 1 s to 50 s: a range after it names nothing, one that touches it names all it holds.
        await using var host = await StartWithDataAsync();
        Assert.Equal("{\"status\":\"success\",\"data\":[]}", (await host.GetAsync("/api/v1/labels?start=60&end=120")).Body);
        Assert.Equal("{\"status\":\"success\",\"data\":[]}", (await host.GetAsync("/api/v1/label/job/values?start=60&end=120")).Body);
        Assert.Equal("{\"status\":\"success\",\"data\":[\"api\",\"web\"]}", (await host.GetAsync("/api/v1/label/job/values?start=50&end=120")).Body);
        Assert.Equal("{\"status\":\"success\",\"data\":[]}", (await host.PostFormAsync("/api/v1/labels", ("start", "0"), ("end", "0.5"))).Body);
    }

    [Fact]
    public async Task Methods_follow_prometheus_routes()
    {
        await using var host = await StartWithDataAsync();
        Assert.Equal(405, (int)(await host.Client.PostAsync("/api/v1/label/job/values", null)).StatusCode);
        using var delete = await host.Client.DeleteAsync("/api/v1/series?match[]=up");
        Assert.Equal(500, (int)delete.StatusCode);
        Assert.Equal("{\"status\":\"error\",\"errorType\":\"internal\",\"error\":\"not implemented\"}", await delete.Content.ReadAsStringAsync());
    }
}
