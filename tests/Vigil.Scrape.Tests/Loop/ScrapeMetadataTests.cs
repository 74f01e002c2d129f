using System.Text;
using Vigil.Scrape.Loop;
using Vigil.Scrape.Parsing;

namespace Vigil.Scrape.Tests.Loop;

/// <summary>
/// Metric metadata (HELP, TYPE, UNIT) kept per target for /api/v1/metadata (issue 6): as Prometheus's scrapeCache
/// keeps it, per family, forgotten after 10 successful scrapes without it, bounded.
/// </summary>
public sealed class ScrapeMetadataTests
{
    private const string Text = """
        # HELP http_requests_total Requests \\ served.\nSecond line.
        # TYPE http_requests_total counter
        http_requests_total{code="200"} 3
        # TYPE temperature gauge
        temperature 21
        # HELP only_help Help without a type.
        only_help 1
        # TYPE legacy untyped
        legacy 1

        """;

    private const string OpenMetrics = """
        # TYPE request_duration_seconds histogram
        # UNIT request_duration_seconds seconds
        # HELP request_duration_seconds How long.
        request_duration_seconds_bucket{le="+Inf"} 1
        request_duration_seconds_count 1
        request_duration_seconds_sum 0.5
        # TYPE build info
        build_info{version="1"} 1
        # EOF

        """;

    [Fact]
    public void Text_format_families_get_their_type_and_help()
    {
        var metadata = new ScrapeMetadata();
        Feed(metadata, Text, ExpositionFormat.PrometheusText, iteration: 1);
        Assert.Equal(
            [
                new MetricMetadata("http_requests_total", "counter", "Requests \\ served.\nSecond line.", ""),
                new MetricMetadata("legacy", "unknown", "", ""),
                new MetricMetadata("only_help", "unknown", "Help without a type.", ""),
                new MetricMetadata("temperature", "gauge", "", ""),
            ],
            All(metadata));
    }

    [Fact]
    public void OpenMetrics_families_get_their_unit_and_types()
    {
        var metadata = new ScrapeMetadata();
        Feed(metadata, OpenMetrics, ExpositionFormat.OpenMetrics, iteration: 1);
        Assert.True(metadata.TryGet("request_duration_seconds", out var histogram));
        Assert.Equal(new MetricMetadata("request_duration_seconds", "histogram", "How long.", "seconds"), histogram);
        Assert.True(metadata.TryGet("build", out var info));
        Assert.Equal("info", info.Type);
        Assert.False(metadata.TryGet("request_duration_seconds_bucket", out _));
    }

    [Fact]
    public void A_changed_help_replaces_the_old_one_and_missing_families_are_forgotten_after_ten_scrapes()
    {
        var metadata = new ScrapeMetadata();
        Feed(metadata, Text, ExpositionFormat.PrometheusText, iteration: 1);
        for (int iteration = 2; iteration <= 11; iteration++)
        {
            Feed(metadata, "# HELP temperature Now in Celsius.\n# TYPE temperature gauge\ntemperature 20\n", ExpositionFormat.PrometheusText, iteration);
            metadata.Sweep(iteration);
            Assert.Equal(4, metadata.Count);
        }

        Feed(metadata, "# HELP temperature Now in Celsius.\ntemperature 20\n", ExpositionFormat.PrometheusText, iteration: 12);
        metadata.Sweep(12);
        Assert.Equal([new MetricMetadata("temperature", "gauge", "Now in Celsius.", "")], All(metadata));
    }

    [Fact]
    public void The_number_of_families_is_bounded()
    {
        var metadata = new ScrapeMetadata();
        var body = new StringBuilder();
        for (int i = 0; i < ScrapeMetadata.MaxFamilies + 10; i++)
        {
            body.Append("# TYPE m").Append(i).Append(" gauge\n");
        }

        Feed(metadata, body.ToString(), ExpositionFormat.PrometheusText, iteration: 1);
        Assert.Equal(ScrapeMetadata.MaxFamilies, metadata.Count);
        Assert.False(metadata.TryGet("m" + (ScrapeMetadata.MaxFamilies + 5), out _));
    }

    [Fact]
    public async Task The_scrape_loop_records_what_its_target_exposes()
    {
        await using var h = ScrapeLoopHarness.Start(TargetResponse.Text(Text));
        await h.WaitForUpAsync();
        Assert.True(h.Loop.Metadata.TryGet("temperature", out var temperature));
        Assert.Equal("gauge", temperature.Type);
        Assert.Equal(4, h.Loop.Metadata.Count);
    }

    private static void Feed(ScrapeMetadata metadata, string body, ExpositionFormat format, int iteration)
    {
        var parser = new ExpositionParser(Encoding.UTF8.GetBytes(body), format, new ExpositionScratch());
        while (parser.TryNext(out ExpositionEntry entry))
        {
            metadata.Record(entry, iteration);
        }

        Assert.False(parser.Failed, parser.Failed ? parser.Error.ToString() : null);
    }

    private static List<MetricMetadata> All(ScrapeMetadata metadata)
    {
        var all = new List<MetricMetadata>();
        metadata.CopyTo(all);
        all.Sort((a, b) => string.CompareOrdinal(a.Metric, b.Metric));
        return all;
    }
}
