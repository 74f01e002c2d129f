using Microsoft.AspNetCore.Routing;
using Vigil.PromQL;
using Vigil.PromQL.Engine;

namespace Vigil.Http;

/// <summary>
/// <c>/api/v1/query</c>, <c>/api/v1/query_range</c> and <c>/api/v1/format_query</c> (GET and form POST), with
/// Prometheus 2.42's parameter order, checks and messages (web/api/v1/api.go <c>query</c>, <c>queryRange</c>,
/// <c>formatQuery</c>).
/// </summary>
internal static class QueryApiEndpoints
{
    /// <summary>Prometheus refuses range queries with more points per series than this (api.go, queryRange).</summary>
    public const long MaxPointsPerSeries = 11_000;

    private const long NsPerMs = 1_000_000;

    public static void MapQueryEndpoints(this IEndpointRouteBuilder app, QueryApiSources sources)
    {
        app.Map("/api/v1/query", post: true, sources, (request, json) => Instant(request, json, sources));
        app.Map("/api/v1/query_range", post: true, sources, (request, json) => Range(request, json, sources));
        app.Map("/api/v1/format_query", post: true, sources, FormatQuery);
    }

    private static ApiAnswer Instant(ApiRequest request, PrometheusJsonWriter json, QueryApiSources sources)
    {
        var storage = sources.RequireStorage();
        var engine = sources.RequireEngine();
        long time = request.TimeOr("time", GoTime.FromUnixMilliseconds(sources.Time.GetUtcNow().ToUnixTimeMilliseconds())).UnixNanoMs;
        long? timeoutNs = Timeout(request);
        string query = request.Get("query");
        QueryResult result;
        try
        {
            result = Execute(request, timeoutNs, token => engine.InstantQuery(storage, query, time, token));
        }
        catch (ApiException ex) when (ex.InnerException is QueryException { InnerException: PromQLParseException })
        {
            // 2.42's instant query reports parse errors as a bad "query" parameter; its range query does not.
            throw ApiException.InvalidParameter("query", ex.Message);
        }

        return new ApiAnswer(result.Value, result.Warnings);
    }

    private static ApiAnswer Range(ApiRequest request, PrometheusJsonWriter json, QueryApiSources sources)
    {
        var storage = sources.RequireStorage();
        var engine = sources.RequireEngine();
        GoTime start = request.RequiredTime("start");
        GoTime end = request.RequiredTime("end");
        if (end.CompareTo(start) < 0)
        {
            throw ApiException.InvalidParameter("end", "end timestamp must not be before start time");
        }

        long stepNs = request.Duration("step");
        if (stepNs <= 0)
        {
            throw ZeroStep();
        }

        if (end.Sub(start) / stepNs > MaxPointsPerSeries)
        {
            throw ApiException.BadData("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        }

        long? timeoutNs = Timeout(request);

        // Prometheus passes a sub-millisecond step on and fails with a 422 "integer divide by zero"; we say why instead.
        long stepMs = stepNs / NsPerMs;
        if (stepMs == 0)
        {
            throw ZeroStep();
        }

        string query = request.Get("query");
        var result = Execute(request, timeoutNs, token => engine.RangeQuery(storage, query, start.UnixNanoMs, end.UnixNanoMs, stepMs, token));
        return new ApiAnswer(result.Value, result.Warnings);
    }

    /// <summary>The expression as Prometheus 2.42 prints it: <c>expr.Pretty(0)</c>.</summary>
    private static ApiAnswer FormatQuery(ApiRequest request, PrometheusJsonWriter json)
    {
        try
        {
            json.String(Prettier.Format(request.Get("query")));
        }
        catch (PromQLParseException ex)
        {
            throw ApiException.InvalidParameter("query", ex.Message);
        }

        return ApiAnswer.Written;
    }

    private static ApiException ZeroStep() =>
        ApiException.InvalidParameter("step", "zero or negative query resolution step widths are not accepted. Try a positive integer");

    /// <returns>The <c>timeout</c> parameter in ns, or null when absent (the engine's own timeout applies).</returns>
    private static long? Timeout(ApiRequest request) => request.Get("timeout").Length == 0 ? null : request.Duration("timeout");

    /// <summary>
    /// Runs the engine with a token that fires when the client disconnects or the <c>timeout</c> parameter passes,
    /// and tells the two apart as Prometheus's errors do (canceled 499, timeout 503).
    /// </summary>
    private static QueryResult Execute(ApiRequest request, long? timeoutNs, Func<CancellationToken, QueryResult> run)
    {
        var aborted = request.Context.RequestAborted;
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(aborted);
        if (timeoutNs <= 0)
        {
            // Go's context.WithTimeout with a non-positive duration is done at once: the query still parses (so a
            // bad query reports that first), then stops.
            cts.Cancel();
        }
        else if (timeoutNs is long ns)
        {
            cts.CancelAfter(TimeSpan.FromTicks(Math.Max(1, ns / 100)));
        }

        try
        {
            return run(cts.Token);
        }
        catch (QueryException ex) when (ex.Kind == QueryErrorKind.Canceled && cts.IsCancellationRequested && !aborted.IsCancellationRequested)
        {
            throw new ApiException("timeout", "query timed out in query execution", ex);
        }
        catch (QueryException ex)
        {
            throw ApiException.From(ex);
        }
        catch (OperationCanceledException ex) when (cts.IsCancellationRequested)
        {
            throw aborted.IsCancellationRequested
                ? new ApiException("canceled", "query was canceled in query execution", ex)
                : new ApiException("timeout", "query timed out in query execution", ex);
        }
    }
}
