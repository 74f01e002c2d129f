using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Vigil.Hosting;
using Vigil.PromQL.Engine;
using Vigil.Scrape.Loop;
using Vigil.Tsdb;
using Vigil.Tsdb.Storage;

namespace Vigil.Http;

/// <summary>
/// What the Prometheus query API (issue 6) reads. Storage and head are looked up per request, so a server without
/// local storage (<c>storage.enabled: false</c>) answers "unavailable" instead of failing at start.
/// </summary>
/// <param name="Storage">The querier source (the embedded TSDB), null when there is none.</param>
/// <param name="Head">The TSDB head, for <c>/api/v1/status/tsdb</c>; null when there is none.</param>
/// <param name="Engine">The PromQL engine; null until one is built into the host.</param>
/// <param name="Metadata">The live scrape loops' metric metadata, for <c>/api/v1/metadata</c>.</param>
/// <param name="Runtime">Start time, reload state and retention, for <c>/api/v1/status/runtimeinfo</c>.</param>
internal sealed record QueryApiSources(
    Func<IQueryableStorage?> Storage,
    Func<Head?> Head,
    IQueryEngine? Engine,
    Func<IEnumerable<ScrapeMetadata>> Metadata,
    RuntimeStatus Runtime)
{
    public ILogger? Log { get; init; }

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The storage, or the "unavailable" error the brief asks for when storage is disabled.</summary>
    public IQueryableStorage RequireStorage() => Storage()
        ?? throw new ApiException("unavailable", "local storage is disabled (storage.enabled: false): this Vigil keeps no data to query");

    public IQueryEngine RequireEngine() => Engine
        ?? throw new ApiException("unavailable", "no PromQL engine is built into this Vigil");
}

/// <summary>Maps every endpoint of the Prometheus query API and runs each in the same envelope and error handling.</summary>
internal static class QueryApi
{
    public static IEndpointRouteBuilder MapQueryApi(this IEndpointRouteBuilder app, QueryApiSources sources)
    {
        ArgumentNullException.ThrowIfNull(sources);
        app.MapQueryEndpoints(sources);
        app.MapSeriesEndpoints(sources);
        app.MapMetadataEndpoint(sources);
        app.MapStatusEndpoints(sources);
        return app;
    }

    /// <summary>Maps GET, and form POST when <paramref name="post"/>, as Prometheus's router does for the path.</summary>
    internal static void Map(this IEndpointRouteBuilder app, string pattern, bool post, QueryApiSources sources, ApiHandler handler)
    {
        RequestDelegate run = ctx => RunAsync(ctx, sources, handler);
        app.MapGet(pattern, run);
        if (post)
        {
            app.MapPost(pattern, run);
        }
    }

    /// <summary>
    /// Reads the parameters, writes <c>{"status":"success","data":...}</c> around what the handler writes, and turns
    /// failures into Prometheus's error JSON. The whole answer is built before a byte is sent, so a failure half-way
    /// still gets its error status.
    /// </summary>
    private static async Task RunAsync(HttpContext ctx, QueryApiSources sources, ApiHandler handler)
    {
        using var json = new PrometheusJsonWriter();
        int status = 200;
        ApiAnswer answer = default;
        try
        {
            var request = await ApiRequest.ReadAsync(ctx).ConfigureAwait(false);
            json.BeginSuccess();
            answer = handler(request, json);
        }
        catch (ApiException ex)
        {
            status = Fail(json, ex);
        }
        catch (OperationCanceledException) when (ctx.RequestAborted.IsCancellationRequested)
        {
            return; // the client is gone (a form body cut short); nobody reads an answer
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A storage fault (a corrupt block) or a bug: the process keeps serving and the client learns why.
            sources.Log?.LogWarning(ex, "query API request {Path} failed", ctx.Request.Path);
            status = Fail(json, new ApiException("internal", ex.Message, ex));
        }

        ctx.Response.StatusCode = status;
        ctx.Response.ContentType = "application/json";
        try
        {
            // A query value is complete before a byte is written, so nothing can fail half-way but the client:
            // it goes out in pieces, and a large matrix never sits whole in memory (Prometheus marshals it whole).
            if (status == 200 && answer.Value is { } value)
            {
                await json.WriteQueryDataAsync(value, ctx.Response.Body, ctx.RequestAborted).ConfigureAwait(false);
            }

            if (status == 200)
            {
                json.EndSuccess(answer.Warnings);
            }

            await ctx.Response.Body.WriteAsync(json.Written, ctx.RequestAborted).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException)
        {
            // The client went away while we wrote.
        }
    }

    private static int Fail(PrometheusJsonWriter json, ApiException ex)
    {
        json.Reset();
        json.Error(ex.ErrorType, ex.Message);
        return ex.Status;
    }
}

/// <summary>
/// Writes one endpoint's <c>data</c> value, or returns a query value for the caller to stream, with any warnings.
/// Failures are thrown as <see cref="ApiException"/>.
/// </summary>
internal delegate ApiAnswer ApiHandler(ApiRequest request, PrometheusJsonWriter json);

/// <summary>What a handler leaves to <see cref="QueryApi"/>: a query value to stream (null: the handler wrote the data) and warnings.</summary>
internal readonly record struct ApiAnswer(QueryValue? Value, IReadOnlyList<string>? Warnings)
{
    /// <summary>The handler wrote the whole <c>data</c> value and has no warnings.</summary>
    public static ApiAnswer Written => default;
}
