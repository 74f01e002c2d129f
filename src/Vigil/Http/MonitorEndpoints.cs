using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Common.Config;
using Vigil.Monitors;
using Vigil.Monitors.Model;
using Vigil.Monitors.Store;

namespace Vigil.Http;

/// <summary>
/// <c>/api/v1/monitors</c> and <c>/api/v1/monitor-types</c> (issue 7). Bodies are JSON in the shape;
/// errors are <c>{"status":"error","errorType":"bad_data","field":"params.url","error":"..."}</c> with 400, 404
/// or 409. Secret params are never written back (and never logged: nothing here logs a request).
/// </summary>
internal static partial class MonitorEndpoints
{
    private const int MaxBodyBytes = 4 << 20;
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 1000;

    /// <param name="platform">The running monitors; null until they start, or when <c>monitors.enabled</c> is false (503).</param>
    public static IEndpointRouteBuilder MapMonitors(this IEndpointRouteBuilder app, Func<MonitorPlatform?> platform)
    {
        app.MapGet("/api/v1/monitor-types", ctx => With(ctx, platform, p => WriteTypesAsync(ctx, p)));
        app.MapGet("/api/v1/monitors", ctx => With(ctx, platform, p => ListAsync(ctx, p)));
        app.MapPost("/api/v1/monitors", ctx => With(ctx, platform, p => CreateAsync(ctx, p)));
        app.MapDelete("/api/v1/monitors", ctx => With(ctx, platform, p => DeleteManyAsync(ctx, p)));
        app.MapGet("/api/v1/monitors/export", ctx => With(ctx, platform, p => ExportAsync(ctx, p)));
        app.MapPost("/api/v1/monitors/import", ctx => With(ctx, platform, p => ImportAsync(ctx, p)));
        app.MapPost("/api/v1/monitors/test", ctx => With(ctx, platform, p => TestAsync(ctx, p)));
        app.MapGet("/api/v1/monitors/{id}", ctx => With(ctx, platform, p => GetAsync(ctx, p)));
        app.MapPut("/api/v1/monitors/{id}", ctx => With(ctx, platform, p => UpdateAsync(ctx, p)));
        app.MapDelete("/api/v1/monitors/{id}", ctx => With(ctx, platform, p => DeleteAsync(ctx, p)));
        app.MapPost("/api/v1/monitors/{id}/pause", ctx => With(ctx, platform, p => SetPausedAsync(ctx, p, pause: true)));
        app.MapPost("/api/v1/monitors/{id}/resume", ctx => With(ctx, platform, p => SetPausedAsync(ctx, p, pause: false)));
        return app;
    }

    /// <summary>Runs a handler with the platform, turning the service's exceptions into their statuses.</summary>
    private static async Task With(HttpContext ctx, Func<MonitorPlatform?> platform, Func<MonitorPlatform, Task> handler)
    {
        if (platform() is not { } running)
        {
            await ErrorAsync(ctx, 503, "unavailable", null, "monitors are not running (starting, or monitors.enabled is false)").ConfigureAwait(false);
            return;
        }

        try
        {
            await handler(running).ConfigureAwait(false);
        }
        catch (MonitorValidationException ex)
        {
            await ErrorAsync(ctx, 400, "bad_data", ex.Field, ex.Reason).ConfigureAwait(false);
        }
        catch (ConfigException ex)
        {
            await ErrorAsync(ctx, 400, "bad_data", ex.KeyPath, ex.Message).ConfigureAwait(false);
        }
        catch (JsonException ex)
        {
            await ErrorAsync(ctx, 400, "bad_data", null, "invalid JSON: " + ex.Message).ConfigureAwait(false);
        }
        catch (MonitorConflictException ex)
        {
            await ErrorAsync(ctx, 409, "conflict", "name", ex.Message).ConfigureAwait(false);
        }
        catch (ObjectDisposedException) when (!ctx.Response.HasStarted)
        {
            // A reload that changed the monitors section stopped this platform while the request used it.
            await ErrorAsync(ctx, 503, "unavailable", null, "monitors are restarting after a reload; retry").ConfigureAwait(false);
        }
    }

