using System.Globalization;
using System.Net;
using System.Text.RegularExpressions;

namespace Vigil.Tests.RemoteWrite;

/// <summary>Issue 3: remote-write queues against fake endpoints (the real peers are in the integration tests).</summary>
public sealed partial class QueueTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private static string Config(string endpoints, string instanceExtra = "")
        => $"""
            metrics:
              configs:
                - name: default
                  remote_flush_deadline: 2s
            {instanceExtra}
                  remote_write:
            {endpoints}
            """;

    private static string Endpoint(string name, string url, string extra = "")
        => $"""
                  - name: {name}
                    url: {url}
                    queue_config:
                      batch_send_deadline: 100ms
                      min_backoff: 10ms
                      max_backoff: 100ms
            {extra}
            """;

    [Fact]
    public async Task A_400_is_dropped_and_counted_never_retried_and_later_batches_still_go()
    {
        await using var fake = await FakeRemoteWriteReceiver.StartAsync();
        fake.Status = 400;
        await using var vigil = await TestVigil.StartAsync(Config(Endpoint("bad", fake.Url)));
        for (var i = 0; i < 3; i++)
        {
            await Push(vigil, Payloads.Series(10, 1, 1_000 + i));
            await WaitFor(() => fake.Requests == i + 1, $"batch {i + 1} sent");
        }

        await Task.Delay(500);
        Assert.Equal(3, fake.Requests);
        var metrics = await vigil.Client.GetStringAsync("/metrics");
        Assert.Equal(30, Metric(metrics, "vigil_remote_write_samples_failed_total{instance=\"default\",endpoint=\"bad\",code=\"400\"}"));
        Assert.Equal(0, Metric(metrics, "vigil_remote_write_samples_retried_total{instance=\"default\",endpoint=\"bad\"}"));
        Assert.Contains("\"state\":\"dropping\"", await vigil.Client.GetStringAsync("/agent/api/v1/metrics/instances"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_5xx_is_retried_until_the_endpoint_accepts_and_nothing_is_lost_or_doubled()
    {
        await using var fake = await FakeRemoteWriteReceiver.StartAsync();
        fake.Status = 503;
        await using var vigil = await TestVigil.StartAsync(Config(Endpoint("flaky", fake.Url)));
        await Push(vigil, Payloads.Series(50, 2, 1_000));
        await WaitFor(() => fake.Requests >= 3, "retries");
        fake.Status = 204;
        await WaitFor(() => fake.AcceptedSamples == 100, "delivery after recovery");
        await Task.Delay(300);
        Assert.Equal(100, fake.AcceptedSamples);
        Assert.All(fake.Samples.Values, bag => Assert.Equal(2, bag.Count));
        var metrics = await vigil.Client.GetStringAsync("/metrics");
        Assert.True(Metric(metrics, "vigil_remote_write_samples_retried_total{instance=\"default\",endpoint=\"flaky\"}") >= 200);
        Assert.Equal(100, Metric(metrics, "vigil_remote_write_samples_sent_total{instance=\"default\",endpoint=\"flaky\"}"));
    }

    [Fact]
    public async Task Remote_write_2_0_reaches_vigils_own_receiver_intact()
    {
        await using var receiver = await TestVigil.StartAsync();
        var url = $"http://127.0.0.1:{receiver.Port}/api/v1/write";
        await using var vigil = await TestVigil.StartAsync(Config(Endpoint("v2", url, "        protobuf_message: io.prometheus.write.v2.Request")));
        await Push(vigil, Payloads.Series(200, 5, 1_000));
        await WaitFor(async () => Metric(await receiver.Client.GetStringAsync("/metrics"), "vigil_remote_write_received_samples_total{instance=\"default\"}") == 1000, "1000 samples at the receiver");
        // The sender counts a batch once its response arrives, a moment after the receiver did.
        await WaitFor(async () => Metric(await vigil.Client.GetStringAsync("/metrics"), "vigil_remote_write_samples_sent_total{instance=\"default\",endpoint=\"v2\"}") == 1000, "the sender counted 1000 samples");
        var inspection = Vigil.Wal.WalInspector.Inspect(receiver.WalDirectory());
        Assert.Equal(200, inspection.Series);
        Assert.Equal(1000, inspection.Samples);
    }

    [Fact]
    public async Task A_2xx_without_written_counts_makes_the_queue_fall_back_to_1_0_without_losing_the_batch()
    {
        await using var fake = await FakeRemoteWriteReceiver.StartAsync();
        fake.SpeaksV2 = false;
        await using var vigil = await TestVigil.StartAsync(Config(Endpoint("old", fake.Url, "        protobuf_message: io.prometheus.write.v2.Request")));
        await Push(vigil, Payloads.Series(20, 3, 1_000));
        await WaitFor(() => fake.AcceptedSamples == 60, "delivery as 1.0");
        await Push(vigil, Payloads.Series(20, 1, 2_000));
        await WaitFor(() => fake.AcceptedSamples == 80, "later batches as 1.0");
        Assert.Equal(1, fake.V2Requests);
    }

    [Fact]
    public async Task A_restart_resumes_from_the_saved_position_without_resending()
    {
        await using var fake = await FakeRemoteWriteReceiver.StartAsync();
        using var dir = new TempDir("resume");
        var config = Config(Endpoint("resume", fake.Url));
        await using (var first = await TestVigil.StartAsync(config, dir))
        {
            await Push(first, Payloads.Series(30, 2, 1_000));
            await WaitFor(() => fake.AcceptedSamples == 60, "first run delivered");
        }

        await using (var second = await TestVigil.StartAsync(config, dir))
        {
            await Push(second, Payloads.Series(30, 2, 5_000));
            await WaitFor(() => fake.AcceptedSamples >= 120, "second run delivered");
            await Task.Delay(500);
        }

        Assert.Equal(120, fake.AcceptedSamples);
    }

    [Fact]
    public async Task A_dead_endpoint_keeps_the_wal_under_max_wal_size_counts_its_drops_and_does_not_slow_the_healthy_one()
    {
        await using var dead = await FakeRemoteWriteReceiver.StartAsync();
        dead.Status = 500;
        await using var healthy = await FakeRemoteWriteReceiver.StartAsync();
        const long maxWalSize = 2 << 20;
        var config = Config(Endpoint("dead", dead.Url) + Endpoint("healthy", healthy.Url), "      max_wal_size: 2MiB\n      min_wal_time: 0s");
        await using var vigil = await TestVigil.StartAsync(config);
        long largest = 0;
        const int pushes = 300;
        for (var i = 0; i < pushes; i++)
        {
            await Push(vigil, Payloads.Series(2000, 1, 1_000 + i));
            largest = Math.Max(largest, SegmentBytes(vigil.WalDirectory()));
            if (i % 10 == 9)
            {
                // max_wal_size cuts whoever lags past it, a healthy endpoint too (as in Grafana Agent). Pushing as fast as the
                // receiver takes them outran the healthy queue on a loaded CI machine; ten pushes are ~200 KiB of WAL, well
                // inside 2 MiB, while the dead endpoint's lag still grows past it.
                var pushed = (i + 1) * 2000L;
                await WaitFor(() => healthy.AcceptedSamples == pushed, () => $"the healthy endpoint kept up with push {i + 1} (has {healthy.AcceptedSamples} of {pushed})");
            }
        }

        await WaitFor(() => healthy.AcceptedSamples == pushes * 2000L, () => $"the healthy endpoint got everything (has {healthy.AcceptedSamples})");
        await WaitFor(async () => Metric(await vigil.Client.GetStringAsync("/metrics"), "vigil_remote_write_samples_dropped_total{instance=\"default\",endpoint=\"dead\",reason=\"max_wal_size\"}") > 0, "drops counted");

        // The bound holds to within one check interval's growth: segments are an eighth of it.
        Assert.True(largest <= maxWalSize * 2, $"WAL grew to {largest} bytes with max_wal_size {maxWalSize}");
        // Retention checks the size every 250 ms, so the last pushes may still be over it for a moment.
        await WaitFor(() => SegmentBytes(vigil.WalDirectory()) <= maxWalSize + (maxWalSize / 4), $"the WAL back under max_wal_size (now {SegmentBytes(vigil.WalDirectory())} bytes)");
        Assert.All(healthy.Samples.Values, bag => Assert.Equal(pushes, bag.Count));
        var metrics = await vigil.Client.GetStringAsync("/metrics");
        Assert.Equal(0, Metric(metrics, "vigil_remote_write_samples_dropped_total{instance=\"default\",endpoint=\"healthy\",reason=\"max_wal_size\"}"));
    }

    [Fact]
    public async Task External_labels_are_added_and_write_relabeling_applies_per_endpoint()
    {
        await using var fake = await FakeRemoteWriteReceiver.StartAsync();
        var relabel = """
                    write_relabel_configs:
                      - source_labels: [series]
                        regex: '1.*'
                        action: drop
                      - source_labels: [job]
                        target_label: origin
                        replacement: 'from-$1'
            """;
        var config = $"""
            metrics:
              global:
                external_labels:
                  cluster: edge-1
                  job: overridden-never
              configs:
                - name: default
                  remote_flush_deadline: 2s
                  remote_write:
            {Endpoint("relabel", fake.Url, relabel)}
            """;
        await using var vigil = await TestVigil.StartAsync(config);
        await Push(vigil, Payloads.Series(20, 1, 1_000));

        // series 1 and 10-19 are dropped by relabeling: 11 of 20.
        await WaitFor(() => fake.AcceptedSamples == 9, "the 9 kept series");
        await WaitFor(async () => Metric(await vigil.Client.GetStringAsync("/metrics"), "vigil_remote_write_samples_dropped_total{instance=\"default\",endpoint=\"relabel\",reason=\"relabel\"}") == 11, "relabel drops counted");
        Assert.All(fake.Samples.Keys, labels =>
        {
            Assert.Contains("cluster=edge-1", labels, StringComparison.Ordinal);
            Assert.Contains("job=test", labels, StringComparison.Ordinal); // the series' own label wins over an external one
            Assert.Contains("origin=from-test", labels, StringComparison.Ordinal);
            Assert.DoesNotContain("series=1", labels, StringComparison.Ordinal);
        });
    }

    private static async Task Push(TestVigil vigil, List<Vigil.RemoteWrite.Codec.WriteSeries> series)
    {
        using var response = await vigil.PushAsync(Payloads.V1(series));
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    /// <summary>Bytes in segment files; truncation may delete one between listing and reading its size.</summary>
    private static long SegmentBytes(string walDirectory)
        => new DirectoryInfo(walDirectory).EnumerateFiles().Where(f => f.Name.All(char.IsAsciiDigit)).Sum(f =>
        {
            f.Refresh();
            return f.Exists ? f.Length : 0;
        });

    internal static double Metric(string exposition, string series)
    {
        var match = Regex.Match(exposition, "^" + Regex.Escape(series) + " (\\S+)$", RegexOptions.Multiline);
        return match.Success ? double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture) : 0;
    }

    private static Task WaitFor(Func<bool> condition, string what) => WaitFor(() => Task.FromResult(condition()), () => what);

    private static Task WaitFor(Func<bool> condition, Func<string> what) => WaitFor(() => Task.FromResult(condition()), what);

    private static Task WaitFor(Func<Task<bool>> condition, string what) => WaitFor(condition, () => what);

    /// <summary>Waits for a condition; <paramref name="what"/> is read at the timeout, so it can say where things stood.</summary>
    private static async Task WaitFor(Func<Task<bool>> condition, Func<string> what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"timed out waiting for: {what()}");
            }

            await Task.Delay(50);
        }
    }
}
