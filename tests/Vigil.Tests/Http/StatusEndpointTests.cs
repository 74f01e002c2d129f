using System.Text.Json;
using Vigil.Hosting;

namespace Vigil.Tests.Http;

/// <summary><c>/api/v1/status/buildinfo</c>, <c>runtimeinfo</c> and <c>tsdb</c>: Prometheus's fields, Vigil's values.</summary>
public sealed class StatusEndpointTests
{
    [Fact]
    public async Task Buildinfo_reports_a_prometheus_compatible_version_and_the_runtime()
    {
        await using var host = await QueryApiHost.StartAsync();
        var data = await host.DataAsync("/api/v1/status/buildinfo");
        Assert.Equal(["version", "revision", "branch", "buildUser", "buildDate", "goVersion"], data.EnumerateObject().Select(p => p.Name));
        Assert.StartsWith("2.42.0+vigil.", data.GetProperty("version").GetString(), StringComparison.Ordinal);
        Assert.StartsWith(".NET ", data.GetProperty("goVersion").GetString(), StringComparison.Ordinal);
        Assert.Matches("^[0-9]{8}-[0-9]{2}:[0-9]{2}:[0-9]{2}$", data.GetProperty("buildDate").GetString());
    }

    [Fact]
    public async Task Runtimeinfo_reports_the_servers_state()
    {
        var runtime = new RuntimeStatus(RuntimeStatus.FormatRetention(TimeSpan.FromDays(15), 3L << 29), () => 3);
        runtime.ConfigLoaded(success: false);
        await using var host = await QueryApiHost.StartAsync(runtime: runtime);
        var data = await host.DataAsync("/api/v1/status/runtimeinfo");
        Assert.Equal(
            ["startTime", "CWD", "reloadConfigSuccess", "lastConfigTime", "corruptionCount", "goroutineCount", "GOMAXPROCS", "GOGC", "GODEBUG", "storageRetention"],
            data.EnumerateObject().Select(p => p.Name));
        Assert.False(data.GetProperty("reloadConfigSuccess").GetBoolean());
        Assert.Equal(3, data.GetProperty("corruptionCount").GetInt64());
        Assert.Equal(Environment.ProcessorCount, data.GetProperty("GOMAXPROCS").GetInt32());
        Assert.True(data.GetProperty("goroutineCount").GetInt32() > 1);
        Assert.Equal(Environment.CurrentDirectory, data.GetProperty("CWD").GetString());
        Assert.Equal("15d or 1GiB512MiB", data.GetProperty("storageRetention").GetString());
        Assert.Matches("^\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ$", data.GetProperty("lastConfigTime").GetString());
        Assert.True(DateTime.Parse(data.GetProperty("startTime").GetString()!, System.Globalization.CultureInfo.InvariantCulture) <= DateTime.Now);
    }

    [Theory]
    [InlineData(15, 0, "15d")]
    [InlineData(0, 1L << 30, "1GiB")]
    [InlineData(0, 100, "100B")]
    [InlineData(0, 0, "")]
    public void Retention_is_printed_as_prometheus_prints_its_flags(int days, long bytes, string expected)
        => Assert.Equal(expected, RuntimeStatus.FormatRetention(TimeSpan.FromDays(days), bytes));

    [Fact]
    public async Task Tsdb_status_counts_the_heads_index()
    {
        await using var host = await QueryApiHost.StartAsync();
        await host.AddAsync(
            ("__name__=up,job=api,instance=a", 1_000, 1),
            ("__name__=up,job=api,instance=bb", 2_000, 1),
            ("__name__=up,job=web,instance=a", 3_000, 1),
            ("__name__=go_goroutines,job=api", 4_000, 9));
        var (status, body) = await host.GetAsync("/api/v1/status/tsdb");
        Assert.Equal(200, status);
        Assert.Equal(
            "{\"status\":\"success\",\"data\":{\"headStats\":{\"numSeries\":4,\"numLabelPairs\":6,\"chunkCount\":4,\"minTime\":1000,\"maxTime\":4000}," +
            "\"seriesCountByMetricName\":[{\"name\":\"up\",\"value\":3},{\"name\":\"go_goroutines\",\"value\":1}]," +
            "\"labelValueCountByLabelName\":[{\"name\":\"__name__\",\"value\":2},{\"name\":\"instance\",\"value\":2},{\"name\":\"job\",\"value\":2}]," +
            "\"memoryInBytesByLabelName\":[{\"name\":\"__name__\",\"value\":19},{\"name\":\"job\",\"value\":12},{\"name\":\"instance\",\"value\":4}]," +
            "\"seriesCountByLabelValuePair\":[{\"name\":\"__name__=up\",\"value\":3},{\"name\":\"job=api\",\"value\":3},{\"name\":\"instance=a\",\"value\":2}," +
            "{\"name\":\"__name__=go_goroutines\",\"value\":1},{\"name\":\"instance=bb\",\"value\":1},{\"name\":\"job=web\",\"value\":1}]}}",
            body);
    }

    [Fact]
    public async Task Tsdb_status_lists_keep_the_ten_largest()
    {
        await using var host = await QueryApiHost.StartAsync();
        var samples = Enumerable.Range(0, 30).SelectMany(m => Enumerable.Range(0, m + 1).Select(i => ($"__name__=m{m:00},i={i}", 1_000L, 1.0))).ToArray();
        await host.AddAsync(samples);
        var data = await host.DataAsync("/api/v1/status/tsdb");
        var metrics = data.GetProperty("seriesCountByMetricName").EnumerateArray().Select(e => (e.GetProperty("name").GetString()!, e.GetProperty("value").GetInt32())).ToList();
        Assert.Equal(Enumerable.Range(20, 10).Reverse().Select(m => ($"m{m:00}", m + 1)), metrics);
        Assert.Equal(10, data.GetProperty("seriesCountByLabelValuePair").GetArrayLength());
        Assert.Equal(samples.Length, data.GetProperty("headStats").GetProperty("numSeries").GetInt32());
    }
}
