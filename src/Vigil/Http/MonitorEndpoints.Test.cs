using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Monitors;
using Vigil.Monitors.Templates;

namespace Vigil.Http;

/// <summary>
/// <c>POST /api/v1/monitors/test</c>: the create body, collected once and not saved. Answers 200 with
/// <c>{"status": "up"|"down", "reason", "error", "duration_seconds", "groups": [{"name", "rows": [{"labels", "values"}]}],
/// "samples": [{"labels", "value"}]}</c> (samples: the series a template does not declare, e.g. a scraped page's, with
/// the value as a string as Prometheus's API writes one, so NaN and ±Inf survive JSON);
/// only the validation of the body is a 400. Values are measurements, so no param (secret or not) is echoed.
/// </summary>
internal static partial class MonitorEndpoints
{
    private static async Task TestAsync(HttpContext ctx, MonitorPlatform platform)
    {
        var draft = await ReadDraftAsync(ctx).ConfigureAwait(false);
        var (_, outcome) = await platform.Service.TestAsync(draft).ConfigureAwait(false);
        await WriteJsonAsync(ctx, 200, json =>
        {
            json.WriteStartObject();
            json.WriteString("status"u8, outcome.Reason is null ? "up" : "down");
            json.WriteString("reason"u8, outcome.Reason);
            json.WriteString("error"u8, outcome.Error);
            json.WriteNumber("duration_seconds"u8, outcome.Duration.TotalSeconds);
            json.WriteStartArray("groups"u8);
            foreach (var group in outcome.Rows.Groups)
            {
                WriteGroup(json, group);
            }

            json.WriteEndArray();
            WriteSamples(json, outcome.Rows.Samples);
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static void WriteSamples(Utf8JsonWriter json, Vigil.Monitors.Collectors.SeriesSamples samples)
    {
        json.WriteStartArray("samples"u8);
        for (var i = 0; i < samples.Count; i++)
        {
            json.WriteStartObject();
            json.WriteStartObject("labels"u8);
            foreach (var (name, value) in samples[i].Series.Labels)
            {
                json.WriteString(name, value);
            }

            json.WriteEndObject();
            var number = samples[i].Value;
            json.WriteString("value"u8, double.IsPositiveInfinity(number) ? "+Inf" : double.IsNegativeInfinity(number) ? "-Inf"
                : number.ToString("R", System.Globalization.CultureInfo.InvariantCulture));
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private static void WriteGroup(Utf8JsonWriter json, Vigil.Monitors.Collectors.CollectionRows.GroupRows group)
    {
        json.WriteStartObject();
        json.WriteString("name"u8, group.Group.Name);
        json.WriteStartArray("rows"u8);
        for (var r = 0; r < group.Count; r++)
        {
            var row = group[r];
            json.WriteStartObject();
            json.WriteStartObject("labels"u8);
            for (var f = 0; f < group.Group.Fields.Count; f++)
            {
                if (group.Group.Fields[f].Kind == FieldKind.Label && row.Labels[f] is { } label)
                {
                    json.WriteString(group.Group.Fields[f].Metric, label);
                }
            }

            json.WriteEndObject();
            json.WriteStartObject("values"u8);
            for (var f = 0; f < group.Group.Fields.Count; f++)
            {
                if (group.Group.Fields[f].Kind != FieldKind.Label && double.IsFinite(row.Values[f]))
                {
                    json.WriteNumber(group.Group.Fields[f].Metric, row.Values[f]);
                }
            }

            json.WriteEndObject();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }
}
