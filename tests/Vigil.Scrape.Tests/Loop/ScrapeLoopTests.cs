using Vigil.Common.Config;
using Vigil.Scrape.Loop;

namespace Vigil.Scrape.Tests.Loop;

public sealed class ScrapeLoopTests
{
    private const string TwoSeries = "# TYPE a gauge\na 1\nb{x=\"y\"} 2\n";

    [Fact]
    public async Task Synthetic_series_describe_each_scrape_with_the_target_labels()
    {
        await using var h = ScrapeLoopHarness.Start(TargetResponse.Text(TwoSeries));
        int up = await h.WaitForUpAsync();
        int next = await h.WaitForUpAsync(up + 1);
        var batches = h.Appender.Batches;

        IReadOnlyList<AppendedSample> first = batches[up];
        Assert.Equal(1, first.ValueOf("up"));
        Assert.Equal(2, first.ValueOf("scrape_samples_scraped"));
        Assert.Equal(2, first.ValueOf("scrape_samples_post_metric_relabeling"));
        Assert.Equal(2, first.ValueOf("scrape_series_added"));
        Assert.InRange(first.ValueOf("scrape_duration_seconds"), 0.0, 1.0);
        Assert.Equal(0, batches[next].ValueOf("scrape_series_added"));

        AppendedSample upSample = first.Single("up");
        Assert.Equal($"{{__name__=\"up\", instance=\"{h.Target.Instance}\", job=\"test\"}}", upSample.Series.ToString());
        Assert.All(first, s => Assert.Equal(upSample.TimestampMs, s.TimestampMs));
        Assert.Equal($"{{__name__=\"b\", instance=\"{h.Target.Instance}\", job=\"test\", x=\"y\"}}", first.Single("b").Series.ToString());

        Assert.Equal(TargetHealth.Up, h.Loop.Status.Health);
        Assert.Null(h.Loop.Status.LastError);
        Assert.NotNull(h.Loop.Status.LastScrape);
    }

    [Fact]
    public async Task Series_objects_and_relabel_results_are_cached_across_scrapes()
    {
        await using var h = ScrapeLoopHarness.Start(TargetResponse.Text(TwoSeries));
        int first = await h.WaitForUpAsync();
        int later = await h.WaitForUpAsync(first + 2);
        var batches = h.Appender.Batches;

        Assert.Same(batches[first].Single("b").Series, batches[later].Single("b").Series);
        Assert.Same(batches[first].Single("up").Series, batches[later].Single("up").Series);
        Assert.Equal(2, h.Loop.CachedSeries);
    }

    [Fact]
    public async Task A_series_that_disappears_gets_one_stale_marker_at_the_next_scrape()
    {
        await using var h = ScrapeLoopHarness.Start(TargetResponse.Text(TwoSeries));
        int had = await h.WaitForUpAsync();
        h.Server.Response = TargetResponse.Text("a 1\n");

        // The first scrape without a live b: usually the second after the switch, later when a scrape in flight at
        // the switch or a timed-out one on a loaded machine comes between (a CI failure assumed two were enough).
        var batches = h.Appender.Batches;
        int dropped = -1;
        for (int next = had + 1; dropped < 0 && next < had + 20; next++)
        {
            batches = await h.WaitForScrapesAsync(next + 1);
            dropped = batches[next].ValueOf("up") == 1 && !batches[next].Any(s => s.Name == "b" && !s.IsStale) ? next : -1;
        }

        Assert.True(dropped > had, "b never disappeared after the target stopped exposing it");
        batches = await h.WaitForScrapesAsync(dropped + 2);
        AppendedSample stale = batches[dropped].Single("b");
        Assert.Equal(0x7ff0000000000002UL, BitConverter.DoubleToUInt64Bits(stale.Value));
        Assert.Equal(batches[dropped].Single("up").TimestampMs, stale.TimestampMs);
        Assert.Equal(1, batches[dropped].Single("a").Value);
        Assert.DoesNotContain(batches[dropped + 1], s => s.Name == "b");
    }

    [Fact]
    public async Task A_failing_target_reports_up_0_and_marks_every_series_stale_once()
    {
        await using var h = ScrapeLoopHarness.Start(TargetResponse.Text(TwoSeries));
        int had = await h.WaitForUpAsync();
        h.Server.Response = new TargetResponse([], Status: 500);
        var batches = await h.WaitForScrapesAsync(had + 4);

        int failed = Enumerable.Range(had, batches.Count - had).First(i => batches[i].ValueOf("up") == 0);
        batches = await h.WaitForScrapesAsync(failed + 2);
        AppendedSample[] stale = batches[failed].Scraped();
        Assert.Equal(["a", "b"], stale.Select(s => s.Name).Order());
        Assert.All(stale, s => Assert.Equal(StaleMarker.Bits, BitConverter.DoubleToUInt64Bits(s.Value)));
        Assert.Empty(batches[failed + 1].Scraped());
        Assert.Equal(0, batches[failed + 1].ValueOf("up"));

        // Earlier samples stay committed; the failure only adds.
        Assert.Equal(1, batches[had].Single("a").Value);
        Assert.Equal(TargetHealth.Down, h.Loop.Status.Health);
        Assert.Equal("server returned HTTP status 500 Status500", h.Loop.Status.LastError);
    }

