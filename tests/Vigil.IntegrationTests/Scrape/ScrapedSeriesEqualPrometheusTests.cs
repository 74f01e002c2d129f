using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Vigil.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Vigil.IntegrationTests.Scrape;

/// <summary>
/// Issue 4 acceptance: a real node exporter and a real Prometheus 2.42's own /metrics, scraped by Vigil and by that
/// Prometheus for 60 s with the same job names and targets. The series of Vigil's last scrape of each target (read
/// from its WAL with <c>vigil wal inspect --series</c>) equal the series Prometheus stored for its own scrape of the
/// target nearest in time, and gauges that do not move over a minute have exactly the same values.
/// </summary>
public sealed class ScrapedSeriesEqualPrometheusTests(ITestOutputHelper output)
{
    private const string Instance = "compare";
    private const long IntervalMs = 1000;
    private static readonly TimeSpan ScrapeWindow = TimeSpan.FromSeconds(60);

    // Gauges (and info metrics) that stay put for the life of the process; Vigil's value must equal Prometheus's
    // exactly. Required ones must be present, so the check never passes by being empty. node_filesystem_* and
    // node_network_* depend on the machine's mounts and interfaces (an overlay root is excluded by the exporter).
    private static readonly (string Name, bool Required)[] NodeStable =
    [
        ("up", true), ("scrape_samples_scraped", true), ("scrape_samples_post_metric_relabeling", true),
        ("node_memory_MemTotal_bytes", true), ("node_uname_info", true), ("node_exporter_build_info", true),
        ("go_info", true), ("process_start_time_seconds", true), ("process_max_fds", true),
        ("node_boot_time_seconds", false), ("node_filesystem_size_bytes", false), ("node_network_mtu_bytes", false),
    ];

    private static readonly (string Name, bool Required)[] PrometheusStable =
    [
        ("up", true), ("scrape_samples_scraped", true), ("scrape_samples_post_metric_relabeling", true),
        ("prometheus_build_info", true), ("prometheus_config_last_reload_successful", true),
        ("prometheus_config_last_reload_success_timestamp_seconds", true), ("go_info", true),
        ("process_start_time_seconds", true), ("prometheus_target_scrape_pool_targets", true),
        ("prometheus_sd_discovered_targets", false),
    ];