    private static async Task ListAsync(HttpContext ctx, MonitorPlatform platform)
    {
        var query = ReadQuery(ctx.Request.Query);
        var page = await platform.Service.ListAsync(query, ctx.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(ctx, 200, json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("items"u8);
            foreach (var monitor in page.Items)
            {
                WriteMonitor(json, monitor, platform, null);
            }

            json.WriteEndArray();
            json.WriteNumber("total"u8, page.Total);
            json.WriteNumber("page"u8, (query.Offset / query.Limit) + 1);
            json.WriteNumber("page_size"u8, query.Limit);
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task GetAsync(HttpContext ctx, MonitorPlatform platform)
    {
        var id = (string)ctx.Request.RouteValues["id"]!;
        var monitor = await platform.Service.GetAsync(id, ctx.RequestAborted).ConfigureAwait(false);
        await ReplyMonitorAsync(ctx, platform, monitor, 200, withLease: true).ConfigureAwait(false);
    }

    private static async Task CreateAsync(HttpContext ctx, MonitorPlatform platform)
    {
        var draft = await ReadDraftAsync(ctx).ConfigureAwait(false);
        var monitor = await platform.Service.CreateAsync(draft, ctx.RequestAborted).ConfigureAwait(false);
        ctx.Response.Headers.Location = "/api/v1/monitors/" + monitor.Id;
        await ReplyMonitorAsync(ctx, platform, monitor, 201, withLease: false).ConfigureAwait(false);
    }

    private static async Task UpdateAsync(HttpContext ctx, MonitorPlatform platform)
    {
        var id = (string)ctx.Request.RouteValues["id"]!;
        var draft = await ReadDraftAsync(ctx).ConfigureAwait(false);
        var monitor = await platform.Service.UpdateAsync(id, draft, ctx.RequestAborted).ConfigureAwait(false);
        await ReplyMonitorAsync(ctx, platform, monitor, 200, withLease: false).ConfigureAwait(false);
    }

    private static async Task DeleteAsync(HttpContext ctx, MonitorPlatform platform)
    {
        var id = (string)ctx.Request.RouteValues["id"]!;
        var deleted = await platform.Service.DeleteAsync([id], ctx.RequestAborted).ConfigureAwait(false);
        if (deleted.Count == 0)
        {
            await ErrorAsync(ctx, 404, "not_found", "id", $"no monitor '{id}'").ConfigureAwait(false);
            return;
        }

        ctx.Response.StatusCode = 204;
    }

    /// <summary>Bulk delete: <c>DELETE /api/v1/monitors?id=a&amp;id=b</c>; answers the ids that existed.</summary>
    private static async Task DeleteManyAsync(HttpContext ctx, MonitorPlatform platform)
    {
        var ids = ctx.Request.Query["id"].Where(i => !string.IsNullOrEmpty(i)).Select(i => i!).ToArray();
        if (ids.Length == 0)
        {
            throw new MonitorValidationException("id", "give the monitors to delete as ?id=a&id=b");
        }

        var deleted = await platform.Service.DeleteAsync(ids, ctx.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(ctx, 200, json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("deleted"u8);
            deleted.ToList().ForEach(json.WriteStringValue);
            json.WriteEndArray();
            json.WriteStartArray("not_found"u8);
            ids.Except(deleted, StringComparer.Ordinal).ToList().ForEach(json.WriteStringValue);
            json.WriteEndArray();
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    private static async Task SetPausedAsync(HttpContext ctx, MonitorPlatform platform, bool pause)
    {
        var id = (string)ctx.Request.RouteValues["id"]!;
        var monitor = await platform.Service.SetPausedAsync(id, pause, ctx.RequestAborted).ConfigureAwait(false);
        await ReplyMonitorAsync(ctx, platform, monitor, 200, withLease: false).ConfigureAwait(false);
    }

    private static async Task ExportAsync(HttpContext ctx, MonitorPlatform platform)
    {
        var yaml = await platform.Service.ExportAsync(ReadQuery(ctx.Request.Query), ctx.RequestAborted).ConfigureAwait(false);
        ctx.Response.ContentType = "application/yaml; charset=utf-8";
        ctx.Response.Headers.ContentDisposition = "attachment; filename=\"monitors.yml\"";
        await ctx.Response.WriteAsync(yaml, ctx.RequestAborted).ConfigureAwait(false);
    }

    private static async Task ImportAsync(HttpContext ctx, MonitorPlatform platform)
    {
        var yaml = await ReadTextAsync(ctx).ConfigureAwait(false);
        var result = await platform.Service.ImportAsync(yaml, ctx.RequestAborted).ConfigureAwait(false);
        await WriteJsonAsync(ctx, 200, json =>
        {
            json.WriteStartObject();
            json.WriteNumber("created"u8, result.Created);
            json.WriteNumber("updated"u8, result.Updated);
            json.WriteStartArray("ids"u8);
            result.Ids.ToList().ForEach(json.WriteStringValue);
            json.WriteEndArray();
            json.WriteEndObject();
        }).ConfigureAwait(false);
    }

    /// <summary><c>app</c>, <c>status</c>, <c>label=name:value</c> (repeatable), <c>page</c> (from 1) and <c>page_size</c>.</summary>
    private static MonitorQuery ReadQuery(IQueryCollection query)
    {
        MonitorStatus? status = null;
        if (query["status"].FirstOrDefault() is { Length: > 0 } statusText)
        {
            status = MonitorStatusNames.TryParse(statusText, out var parsed)
                ? parsed
                : throw new MonitorValidationException("status", $"'{statusText}' is not one of up, down, paused, unknown");
        }

        var labels = new List<KeyValuePair<string, string>>();
        foreach (var label in query["label"])
        {
            var split = label?.IndexOfAny([':', '=']) ?? -1;
            labels.Add(split > 0 ? new(label![..split], label[(split + 1)..]) : throw new MonitorValidationException("label", $"expected name:value, got '{label}'"));
        }

        var page = PositiveInt(query, "page", 1, int.MaxValue);
        var size = PositiveInt(query, "page_size", DefaultPageSize, MaxPageSize);
        return new MonitorQuery
        {
            App = query["app"].FirstOrDefault() is { Length: > 0 } app ? app : null,
            Status = status,
            Labels = labels,
            Offset = (int)Math.Min(int.MaxValue, (long)(page - 1) * size),
            Limit = size,
        };
    }

    private static int PositiveInt(IQueryCollection query, string key, int defaultValue, int max)
    {
        var text = query[key].FirstOrDefault();
        if (string.IsNullOrEmpty(text))
        {
            return defaultValue;
        }

        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value) && value >= 1 && value <= max
            ? value
            : throw new MonitorValidationException(key, string.Create(CultureInfo.InvariantCulture, $"expected an integer from 1 to {max}, got '{text}'"));
    }
}
