using System.Text;
using Vigil.Scrape.Loop;
using Vigil.Scrape.Parsing;

namespace Vigil.Tests.Http;

/// <summary><c>/api/v1/metadata</c> over the metadata of several targets, in Prometheus 2.42's shape.</summary>
public sealed class MetadataEndpointTests
{
    private static readonly ScrapeMetadata[] s_targets =
    [
        Target("# HELP up_time Seconds up.\n# TYPE up_time gauge\nup_time 1\n# TYPE requests counter\nrequests 1\n"),
        Target("# HELP up_time Seconds up.\n# TYPE up_time gauge\nup_time 2\n# HELP requests Other help.\n# TYPE requests counter\nrequests 1\n"),
        Target("# TYPE zeta summary\nzeta_count 1\n"),
    ];

    [Fact]
    public async Task Every_metric_gets_its_distinct_entries_in_name_order()
    {
        await using var host = await QueryApiHost.StartAsync(metadata: s_targets);
        var (status, body) = await host.GetAsync("/api/v1/metadata");
        Assert.Equal(200, status);
        Assert.Equal(
            "{\"status\":\"success\",\"data\":{" +
            "\"requests\":[{\"type\":\"counter\",\"help\":\"\",\"unit\":\"\"},{\"type\":\"counter\",\"help\":\"Other help.\",\"unit\":\"\"}]," +
            "\"up_time\":[{\"type\":\"gauge\",\"help\":\"Seconds up.\",\"unit\":\"\"}]," +
            "\"zeta\":[{\"type\":\"summary\",\"help\":\"\",\"unit\":\"\"}]}}",
            body);
    }

    [Fact]
    public async Task Metric_and_limit_narrow_the_answer()
    {
        await using var host = await QueryApiHost.StartAsync(metadata: s_targets);
        Assert.Equal("{\"status\":\"success\",\"data\":{\"up_time\":[{\"type\":\"gauge\",\"help\":\"Seconds up.\",\"unit\":\"\"}]}}", (await host.GetAsync("/api/v1/metadata?metric=up_time")).Body);
        Assert.Equal("{\"status\":\"success\",\"data\":{}}", (await host.GetAsync("/api/v1/metadata?metric=nonexistent")).Body);
        Assert.Equal("{\"status\":\"success\",\"data\":{}}", (await host.GetAsync("/api/v1/metadata?limit=0")).Body);
        Assert.Equal(2, (await host.DataAsync("/api/v1/metadata?limit=2")).EnumerateObject().Count());
        Assert.Equal(3, (await host.DataAsync("/api/v1/metadata?limit=-1")).EnumerateObject().Count());
        var (status, body) = await host.GetAsync("/api/v1/metadata?limit=abc");
        Assert.Equal(400, status);
        Assert.Equal("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"limit must be a number\"}", body);
    }

    private static ScrapeMetadata Target(string exposition)
    {
        var metadata = new ScrapeMetadata();
        var parser = new ExpositionParser(Encoding.UTF8.GetBytes(exposition), ExpositionFormat.PrometheusText, new ExpositionScratch());
        while (parser.TryNext(out ExpositionEntry entry))
        {
            metadata.Record(entry, 1);
        }

        return metadata;
    }
}
