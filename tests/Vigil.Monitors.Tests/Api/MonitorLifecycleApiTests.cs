using System.Text.Json.Nodes;
using Vigil.TestSupport;

namespace Vigil.Monitors.Tests.Api;

public sealed class MonitorLifecycleApiTests
{
    [Fact]
    public async Task ExportThenImportReproducesTheMonitors()
    {
        string exported;
        await using (var first = await MonitorApi.StartAsync())
        {
            await first.CreateAsync(MonitorApi.Website("shop", """, "headers": {"X-A": "1", "X-B": "true"}, "keyword": "null" """));
            var port = await first.CreateAsync("""{"name": "db", "app": "port", "interval": "15s", "instance": "other", "description": "the db", "params": {"host": "127.0.0.1", "port": 5432}}""");
            await first.SendAsync(HttpMethod.Post, $"/api/v1/monitors/{port["id"]}/pause");
            exported = await first.Client.GetStringAsync("/api/v1/monitors/export");
        }

        await using var second = await MonitorApi.StartAsync();
        using var response = await second.Client.PostAsync("/api/v1/monitors/import", new StringContent(exported));
        var result = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal((2, 0), ((int)result["created"]!, (int)result["updated"]!));
        Assert.Equal(exported, await second.Client.GetStringAsync("/api/v1/monitors/export"));
        var (_, list) = await second.SendAsync(HttpMethod.Get, "/api/v1/monitors");
        var db = list["items"]!.AsArray().Single(m => (string)m!["name"]! == "db")!;
        Assert.Equal(("paused", "15s", "other", "5432"), ((string?)db["status"], (string?)db["interval"], (string?)db["instance"], (string?)db["params"]!["port"]));
        var shop = list["items"]!.AsArray().Single(m => (string)m!["name"]! == "shop")!;
        Assert.Equal("true", (string?)shop["params"]!["headers"]!["X-B"]);
        Assert.Equal("null", (string?)shop["params"]!["keyword"]);

        // Importing again replaces by id: nothing new, secrets of the stored monitors untouched.
        using var again = await second.Client.PostAsync("/api/v1/monitors/import", new StringContent(exported));
        var second2 = JsonNode.Parse(await again.Content.ReadAsStringAsync())!;
        Assert.Equal((0, 2), ((int)second2["created"]!, (int)second2["updated"]!));
    }

