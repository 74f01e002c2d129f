using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Vigil.Tsdb;

namespace Vigil.Http;

/// <summary>
/// Prometheus's TSDB admin API, mapped only with <c>--web.enable-admin-api</c> as in Prometheus: for now
/// <c>POST|PUT /api/v1/admin/tsdb/snapshot[?skip_head=true]</c>, which writes every block and (unless skipped)
/// the head into <c>&lt;data&gt;/tsdb/snapshots/&lt;name&gt;</c> and answers
/// <c>{"status":"success","data":{"name":"..."}}</c>, so backup scripts written for Prometheus work unchanged.
/// </summary>
internal static class AdminEndpoints
{
    public static IEndpointRouteBuilder MapTsdbAdmin(this IEndpointRouteBuilder app, Func<LocalStorage?> storage)
    {
        RequestDelegate snapshot = ctx => SnapshotAsync(ctx, storage());
        app.MapPost("/api/v1/admin/tsdb/snapshot", snapshot);
        app.MapPut("/api/v1/admin/tsdb/snapshot", snapshot);
        return app;
    }

    private static async Task SnapshotAsync(HttpContext ctx, LocalStorage? storage)
    {
        if (storage is null)
        {
            await RemoteWriteEndpoints.ReplyAsync(ctx, 503, "local storage is not running").ConfigureAwait(false);
            return;
        }

        string? skip = ctx.Request.Query["skip_head"];
        if (skip is not null && !bool.TryParse(skip, out _))
        {
            await WriteErrorAsync(ctx, 400, "bad_data", $"unable to parse boolean 'skip_head' argument: '{skip}'").ConfigureAwait(false);
            return;
        }

        string name;
        try
        {
            // Writing a block is synchronous disk work; keep it off the request thread pool's fast path.
            name = await Task.Run(() => storage.Snapshot(skip is not null && bool.Parse(skip)), ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (IOException ex)
        {
            await WriteErrorAsync(ctx, 500, "internal", "create snapshot: " + ex.Message).ConfigureAwait(false);
            return;
        }

        ctx.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(ctx.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status"u8, "success"u8);
        json.WriteStartObject("data"u8);
        json.WriteString("name"u8, name);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>Prometheus's API error envelope: <c>{"status":"error","errorType":...,"error":...}</c>.</summary>
    private static async Task WriteErrorAsync(HttpContext ctx, int status, string type, string message)
    {
        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        await using var json = new Utf8JsonWriter(ctx.Response.BodyWriter);
        json.WriteStartObject();
        json.WriteString("status"u8, "error"u8);
        json.WriteString("errorType"u8, type);
        json.WriteString("error"u8, message);
        json.WriteEndObject();
    }
}
