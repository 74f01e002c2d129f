using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Common.Config;
using Vigil.Monitors;
using Vigil.Monitors.Templates;

namespace Vigil.Http;

/// <summary><c>GET /api/v1/monitor-types</c>: every template with its parameter schema, enough for a UI to draw the form.</summary>
internal static partial class MonitorEndpoints
{
    private static Task WriteTypesAsync(HttpContext ctx, MonitorPlatform platform) => WriteJsonAsync(ctx, 200, json =>
    {
        json.WriteStartObject();
        json.WriteStartArray("types"u8);
        foreach (var template in platform.Catalog.All)
        {
            WriteType(json, template);
        }

        json.WriteEndArray();
        json.WriteStartArray("errors"u8);
        foreach (var error in platform.Catalog.Errors)
        {
            json.WriteStringValue(error);
        }

        json.WriteEndArray();
        json.WriteEndObject();
    });

    private static void WriteType(Utf8JsonWriter json, MonitorTemplate template)
    {
        json.WriteStartObject();
        json.WriteString("app"u8, template.App);
        json.WriteString("category"u8, template.Category);
        json.WriteString("protocol"u8, template.Protocol);
        WriteLocalized(json, "name", template.Name);
        WriteLocalized(json, "help", template.Help);
        json.WriteStartArray("params"u8);
        foreach (var param in template.Params)
        {
            WriteParam(json, param);
        }

        json.WriteEndArray();
        json.WriteStartArray("metrics"u8);
        foreach (var group in template.Metrics)
        {
            json.WriteStartObject();
            json.WriteString("name"u8, group.Name);
            json.WriteNumber("priority"u8, group.Priority);
            json.WriteString("interval"u8, group.Interval is { } interval ? PromDuration.Format(interval) : null);
            json.WriteStartArray("fields"u8);
            foreach (var field in group.Fields)
            {
                json.WriteStartObject();
                json.WriteString("field"u8, field.Field);
                json.WriteString("type"u8, field.Kind.ToString().ToLowerInvariant());
                json.WriteString(field.Kind == FieldKind.Label ? "label"u8 : "metric"u8, field.Metric);
                json.WriteString("unit"u8, field.Unit);
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    private static void WriteParam(Utf8JsonWriter json, TemplateParam param)
    {
        json.WriteStartObject();
        json.WriteString("field"u8, param.Field);
        WriteLocalized(json, "name", param.Name);
        json.WriteString("type"u8, param.Type == ParamType.KeyValue ? "key-value" : param.Type.ToString().ToLowerInvariant());
        json.WriteBoolean("required"u8, param.Required);
        json.WriteBoolean("secret"u8, param.Secret);
        json.WriteString("default"u8, param.Default);
        if (param.Min is { } min)
        {
            json.WriteNumber("min"u8, min);
        }

        if (param.Max is { } max)
        {
            json.WriteNumber("max"u8, max);
        }

        if (param.Options.Count > 0)
        {
            json.WriteStartArray("options"u8);
            foreach (var option in param.Options)
            {
                json.WriteStringValue(option);
            }

            json.WriteEndArray();
        }

        json.WriteEndObject();
    }

    private static void WriteLocalized(Utf8JsonWriter json, string property, LocalizedText text)
    {
        json.WriteStartObject(property);
        foreach (var (language, value) in text.ByLanguage)
        {
            json.WriteString(language, value);
        }

        json.WriteEndObject();
    }
}
