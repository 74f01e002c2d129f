using System.Globalization;
using Microsoft.AspNetCore.Routing;
using Vigil.Scrape.Loop;

namespace Vigil.Http;

/// <summary>
/// <c>/api/v1/metadata</c> (GET), as Prometheus 2.42's <c>metricMetadata</c>: per metric family the distinct
/// (type, help, unit) entries the active targets expose, optionally for one <c>metric</c>, at most <c>limit</c>
/// metrics. Go writes its map with sorted keys, so metrics come in name order.
/// </summary>
internal static class MetadataApiEndpoints
{
    public static void MapMetadataEndpoint(this IEndpointRouteBuilder app, QueryApiSources sources)
        => app.Map("/api/v1/metadata", post: false, sources, (request, json) => Metadata(request, json, sources));

    private static ApiAnswer Metadata(ApiRequest request, PrometheusJsonWriter json, QueryApiSources sources)
    {
        int limit = -1;
        string limitText = request.Get("limit");
        if (limitText.Length > 0 && !int.TryParse(limitText, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit))
        {
            throw ApiException.BadData("limit must be a number");
        }

        var metrics = Collect(sources.Metadata(), request.Get("metric"), limit);
        var names = metrics.Keys.ToList();
        names.Sort(StringComparer.Ordinal);
        if (limit >= 0 && names.Count > limit)
        {
            names.RemoveRange(limit, names.Count - limit);
        }

        json.Byte((byte)'{');
        for (int i = 0; i < names.Count; i++)
        {
            json.Raw(i == 0 ? ""u8 : ","u8);
            json.String(names[i]);
            json.Raw(":["u8);
            var entries = metrics[names[i]];
            for (int e = 0; e < entries.Count; e++)
            {
                json.Raw(e == 0 ? "{\"type\":"u8 : ",{\"type\":"u8);
                json.String(entries[e].Type);
                json.Raw(",\"help\":"u8);
                json.String(entries[e].Help);
                json.Raw(",\"unit\":"u8);
                json.String(entries[e].Unit);
                json.Byte((byte)'}');
            }

            json.Byte((byte)']');
        }

        json.Byte((byte)'}');
        return ApiAnswer.Written;
    }

    /// <summary>
    /// Distinct entries per metric over every target. Like Prometheus, collection stops taking new metrics once
    /// <paramref name="limit"/> are known (the limit is on metrics, not entries).
    /// </summary>
    private static Dictionary<string, List<MetricMetadata>> Collect(IEnumerable<ScrapeMetadata> targets, string metric, int limit)
    {
        var metrics = new Dictionary<string, List<MetricMetadata>>(StringComparer.Ordinal);
        var scratch = new List<MetricMetadata>();
        foreach (var target in targets)
        {
            scratch.Clear();
            if (metric.Length == 0)
            {
                target.CopyTo(scratch);
            }
            else if (target.TryGet(metric, out var one))
            {
                scratch.Add(one);
            }

            foreach (var entry in scratch)
            {
                if (!metrics.TryGetValue(entry.Metric, out var entries))
                {
                    if (limit >= 0 && metrics.Count >= limit)
                    {
                        break;
                    }

                    metrics.Add(entry.Metric, entries = []);
                }

                if (!entries.Exists(e => e.Type == entry.Type && e.Help == entry.Help && e.Unit == entry.Unit))
                {
                    entries.Add(entry);
                }
            }
        }

        return metrics;
    }
}
