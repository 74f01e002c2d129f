using System.Net;
using System.Text.Json;

namespace Vigil.Tests.Http;

/// <summary>The query API in a running server: pushed samples answer PromQL, and the status endpoints see the server.</summary>
public sealed class QueryApiServerTests
{
    [Fact]
    public async Task Pushed_samples_are_queryable_through_the_engine()
    {
        await using var vigil = await TestVigil.StartAsync();
        var series = Payloads.Series(count: 3, samplesPerSeries: 4, startMs: 1_700_000_000_000);
        Assert.Equal(HttpStatusCode.NoContent, (await vigil.PushAsync(Payloads.V1(series))).StatusCode);
        // The head reads the WAL after the write is acknowledged, the series record before the samples: wait until the
        // feeder has counted all 12 samples, not just the series.
        for (int i = 0; i < 200 && !(await vigil.Client.GetStringAsync("/metrics")).Contains("vigil_tsdb_wal_samples_total{instance=\"default\"} 12\n", StringComparison.Ordinal); i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(3, vigil.Server.Storage!.Head.SeriesCount);

        string body = await vigil.Client.GetStringAsync("/api/v1/query?query=sum(vigil_test_metric)&time=1700000000.003");
        Assert.Equal("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{},\"value\":[1700000000.003,\"7.5\"]}]}}", body);

        using var series1 = JsonDocument.Parse(await vigil.Client.GetStringAsync("/api/v1/series?match[]=vigil_test_metric{series=\"1\"}"));
        Assert.Equal("{\"__name__\":\"vigil_test_metric\",\"job\":\"test\",\"series\":\"1\"}", series1.RootElement.GetProperty("data")[0].GetRawText());

        using var tsdb = JsonDocument.Parse(await vigil.Client.GetStringAsync("/api/v1/status/tsdb"));
        Assert.Equal(3, tsdb.RootElement.GetProperty("data").GetProperty("headStats").GetProperty("numSeries").GetInt32());
    }

    [Fact]
    public async Task Runtimeinfo_follows_reloads()
    {
        await using var vigil = await TestVigil.StartAsync("metrics:\n  configs:\n    - name: default\n");
        Assert.True(await ReloadSuccessAsync(vigil));
        await vigil.WriteConfigAsync("metrics: [not, a, map]\n");
        Assert.Equal(HttpStatusCode.BadRequest, (await vigil.ReloadAsync()).StatusCode);
        Assert.False(await ReloadSuccessAsync(vigil));
    }

    [Fact]
    public async Task Without_storage_queries_are_unavailable_but_status_answers()
    {
        await using var vigil = await TestVigil.StartAsync("storage:\n  enabled: false\n");
        using var response = await vigil.Client.GetAsync("/api/v1/query?query=up");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("storage.enabled: false", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        using var runtime = JsonDocument.Parse(await vigil.Client.GetStringAsync("/api/v1/status/runtimeinfo"));
        Assert.Equal("", runtime.RootElement.GetProperty("data").GetProperty("storageRetention").GetString());
    }

    private static async Task<bool> ReloadSuccessAsync(TestVigil vigil)
    {
        using var doc = JsonDocument.Parse(await vigil.Client.GetStringAsync("/api/v1/status/runtimeinfo"));
        return doc.RootElement.GetProperty("data").GetProperty("reloadConfigSuccess").GetBoolean();
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        for (int i = 0; i < 200 && !condition(); i++)
        {
            await Task.Delay(50);
        }

        Assert.True(condition());
    }
}