    [PeerFact("prometheus", NodeExporterPeer.Binary)]
    public async Task Series_of_one_scrape_and_stable_values_equal_what_prometheus_stores()
    {
        var clock = Stopwatch.StartNew();
        using var dir = new TempDir("scrape-compare");
        await using var node = await NodeExporterPeer.StartAsync(dir);
        await using var prometheus = await PrometheusPeer.StartAsync(dir, PrometheusConfig(node.Address));
        var prometheusAddress = string.Create(CultureInfo.InvariantCulture, $"127.0.0.1:{prometheus.Port}");
        var configPath = dir.Combine("vigil.yml");
        await File.WriteAllTextAsync(configPath, VigilConfig(prometheusAddress, node.Address));
        var data = dir.Combine("data");

        var vigil = await VigilPeer.StartAsync(data, dir.Path, configPath);
        try
        {
            await Task.Delay(ScrapeWindow);
            Assert.False(vigil.Process.HasExited, $"vigil stopped while scraping: {vigil.Process.Describe()}");
        }
        finally
        {
            // SIGTERM: the loops write their end-of-run stale markers and the WAL is closed.
            await vigil.DisposeAsync();
        }

        Assert.True(vigil.Process.ExitCode == 0, $"vigil should stop cleanly: {vigil.Process.Describe()}");
        var inspection = await VigilCli.InspectWalAsync(Path.Combine(data, "wal", Instance), series: true);
        Assert.Equal(0, inspection.GetProperty("corrupt_records").GetArrayLength());
        var vigilNode = ScrapeSnapshot.FromWalInspection(inspection, "node", node.Address);
        var vigilPrometheus = ScrapeSnapshot.FromWalInspection(inspection, "prometheus", prometheusAddress);

        // Our queries add series to Prometheus's own /metrics (prometheus_http_requests_total{handler="/api/v1/query"}
        // and the handler's histograms). Only Prometheus scrapes taken at most one interval after Vigil's last are
        // compared, so starting the first query half a second later keeps them out of every scrape compared.
        var firstQueryMs = Math.Max(vigilNode.TimestampMs, vigilPrometheus.TimestampMs) + IntervalMs + 500;
        var wait = firstQueryMs - DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(wait));
        }

        await CompareAsync(prometheus.BaseUrl, "node", node.Address, vigilNode, NodeStable);
        await CompareAsync(prometheus.BaseUrl, "prometheus", prometheusAddress, vigilPrometheus, PrometheusStable);
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"node: {vigilNode.Values.Count} series, prometheus: {vigilPrometheus.Values.Count} series; test took {clock.Elapsed.TotalSeconds:F1} s"));
    }

    private async Task CompareAsync(Uri prometheus, string job, string target, ScrapeSnapshot vigil, (string Name, bool Required)[] stable)
    {
        Assert.True(vigil.Values.TryGetValue(Key("up", job, target), out var up) && up == 1,
            $"{job}: Vigil's last scrape of {target} at {vigil.TimestampMs} did not succeed (up {up})");

        // Prometheus's successful scrape of the same target nearest to Vigil's last one (they run at different
        // offsets within the interval, so at most half an interval apart, give or take scheduling). The scrapes up
        // to two intervals later are fetched too, but only for describing a difference.
        var times = await ScrapeSnapshot.PrometheusScrapeTimesAsync(prometheus, job, target, vigil.TimestampMs + (2 * IntervalMs), "30s");
        var near = times.Where(t => Math.Abs(t - vigil.TimestampMs) <= IntervalMs).ToList();
        Assert.True(near.Count > 0, $"{job}: Prometheus has no successful scrape within {IntervalMs} ms of Vigil's at {vigil.TimestampMs}; its scrapes: {string.Join(", ", times)}");
        var nearest = near.MinBy(t => Math.Abs(t - vigil.TimestampMs));
        var reference = await ScrapeSnapshot.FromPrometheusAsync(prometheus, job, target, nearest);

        var onlyVigil = vigil.Keys.Except(reference.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        var onlyPrometheus = reference.Keys.Except(vigil.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        if (onlyVigil.Count + onlyPrometheus.Count > 0)
        {
            Assert.Fail(await DescribeDifferenceAsync(prometheus, job, target, times, vigil, reference, onlyVigil, onlyPrometheus));
        }

        Assert.True(vigil.Values.Count > 200, $"{job}: only {vigil.Values.Count} series; the comparison should cover a real exposition");
        foreach (var (name, required) in stable)
        {
            var keys = vigil.Keys.Where(k => vigil.NameOf(k) == name).ToList();
            Assert.True(!required || keys.Count > 0, $"{job}: no {name} series to compare");
            foreach (var key in keys)
            {
                Assert.True(
                    BitConverter.DoubleToInt64Bits(vigil.Values[key]) == BitConverter.DoubleToInt64Bits(reference.Values[key]),
                    string.Create(CultureInfo.InvariantCulture, $"{job}: {key} is {vigil.Values[key]:R} in Vigil at {vigil.TimestampMs}, {reference.Values[key]:R} in Prometheus at {reference.TimestampMs}"));
            }
        }

        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{job}: {vigil.Values.Count} series equal; Vigil scraped at {vigil.TimestampMs}, Prometheus at {nearest} ({nearest - vigil.TimestampMs:+0;-0} ms)"));
    }

    /// <summary>
    /// The failure message: each differing series, and whether Prometheus's scrapes just before and after the one
    /// compared have it, which tells a series that came or went at that moment from one Vigil gets wrong.
    /// </summary>
    private static async Task<string> DescribeDifferenceAsync(
        Uri prometheus, string job, string target, List<long> times, ScrapeSnapshot vigil, ScrapeSnapshot reference, List<string> onlyVigil, List<string> onlyPrometheus)
    {
        var at = times.IndexOf(reference.TimestampMs);
        var before = at > 0 ? await ScrapeSnapshot.FromPrometheusAsync(prometheus, job, target, times[at - 1]) : null;
        var after = at + 1 < times.Count ? await ScrapeSnapshot.FromPrometheusAsync(prometheus, job, target, times[at + 1]) : null;
        string Around(string key) =>
            $"(Prometheus's previous scrape {(before is null ? "n/a" : before.Values.ContainsKey(key) ? "has it" : "lacks it")}, next {(after is null ? "n/a" : after.Values.ContainsKey(key) ? "has it" : "lacks it")})";
        var lines = onlyVigil.Take(50).Select(k => $"  only in Vigil:      {k} {Around(k)}")
            .Concat(onlyPrometheus.Take(50).Select(k => $"  only in Prometheus: {k} {Around(k)}"));
        return string.Create(CultureInfo.InvariantCulture,
            $"{job}: Vigil's scrape at {vigil.TimestampMs} ({vigil.Values.Count} series) and Prometheus's at {reference.TimestampMs} ({reference.Values.Count} series) differ in {onlyVigil.Count} + {onlyPrometheus.Count} series:\n{string.Join('\n', lines)}");
    }

    private static string Key(string name, string job, string target) =>
        ScrapeSnapshot.Key([("__name__", name), ("instance", target), ("job", job)]);

    private static string PrometheusConfig(string nodeAddress) => PrometheusPeer.SelfScrapeConfig("1s") + $"""

          - job_name: node
            static_configs:
              - targets: ['{nodeAddress}']
        """;

    // Same job names and targets as Prometheus's, so the target labels (job, instance) are equal.
    private static string VigilConfig(string prometheusAddress, string nodeAddress) => $"""
        metrics:
          global:
            scrape_interval: 1s
          configs:
            - name: {Instance}
              scrape_configs:
                - job_name: prometheus
                  static_configs:
                    - targets: ['{prometheusAddress}']
                - job_name: node
                  static_configs:
                    - targets: ['{nodeAddress}']
        """;
}