    [Fact]
    public async Task Stopping_because_the_target_went_away_marks_all_its_series_stale()
    {
        await using var h = ScrapeLoopHarness.Start(TargetResponse.Text(TwoSeries));
        await h.WaitForUpAsync();
        await h.Loop.StopAsync(writeStaleMarkers: true);

        IReadOnlyList<AppendedSample> last = h.Appender.Batches[^1];
        Assert.Equal(7, last.Count);
        Assert.All(last, s => Assert.True(s.IsStale, s.ToString()));
        Assert.Contains(last, s => s.Name == "up");
        Assert.Contains(last, s => s.Name == "b");
    }

    [Theory]
    [InlineData(false, "{__name__=\"m\", exported_instance=\"x\", exported_job=\"scraped\", instance=\"$I\", job=\"test\", zone=\"eu\"}")]
    [InlineData(true, "{__name__=\"m\", instance=\"x\", job=\"scraped\", zone=\"eu\"}")]
    public async Task Honor_labels_decides_who_wins_a_label_clash(bool honor, string expected)
    {
        await using var h = ScrapeLoopHarness.Start(
            TargetResponse.Text("m{job=\"scraped\",instance=\"x\"} 1\n"), c => c with { HonorLabels = honor }, ("zone", "eu"));
        var batch = await h.WaitForUpBatchAsync();

        Assert.Equal(expected.Replace("$I", h.Target.Instance, StringComparison.Ordinal), batch.Single("m").Series.ToString());
    }

    [Theory]
    [InlineData(RelabelAction.Drop, new[] { "a" })]
    [InlineData(RelabelAction.Keep, new[] { "b" })]
    public async Task Metric_relabel_configs_drop_and_keep_series(RelabelAction action, string[] kept)
    {
        var rule = new RelabelConfig
        {
            Action = action,
            SourceLabels = ["__name__"],
            RegexPattern = "b",
            Regex = RelabelConfig.Compile("b"),
        };
        await using var h = ScrapeLoopHarness.Start(TargetResponse.Text(TwoSeries), c => c with { MetricRelabelConfigs = [rule] });
        var batch = await h.WaitForUpBatchAsync();

        Assert.Equal(kept, batch.Scraped().Select(s => s.Name));
        Assert.Equal(2, batch.ValueOf("scrape_samples_scraped"));
        Assert.Equal(1, batch.ValueOf("scrape_samples_post_metric_relabeling"));
    }

    [Fact]
    public async Task Exceeding_sample_limit_fails_the_scrape()
    {
        await using var h = ScrapeLoopHarness.Start(TargetResponse.Text(TwoSeries), c => c with { SampleLimit = 1 });
        var batches = await h.WaitForScrapesAsync(2);

        Assert.Equal(0, batches[0].ValueOf("up"));
        Assert.Empty(batches[0].Scraped());
        Assert.Equal(TargetHealth.Down, h.Loop.Status.Health);
        Assert.StartsWith("sample_limit exceeded", h.Loop.Status.LastError, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Exceeding_label_limit_fails_the_scrape()
    {
        // b has __name__, x, instance and job: four labels.
        await using var h = ScrapeLoopHarness.Start(TargetResponse.Text(TwoSeries), c => c with { LabelLimit = 3 });
        var batches = await h.WaitForScrapesAsync(1);

        Assert.Equal(0, batches[0].ValueOf("up"));
        Assert.StartsWith("label_limit exceeded (metric: b", h.Loop.Status.LastError, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Honor_timestamps_decides_whose_timestamp_a_sample_gets(bool honor)
    {
        await using var h = ScrapeLoopHarness.Start(TargetResponse.Text("m 1 1000\n"), c => c with { HonorTimestamps = honor });
        var batch = await h.WaitForUpBatchAsync();

        long expected = honor ? 1000 : batch.Single("up").TimestampMs;
        Assert.Equal(expected, batch.Single("m").TimestampMs);
    }

    [Fact]
    public async Task Requests_negotiate_like_Prometheus()
    {
        await using var h = ScrapeLoopHarness.Start(TargetResponse.Text(TwoSeries));
        await h.WaitForScrapesAsync(1);

        Assert.True(h.Server.Requests.TryPeek(out Dictionary<string, string>? headers));
        Assert.Equal(ScrapeClient.AcceptHeader, headers["accept"]);
        Assert.Equal("gzip", headers["accept-encoding"]);
        Assert.Equal("0.15", headers["x-prometheus-scrape-timeout-seconds"]);
    }

    [Theory]
    [InlineData(0UL, 0L, 100L)]
    [InlineData(30UL, 0L, 30L)]
    [InlineData(30UL, 20L, 10L)]
    [InlineData(30UL, 50L, 80L)]
    [InlineData(130UL, 50L, 80L)]
    public void The_first_scrape_waits_for_the_target_s_slot_in_the_interval(ulong hash, long nowMs, long expectedMs)
    {
        // Hashes are in ticks; the interval is 100 ms = 1,000,000 ticks, so scale the table's milliseconds.
        const long TicksPerMs = TimeSpan.TicksPerMillisecond;
        TimeSpan delay = ScrapeLoop.InitialDelay(
            hash * TicksPerMs, TimeSpan.FromMilliseconds(100), DateTimeOffset.UnixEpoch.AddMilliseconds(nowMs));

        Assert.Equal(TimeSpan.FromMilliseconds(expectedMs), delay);
    }
}
