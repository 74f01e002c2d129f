using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Common.Config;
using Vigil.Instances;
using Vigil.Scrape.Loop;
using Vigil.Scrape.Pool;

namespace Vigil.Http;

/// <summary>
/// The scrape targets of every instance: Grafana Agent's <c>/agent/api/v1/metrics/targets</c> and,
/// for tools that expect it, Prometheus's <c>/api/v1/targets</c> (issue 4, "Targets API").
/// </summary>
internal static class TargetsEndpoints
{
    public static IEndpointRouteBuilder MapTargets(this IEndpointRouteBuilder app, InstanceManager instances)
    {
        app.MapGet("/agent/api/v1/metrics/targets", ctx => WriteAgentAsync(ctx, instances));
        app.MapGet("/api/v1/targets", ctx => WritePrometheusAsync(ctx, instances));
        return app;
    }

    private static IEnumerable<(string Instance, ScrapeManager Scrapes)> Managers(InstanceManager instances)
    {
        foreach (var name in instances.Names)
        {
            if (instances.Find(name)?.Current?.Scrapes is { } scrapes)
            {
                yield return (name, scrapes);
            }
        }
    }

    /// <summary>Grafana Agent's shape: one flat list with the instance on each target.</summary>
    private static async Task WriteAgentAsync(HttpContext ctx, InstanceManager instances)
    {
        ctx.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(ctx.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status"u8, "success"u8);
        json.WriteStartArray("data"u8);
        foreach (var (instance, scrapes) in Managers(instances))
        {
            foreach (var active in scrapes.Active)
            {
                var status = active.Loop.Status;
                json.WriteStartObject();
                json.WriteString("instance"u8, instance);
                json.WriteString("target_group"u8, active.Job);
                json.WriteString("endpoint"u8, active.Target.Url);
                json.WriteString("state"u8, Health(status.Health));
                WriteLabels(json, "labels"u8, active.Target.Labels);
                WriteLabels(json, "discovered_labels"u8, active.Target.DiscoveredLabels);
                WriteTime(json, "last_scrape"u8, status.LastScrape);
                json.WriteNumber("scrape_duration_ms"u8, (long)status.LastScrapeDuration.TotalMilliseconds);
                json.WriteString("scrape_error"u8, status.LastError ?? "");
                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        await json.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    /// <summary>Prometheus's <c>/api/v1/targets</c> shape (activeTargets and droppedTargets).</summary>
    private static async Task WritePrometheusAsync(HttpContext ctx, InstanceManager instances)
    {
        ctx.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(ctx.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status"u8, "success"u8);
        json.WriteStartObject("data"u8);
        json.WriteStartArray("activeTargets"u8);
        foreach (var (_, scrapes) in Managers(instances))
        {
            foreach (var active in scrapes.Active)
            {
                var status = active.Loop.Status;
                json.WriteStartObject();
                WriteLabels(json, "discoveredLabels"u8, active.Target.DiscoveredLabels);
                WriteLabels(json, "labels"u8, active.Target.Labels);
                json.WriteString("scrapePool"u8, active.Job);
                json.WriteString("scrapeUrl"u8, active.Target.Url);
                json.WriteString("globalUrl"u8, active.Target.Url);
                json.WriteString("lastError"u8, status.LastError ?? "");
                WriteTime(json, "lastScrape"u8, status.LastScrape);
                json.WriteNumber("lastScrapeDuration"u8, status.LastScrapeDuration.TotalSeconds);
                json.WriteString("health"u8, Health(status.Health));
                json.WriteString("scrapeInterval"u8, PromDuration.Format(active.Target.Interval));
                json.WriteString("scrapeTimeout"u8, PromDuration.Format(active.Target.Timeout));
                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
        json.WriteStartArray("droppedTargets"u8);
        foreach (var (_, scrapes) in Managers(instances))
        {
            foreach (var (_, dropped) in scrapes.Dropped)
            {
                json.WriteStartObject();
                WriteLabels(json, "discoveredLabels"u8, dropped.DiscoveredLabels);
                json.WriteEndObject();
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
        await json.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }

    private static string Health(TargetHealth health) => health switch
    {
        TargetHealth.Up => "up",
        TargetHealth.Down => "down",
        _ => "unknown",
    };

    private static void WriteLabels(Utf8JsonWriter json, ReadOnlySpan<byte> property, (string Name, string Value)[] labels)
    {
        json.WriteStartObject(property);
        foreach (var (name, value) in labels)
        {
            json.WriteString(name, value);
        }

        json.WriteEndObject();
    }

    /// <summary>RFC 3339 in UTC, as both APIs print times; the zero time when never scraped (as Prometheus).</summary>
    private static void WriteTime(Utf8JsonWriter json, ReadOnlySpan<byte> property, DateTimeOffset? time)
        => json.WriteString(property, (time ?? DateTimeOffset.UnixEpoch.AddYears(-1969)).UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
}
