using Vigil.Monitors.Collectors;
using Vigil.Monitors.Collectors.Http;
using Vigil.Monitors.Metrics;
using Vigil.Monitors.Model;

namespace Vigil.Monitors.Tests.Collectors;

public sealed class HttpCollectorTests
{
    internal static MonitorDefinition Monitor(string id, string url, params (string Field, string Value)[] extra) =>
        ProbeRound.Monitor("website", id, [("url", url), .. extra]);

    private static Task<(Dictionary<string, double> Probe, string? Reason, string? Message)> CollectAsync(MonitorDefinition monitor, ConnectionLeases leases) =>
        ProbeRound.RunAsync(new HttpCollector(), monitor, leases);

    [Fact]
    public async Task SuccessfulProbeWithHeadersAuthAndRedirects()
    {
        await using var server = new CountingHttpServer("hello world");
        await using var leases = new ConnectionLeases(ConnectionMetrics.Unregistered());
        var monitor = Monitor("a", server.Url + "redirect", ("username", "u"), ("password", "p"), ("keyword", "/wor.d/"));
        monitor = monitor with { Params = new SortedDictionary<string, ParamValue>(monitor.Params.ToDictionary(), StringComparer.Ordinal) { ["headers"] = ParamValue.OfMap([new("X-Probe", "vigil")]) } };
        var (probe, reason, message) = await CollectAsync(monitor, leases);
        Assert.Null(reason);
        Assert.Null(message);
        Assert.Equal((1, 200, 11, 1), (probe["success"], probe["status_code"], probe["content_length"], probe["redirects"]));
        Assert.True(probe["duration"] > 0);
        var request = server.Requests.Last();
        Assert.StartsWith("GET /final ", request, StringComparison.Ordinal);
        Assert.Contains("X-Probe: vigil", request, StringComparison.Ordinal);
        Assert.Contains("Authorization: Basic dTpw", request, StringComparison.Ordinal);
        Assert.Equal("open", leases.State.State);
    }

    [Theory]
    [InlineData("missing", "", "status", "status 404 is not in 200-299")]
    [InlineData("", "absent", "keyword", "the body does not contain 'absent'")]
    [InlineData("", "/^hello$/", "keyword", "the body does not contain /^hello$/")]
    public async Task FailedProbesKeepTheirMeasurements(string path, string keyword, string reason, string message)
    {
        await using var server = new CountingHttpServer("hello world");
        await using var leases = new ConnectionLeases(ConnectionMetrics.Unregistered());
        var (probe, gotReason, gotMessage) = await CollectAsync(Monitor("a", server.Url + path, ("keyword", keyword)), leases);
        Assert.Equal((reason, message), (gotReason, gotMessage));
        Assert.Equal(0, probe["success"]);
        Assert.True(probe.ContainsKey("status_code"));
    }

    [Fact]
    public async Task RefusedConnectionDisposesTheClientAndBacksOff()
    {
        int port;
        await using (var gone = new CountingHttpServer(""))
        {
            port = gone.Port;
        }

        var metrics = ConnectionMetrics.Unregistered();
        await using var leases = new ConnectionLeases(metrics);
        var (probe, reason, _) = await CollectAsync(Monitor("a", $"http://127.0.0.1:{port}/"), leases);
        Assert.Equal("connect", reason);
        Assert.Equal(0, probe["success"]);
        Assert.Equal(0, metrics.Open("http"));
        Assert.Equal("backoff", leases.State.State);
        var (_, again, _) = await CollectAsync(Monitor("a", $"http://127.0.0.1:{port}/"), leases);
        Assert.Equal("backoff", again);
    }

    [Fact]
    public async Task ATargetThatNeverAnswersTimesOutOnTime()
    {
        await using var server = new CountingHttpServer("x", System.Threading.Timeout.InfiniteTimeSpan);
        await using var leases = new ConnectionLeases(ConnectionMetrics.Unregistered());
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var (probe, reason, message) = await CollectAsync(Monitor("a", server.Url, ("timeout", "300ms")), leases);
        var elapsed = System.Diagnostics.Stopwatch.GetElapsedTime(started);
        Assert.Equal(("timeout", "no response within 300ms"), (reason, message));
        Assert.InRange(elapsed.TotalMilliseconds, 290, 2000);
        Assert.Equal(0, probe["success"]);
    }

    [Fact]
    public async Task TwoMonitorsNeverSeeEachOthersValues()
    {
        await using var a = new CountingHttpServer("alpha");
        await using var b = new CountingHttpServer("bravo-bravo");
        await using var leasesA = new ConnectionLeases(ConnectionMetrics.Unregistered());
        await using var leasesB = new ConnectionLeases(ConnectionMetrics.Unregistered());
        var monitorA = Monitor("a", a.Url, ("keyword", "alpha"));
        var monitorB = Monitor("b", b.Url, ("keyword", "bravo"));
        for (var i = 0; i < 500; i++)
        {
            var roundA = CollectAsync(monitorA, leasesA);
            var roundB = CollectAsync(monitorB, leasesB);
            var (probeA, reasonA, _) = await roundA;
            var (probeB, reasonB, _) = await roundB;
            Assert.True((reasonA, reasonB, probeA["content_length"], probeB["content_length"]) == (null, null, 5, 11), $"round {i}: {reasonA} {reasonB}");
        }

        // One keep-alive connection each, for all 1,000 collections.
        Assert.Equal((1, 1), (a.Accepted, b.Accepted));
        Assert.Equal((500, 500), (a.Requests.Count, b.Requests.Count));
    }
}
