using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Vigil.TestSupport;
using Vigil.Wal;

namespace Vigil.Monitors.Tests.Api;

/// <summary>An in-process Vigil and small helpers over its monitor API.</summary>
internal sealed class MonitorApi : IAsyncDisposable
{
    private MonitorApi(TestVigil vigil)
    {
        Vigil = vigil;
    }

    public TestVigil Vigil { get; }

    public HttpClient Client => Vigil.Client;

    public static async Task<MonitorApi> StartAsync(string? config = null, TempDir? dir = null) =>
        new(await TestVigil.StartAsync(config ?? "metrics:\n  configs:\n    - name: default\n    - name: other\n", dir));

    public static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");

    public static string Website(string name, string extra = "") =>
        $$$"""{"name": "{{{name}}}", "app": "website", "interval": "30s", "labels": {"team": "web"}, "params": {"url": "http://127.0.0.1:1/health", "timeout": "5s", "password": "hunter2"{{{extra}}}}}""";

    public async Task<(int Status, JsonNode Body)> SendAsync(HttpMethod method, string path, string? json = null)
    {
        using var request = new HttpRequestMessage(method, path) { Content = json is null ? null : Json(json) };
        using var response = await Client.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return ((int)response.StatusCode, text.Length == 0 ? new JsonObject() : JsonNode.Parse(text)!);
    }

    public async Task<JsonNode> CreateAsync(string json)
    {
        var (status, body) = await SendAsync(HttpMethod.Post, "/api/v1/monitors", json);
        Assert.True(status == 201, body.ToJsonString());
        return body;
    }

    /// <summary>Polls GET until <paramref name="done"/> holds (at most 20 s).</summary>
    public async Task<JsonNode> WaitForAsync(string id, Func<JsonNode, bool> done)
    {
        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (true)
        {
            var (_, body) = await SendAsync(HttpMethod.Get, "/api/v1/monitors/" + id);
            if (done(body) || DateTime.UtcNow > deadline)
            {
                return body;
            }

            await Task.Delay(100);
        }
    }

    /// <summary>The WAL's series (formatted label sets) and each one's newest value, read without a lock.</summary>
    public Dictionary<string, double> WalSeries(string instance = "default")
    {
        var refs = new Dictionary<ulong, string>();
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        using var reader = WalReader.Open(Vigil.WalDirectory(instance), new WalPosition(0, 0));
        while (reader.TryReadNext(out var record))
        {
            if (record.Type == WalRecordType.Series)
            {
                foreach (var series in WalRecordDecoder.EnumerateSeries(record.Payload))
                {
                    refs[series.Ref] = CanonicalLabels.Format(series.Labels);
                }
            }
            else if (record.Type == WalRecordType.Samples)
            {
                foreach (var sample in WalRecordDecoder.EnumerateSamples(record.Payload))
                {
                    values[refs[sample.Ref]] = sample.Value;
                }
            }
        }

        return values;
    }

    public ValueTask DisposeAsync() => Vigil.DisposeAsync();
}
