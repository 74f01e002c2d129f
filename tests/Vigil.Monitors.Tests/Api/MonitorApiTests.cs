using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Vigil.Monitors.Tests.Api;

public sealed class MonitorApiTests
{
    [Fact]
    public async Task CreateReturns201WithTheIssueShapeAndNoSecrets()
    {
        await using var api = await MonitorApi.StartAsync();
        using var response = await api.Client.PostAsync("/api/v1/monitors", MonitorApi.Json(MonitorApi.Website("shop")));
        Assert.Equal(201, (int)response.StatusCode);
        var text = await response.Content.ReadAsStringAsync();
        Assert.DoesNotContain("hunter2", text, StringComparison.Ordinal);
        var body = JsonNode.Parse(text)!;
        var id = (string)body["id"]!;
        Assert.Equal("/api/v1/monitors/" + id, response.Headers.Location!.OriginalString);
        Assert.Equal("shop", (string?)body["name"]);
        Assert.Equal("website", (string?)body["app"]);
        Assert.Equal("unknown", (string?)body["status"]);
        Assert.Equal("30s", (string?)body["interval"]);
        Assert.Equal("web", (string?)body["labels"]!["team"]);
        Assert.Equal("5s", (string?)body["params"]!["timeout"]);
        Assert.Equal("GET", (string?)body["params"]!["method"]);
        Assert.Null(body["params"]!["password"]);

        var (status, got) = await api.SendAsync(HttpMethod.Get, "/api/v1/monitors/" + id);
        Assert.Equal(200, status);
        Assert.Null(got["params"]!["password"]);
        Assert.Equal("none", (string?)got["lease"]!["state"]);
        Assert.DoesNotContain("hunter2", await api.Client.GetStringAsync("/api/v1/monitors"), StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", await api.Client.GetStringAsync("/api/v1/monitors/export"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""{"app": "website", "params": {"url": "http://x"}}""", "name")]
    [InlineData("""{"name": "a", "params": {"url": "http://x"}}""", "app")]
    [InlineData("""{"name": "a", "app": "ftp"}""", "app")]
    [InlineData("""{"name": "a", "app": "website", "params": {}}""", "params.url")]
    [InlineData("""{"name": "a", "app": "website", "params": {"url": "http://x", "timeout": "soon"}}""", "params.timeout")]
    [InlineData("""{"name": "a", "app": "website", "params": {"url": "http://x", "method": "FETCH"}}""", "params.method")]
    [InlineData("""{"name": "a", "app": "website", "params": {"url": "http://x", "colour": "red"}}""", "params.colour")]
    [InlineData("""{"name": "a", "app": "port", "params": {"host": "h", "port": 70000}}""", "params.port")]
    [InlineData("""{"name": "a", "app": "website", "interval": "100ms", "params": {"url": "http://x"}}""", "interval")]
    [InlineData("""{"name": "a", "app": "website", "interval": "often", "params": {"url": "http://x"}}""", "interval")]
    [InlineData("""{"name": "a", "app": "website", "labels": {"bad-name": "x"}, "params": {"url": "http://x"}}""", "labels.bad-name")]
    [InlineData("""{"name": "a", "app": "website", "labels": {"monitor": "x"}, "params": {"url": "http://x"}}""", "labels.monitor")]
    [InlineData("""{"name": "a", "app": "website", "instance": "nope", "params": {"url": "http://x"}}""", "instance")]
    [InlineData("""{"name": "a", "app": "website", "intervall": "30s", "params": {"url": "http://x"}}""", "intervall")]
    [InlineData("""{"name": "a", "app": "website", "params": {"url": ["x"]}}""", "params.url")]
    [InlineData("""[1]""", "(body)")]
    public async Task ValidationErrorsAre400WithTheField(string json, string field)
    {
        await using var api = await MonitorApi.StartAsync();
        var (status, body) = await api.SendAsync(HttpMethod.Post, "/api/v1/monitors", json);
        Assert.Equal(400, status);
        Assert.Equal(field, (string?)body["field"]);
        Assert.Equal("bad_data", (string?)body["errorType"]);
        Assert.Equal(0, (int)(await api.SendAsync(HttpMethod.Get, "/api/v1/monitors")).Body["total"]!);
    }

    [Fact]
    public async Task BrokenJsonAndDuplicateNames()
    {
        await using var api = await MonitorApi.StartAsync();
        Assert.Equal(400, (await api.SendAsync(HttpMethod.Post, "/api/v1/monitors", "{\"name\": ")).Status);
        await api.CreateAsync(MonitorApi.Website("shop"));
        var (status, body) = await api.SendAsync(HttpMethod.Post, "/api/v1/monitors", MonitorApi.Website("shop"));
        Assert.Equal(409, status);
        Assert.Equal("name", (string?)body["field"]);
    }

    [Fact]
    public async Task UpdateReplacesAndKeepsSecretsNotSent()
    {
        await using var api = await MonitorApi.StartAsync();
        var id = (string)(await api.CreateAsync(MonitorApi.Website("shop")))["id"]!;
        var (status, body) = await api.SendAsync(HttpMethod.Put, "/api/v1/monitors/" + id,
            """{"name": "shop2", "app": "website", "interval": "1m", "instance": "other", "params": {"url": "http://127.0.0.1:2/"}}""");
        Assert.Equal(200, status);
        Assert.Equal(("shop2", "1m", "other"), ((string?)body["name"], (string?)body["interval"], (string?)body["instance"]));
        Assert.Null(body["labels"]!["team"]);
        Assert.Equal("10s", (string?)body["params"]!["timeout"]);

        var stored = await api.Vigil.Server.Monitors!.Store.GetAsync(id);
        Assert.Equal("hunter2", stored!.Text("password"));
        Assert.Equal(404, (await api.SendAsync(HttpMethod.Put, "/api/v1/monitors/missing", MonitorApi.Website("x"))).Status);
        Assert.Equal(400, (await api.SendAsync(HttpMethod.Put, "/api/v1/monitors/" + id, """{"name": "shop2", "app": "website", "params": {}}""")).Status);
    }

    [Fact]
    public async Task ListFiltersAndPaginates()
    {
        await using var api = await MonitorApi.StartAsync();
        for (var i = 0; i < 12; i++)
        {
            var json = i % 3 == 0
                ? $$$"""{"name": "port{{{i:00}}}", "app": "port", "labels": {"team": "db"}, "params": {"host": "127.0.0.1", "port": 1}}"""
                : MonitorApi.Website($"web{i:00}");
            await api.CreateAsync(json);
        }

        var (_, page2) = await api.SendAsync(HttpMethod.Get, "/api/v1/monitors?page=2&page_size=5");
        Assert.Equal(12, (int)page2["total"]!);
        Assert.Equal(2, (int)page2["page"]!);
        Assert.Equal(["web02", "web04", "web05", "web07", "web08"], page2["items"]!.AsArray().Select(m => (string)m!["name"]!));

        var (_, ports) = await api.SendAsync(HttpMethod.Get, "/api/v1/monitors?app=port");
        Assert.Equal(4, (int)ports["total"]!);
        var (_, db) = await api.SendAsync(HttpMethod.Get, "/api/v1/monitors?label=team:db&status=unknown");
        Assert.Equal(4, (int)db["total"]!);
        var (_, none) = await api.SendAsync(HttpMethod.Get, "/api/v1/monitors?label=team=db&app=website");
        Assert.Equal(0, (int)none["total"]!);

        Assert.Equal("page_size", (string?)(await api.SendAsync(HttpMethod.Get, "/api/v1/monitors?page_size=0")).Body["field"]);
        Assert.Equal("status", (string?)(await api.SendAsync(HttpMethod.Get, "/api/v1/monitors?status=sleepy")).Body["field"]);
        Assert.Equal("label", (string?)(await api.SendAsync(HttpMethod.Get, "/api/v1/monitors?label=team")).Body["field"]);
    }

    [Fact]
    public async Task DeleteOneAndMany()
    {
        await using var api = await MonitorApi.StartAsync();
        var ids = new List<string>();
        for (var i = 0; i < 4; i++)
        {
            ids.Add((string)(await api.CreateAsync(MonitorApi.Website($"m{i}")))["id"]!);
        }

        Assert.Equal(204, (await api.SendAsync(HttpMethod.Delete, "/api/v1/monitors/" + ids[0])).Status);
        Assert.Equal(404, (await api.SendAsync(HttpMethod.Delete, "/api/v1/monitors/" + ids[0])).Status);
        Assert.Equal(404, (await api.SendAsync(HttpMethod.Get, "/api/v1/monitors/" + ids[0])).Status);

        var (status, body) = await api.SendAsync(HttpMethod.Delete, $"/api/v1/monitors?id={ids[1]}&id={ids[2]}&id=missing");
        Assert.Equal(200, status);
        Assert.Equal([ids[1], ids[2]], body["deleted"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(["missing"], body["not_found"]!.AsArray().Select(n => (string)n!));
        Assert.Equal(400, (await api.SendAsync(HttpMethod.Delete, "/api/v1/monitors")).Status);
        var (_, list) = await api.SendAsync(HttpMethod.Get, "/api/v1/monitors");
        Assert.Equal([ids[3]], list["items"]!.AsArray().Select(m => (string)m!["id"]!));
        Assert.Equal(1, api.Vigil.Server.Monitors!.Scheduler.Count);
    }

    [Fact]
    public async Task PauseAndResume()
    {
        await using var api = await MonitorApi.StartAsync();
        var id = (string)(await api.CreateAsync(MonitorApi.Website("shop")))["id"]!;
        Assert.Equal(1, api.Vigil.Server.Monitors!.Scheduler.Count);

        var (status, paused) = await api.SendAsync(HttpMethod.Post, $"/api/v1/monitors/{id}/pause");
        Assert.Equal((200, "paused"), (status, (string?)paused["status"]));
        Assert.Equal(0, api.Vigil.Server.Monitors.Scheduler.Count);
        Assert.Equal(1, (int)(await api.SendAsync(HttpMethod.Get, "/api/v1/monitors?status=paused")).Body["total"]!);

        // Editing a paused monitor keeps it paused.
        await api.SendAsync(HttpMethod.Put, "/api/v1/monitors/" + id, MonitorApi.Website("shop"));
        Assert.Equal(0, api.Vigil.Server.Monitors.Scheduler.Count);

        var (_, resumed) = await api.SendAsync(HttpMethod.Post, $"/api/v1/monitors/{id}/resume");
        Assert.Equal("unknown", (string?)resumed["status"]);
        Assert.Equal(1, api.Vigil.Server.Monitors.Scheduler.Count);
        Assert.Equal(404, (await api.SendAsync(HttpMethod.Post, "/api/v1/monitors/missing/pause")).Status);
    }

    [Fact]
    public async Task MonitorTypesListTemplatesWithParamSchemas()
    {
        await using var api = await MonitorApi.StartAsync();
        var (status, body) = await api.SendAsync(HttpMethod.Get, "/api/v1/monitor-types");
        Assert.Equal(200, status);
        var types = body["types"]!.AsArray();
        Assert.Equal(["kafka", "port", "prometheus", "website"], types.Select(t => (string)t!["app"]!));
        var website = types.Single(t => (string)t!["app"]! == "website")!;
        Assert.Equal("网站监测", (string?)website["name"]!["zh-CN"]);
        var password = website["params"]!.AsArray().Single(p => (string)p!["field"]! == "password")!;
        Assert.True((bool)password["secret"]!);
        Assert.Equal("password", (string?)password["type"]);
        var method = website["params"]!.AsArray().Single(p => (string)p!["field"]! == "method")!;
        Assert.Contains("HEAD", method["options"]!.AsArray().Select(o => (string)o!));
        Assert.Equal("probe_success", (string?)website["metrics"]![0]!["fields"]![0]!["metric"]);
        Assert.Empty(body["errors"]!.AsArray());
    }

    [Fact]
    public async Task TestCollectsOnceWithoutSaving()
    {
        await using var server = new Collectors.CountingHttpServer("hello");
        await using var api = await MonitorApi.StartAsync();
        var (status, body) = await api.SendAsync(HttpMethod.Post, "/api/v1/monitors/test", $$$"""{"app": "website", "params": {"url": "{{{server.Url}}}", "keyword": "hello", "password": "hunter2"}}""");
        Assert.Equal(200, status);
        Assert.Equal("up", (string?)body["status"]);
        var probe = body["groups"]!.AsArray().Single(g => (string)g!["name"]! == "probe")!["rows"]![0]!["values"]!;
        Assert.Equal((1, 200, 5), ((double)probe["probe_success"]!, (double)probe["probe_http_status_code"]!, (double)probe["probe_http_content_length"]!));
        Assert.DoesNotContain("hunter2", body.ToJsonString(), StringComparison.Ordinal);
        Assert.Equal(0, (int)(await api.SendAsync(HttpMethod.Get, "/api/v1/monitors")).Body["total"]!);
        await Scheduling.MonitorSchedulerTests.WaitUntil(() => server.Open == 0, TimeSpan.FromSeconds(2));

        var (_, down) = await api.SendAsync(HttpMethod.Post, "/api/v1/monitors/test", $$$"""{"app": "website", "params": {"url": "{{{server.Url}}}missing"}}""");
        Assert.Equal(("down", "status"), ((string?)down["status"], (string?)down["reason"]));
        Assert.Equal("params.url", (string?)(await api.SendAsync(HttpMethod.Post, "/api/v1/monitors/test", """{"app": "website"}""")).Body["field"]);
    }
}