    [Fact]
    public async Task ImportErrorsNameEntryAndLineAndChangeNothing()
    {
        await using var api = await MonitorApi.StartAsync();
        var yaml = "monitors:\n  - name: ok\n    app: port\n    params: {host: h, port: 1}\n  - name: bad\n    app: port\n    params: {host: h, port: nope}\n";
        using var empty = await api.Client.PostAsync("/api/v1/monitors/import", new StringContent(""));
        Assert.Equal(200, (int)empty.StatusCode);
        using var response = await api.Client.PostAsync("/api/v1/monitors/import", new StringContent(yaml));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("monitors[1].params.port", (string?)body["field"]);
        Assert.Contains("(line 5)", (string?)body["error"], StringComparison.Ordinal);
        Assert.Equal(0, (int)(await api.SendAsync(HttpMethod.Get, "/api/v1/monitors")).Body["total"]!);

        using var unknown = await api.Client.PostAsync("/api/v1/monitors/import", new StringContent("monitors:\n  - name: x\n    colour: red\n"));
        Assert.Contains("monitors[0].colour", await unknown.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task MonitorsStatusesAndIntervalsSurviveARestart()
    {
        using var dir = new TempDir("monitors-restart");
        string downId, pausedId;
        await using (var api = await MonitorApi.StartAsync(dir: dir))
        {
            // Nothing listens on port 1: the round fails with 'connect', a status to keep.
            downId = (string)(await api.CreateAsync(MonitorApi.Website("shop").Replace("\"30s\"", "\"1s\"", StringComparison.Ordinal)))["id"]!;
            pausedId = (string)(await api.CreateAsync("""{"name": "db", "app": "port", "interval": "2m", "params": {"host": "127.0.0.1", "port": 1}}"""))["id"]!;
            await api.SendAsync(HttpMethod.Post, $"/api/v1/monitors/{pausedId}/pause");
            var down = await api.WaitForAsync(downId, m => (string?)m["status"] == "down");
            Assert.Equal("down", (string?)down["status"]);
        }

        await using (var api = await MonitorApi.StartAsync(dir: dir))
        {
            var (_, down) = await api.SendAsync(HttpMethod.Get, "/api/v1/monitors/" + downId);
            Assert.Equal(("down", "1s"), ((string?)down["status"], (string?)down["interval"]));
            Assert.False(string.IsNullOrEmpty((string?)down["last_error"]));
            var (_, paused) = await api.SendAsync(HttpMethod.Get, "/api/v1/monitors/" + pausedId);
            Assert.Equal(("paused", "2m"), ((string?)paused["status"], (string?)paused["interval"]));
            Assert.Equal(1, api.Vigil.Server.Monitors!.Scheduler.Count);
            Assert.Equal("hunter2", (await api.Vigil.Server.Monitors.Store.GetAsync(downId))!.Text("password"));
        }
    }

    [Fact]
    public async Task AvailabilitySeriesGoToTheMonitorsInstance()
    {
        await using var api = await MonitorApi.StartAsync();
        var json = MonitorApi.Website("shop").Replace("\"30s\"", "\"1s\"", StringComparison.Ordinal).Replace("\"labels\": {", "\"instance\": \"other\", \"labels\": {", StringComparison.Ordinal);
        var id = (string)(await api.CreateAsync(json))["id"]!;
        await api.WaitForAsync(id, m => (string?)m["status"] == "down");
        Dictionary<string, double> series = [];
        for (var i = 0; i < 50 && !series.Keys.Any(k => k.StartsWith("{__name__=\"vigil_monitor_collect_errors_total\"", StringComparison.Ordinal)); i++)
        {
            await Task.Delay(100);
            series = api.WalSeries("other");
        }

        const string Labels = "app=\"website\", monitor=\"shop\", team=\"web\"}";
        Assert.Equal(0, series["{__name__=\"vigil_monitor_up\", " + Labels]);
        Assert.Equal(0, series["{__name__=\"probe_success\", " + Labels]);
        Assert.True(series["{__name__=\"vigil_monitor_collect_duration_seconds\", " + Labels] >= 0);
        Assert.True(series["{__name__=\"vigil_monitor_collect_errors_total\", " + Labels.Replace("team", "reason=\"connect\", team", StringComparison.Ordinal)] >= 1);
        Assert.Empty(api.WalSeries("default"));

        // Deleting the monitor marks its series stale (Prometheus's staleness NaN).
        await api.SendAsync(HttpMethod.Delete, "/api/v1/monitors/" + id);
        Assert.True(BitConverter.DoubleToUInt64Bits(api.WalSeries("other")["{__name__=\"vigil_monitor_up\", " + Labels]) == 0x7ff0000000000002);
        var metrics = await api.Client.GetStringAsync("/metrics");
        Assert.Contains("vigil_monitor_collections_total{result=\"failure\"}", metrics, StringComparison.Ordinal);
        Assert.Contains("vigil_monitor_scheduled 0", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserTemplatesLoadAtStartAndOnReload()
    {
        using var dir = new TempDir("monitors-templates");
        var templates = dir.CreateSubdirectory("templates");
        File.WriteAllText(Path.Combine(templates, "one.yml"), "app: one\nprotocol: tcp\nmetrics: [{name: a, fields: [{field: x, metric: one_x}]}]\n");
        var config = $"metrics:\n  configs:\n    - name: default\nmonitors:\n  templates_directory: {templates}\n";
        await using var api = await MonitorApi.StartAsync(config, dir);
        async Task<string[]> Apps() => (await api.SendAsync(HttpMethod.Get, "/api/v1/monitor-types")).Body["types"]!.AsArray().Select(t => (string)t!["app"]!).ToArray();
        Assert.Contains("one", await Apps());

        File.WriteAllText(Path.Combine(templates, "two.yml"), "app: two\nprotocol: tcp\nmetrics: [{name: a, fields: [{field: x, metric: two_x}]}]\n");
        File.WriteAllText(Path.Combine(templates, "bad.yml"), "app: bad\nprotocol: tcp\n");
        Assert.Equal(200, (int)(await api.Vigil.ReloadAsync()).StatusCode);
        Assert.Contains("two", await Apps());
        var errors = (await api.SendAsync(HttpMethod.Get, "/api/v1/monitor-types")).Body["errors"]!.AsArray();
        Assert.Contains("bad.yml:", (string?)Assert.Single(errors), StringComparison.Ordinal);
    }
}
