using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Vigil.Common.Config;
using Vigil.Monitors;
using Vigil.Monitors.Model;
using Vigil.Monitors.Store;

namespace Vigil.Http;

/// <summary>Reading request bodies and writing monitors and errors.</summary>
internal static partial class MonitorEndpoints
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    /// <summary>The issue's JSON shape; unknown keys are refused so a typo (<c>intervall</c>) is not silently dropped.</summary>
    private static async Task<MonitorDraft> ReadDraftAsync(HttpContext ctx)
    {
        var text = await ReadTextAsync(ctx).ConfigureAwait(false);
        using var document = JsonDocument.Parse(text.Length == 0 ? "null" : text);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new MonitorValidationException("(body)", "expected a JSON object");
        }

        foreach (var property in root.EnumerateObject())
        {
            if (property.Name is not ("name" or "app" or "interval" or "labels" or "description" or "instance" or "params"
                or "id" or "status" or "last_error" or "created" or "updated" or "lease"))
            {
                throw new MonitorValidationException(property.Name, "unknown field");
            }
        }

        return new MonitorDraft
        {
            Name = OptionalString(root, "name"),
            App = OptionalString(root, "app"),
            Interval = OptionalString(root, "interval"),
            Description = OptionalString(root, "description"),
            Instance = OptionalString(root, "instance"),
            Labels = root.TryGetProperty("labels", out var labels) && labels.ValueKind != JsonValueKind.Null ? MonitorCodec.ReadStringMap(labels, "labels") : null,
            Params = root.TryGetProperty("params", out var parameters) && parameters.ValueKind != JsonValueKind.Null
                ? MonitorCodec.ReadParams(parameters, "params")
                : new Dictionary<string, ParamValue>(),
        };
    }

    /// <summary>Fields a GET returns (status, id, times) are accepted back and ignored, so a client can PUT what it read.</summary>
    private static string? OptionalString(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind != JsonValueKind.Null ? MonitorCodec.ScalarText(value, name) : null;

    private static async Task<string> ReadTextAsync(HttpContext ctx)
    {
        if (ctx.Request.ContentLength > MaxBodyBytes)
        {
            throw new MonitorValidationException("(body)", string.Create(CultureInfo.InvariantCulture, $"larger than {MaxBodyBytes} bytes"));
        }

        using var reader = new StreamReader(ctx.Request.Body, Encoding.UTF8);
        var buffer = new char[MaxBodyBytes + 1];
        var total = 0;
        int read;
        while ((read = await reader.ReadAsync(buffer.AsMemory(total), ctx.RequestAborted).ConfigureAwait(false)) > 0)
        {
            total += read;
            if (total > MaxBodyBytes)
            {
                throw new MonitorValidationException("(body)", string.Create(CultureInfo.InvariantCulture, $"larger than {MaxBodyBytes} bytes"));
            }
        }

        return new string(buffer, 0, total);
    }

    private static async Task ReplyMonitorAsync(HttpContext ctx, MonitorPlatform platform, MonitorDefinition? monitor, int status, bool withLease)
    {
        if (monitor is null)
        {
            await ErrorAsync(ctx, 404, "not_found", "id", $"no monitor '{ctx.Request.RouteValues["id"]}'").ConfigureAwait(false);
            return;
        }

        await WriteJsonAsync(ctx, status, json => WriteMonitor(json, monitor, platform, withLease ? platform.Scheduler.Lease(monitor.Id) : null)).ConfigureAwait(false);
    }

    /// <summary>One monitor. Secret params (per its template) are left out; a monitor whose template is gone shows no params at all.</summary>
    private static void WriteMonitor(Utf8JsonWriter json, MonitorDefinition monitor, MonitorPlatform platform, Vigil.Monitors.Collectors.LeaseState? lease)
    {
        var template = platform.Catalog.Find(monitor.App);
        json.WriteStartObject();
        json.WriteString("id"u8, monitor.Id);
        json.WriteString("name"u8, monitor.Name);
        json.WriteString("app"u8, monitor.App);
        json.WriteString("interval"u8, PromDuration.Format(monitor.Interval));
        json.WriteString("instance"u8, monitor.Instance);
        json.WritePropertyName("labels"u8);
        JsonSerializer.Serialize(json, monitor.Labels, StoreJsonContext.Default.IReadOnlyDictionaryStringString);
        json.WriteString("description"u8, monitor.Description);
        json.WriteString("status"u8, MonitorStatusNames.Name(monitor.Status));
        json.WriteString("last_error"u8, monitor.LastError);
        json.WritePropertyName("params"u8);
        MonitorCodec.WriteParams(json, monitor.Params, field => template is not null && !template.IsSecret(field));
        json.WriteString("created"u8, monitor.Created.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        json.WriteString("updated"u8, monitor.Updated.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
        if (lease is not null)
        {
            json.WriteStartObject("lease"u8);
            json.WriteString("state"u8, lease.State);
            json.WriteString("protocol"u8, lease.Protocol);
            json.WriteString("fingerprint"u8, lease.Fingerprint);
            if (lease.RetryAt is { } retry)
            {
                json.WriteString("retry_at"u8, retry.UtcDateTime.ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture));
            }

            json.WriteEndObject();
        }

        json.WriteEndObject();
    }

    private static Task ErrorAsync(HttpContext ctx, int status, string type, string? field, string message) => WriteJsonAsync(ctx, status, json =>
    {
        json.WriteStartObject();
        json.WriteString("status"u8, "error"u8);
        json.WriteString("errorType"u8, type);
        if (field is not null)
        {
            json.WriteString("field"u8, field);
        }

        json.WriteString("error"u8, message);
        json.WriteEndObject();
    });

    private static async Task WriteJsonAsync(HttpContext ctx, int status, Action<Utf8JsonWriter> write)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(ctx.Response.BodyWriter, WriterOptions);
        write(json);
        await json.FlushAsync(ctx.RequestAborted).ConfigureAwait(false);
    }
}
