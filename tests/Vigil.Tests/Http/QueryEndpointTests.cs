using Vigil.PromQL.Engine;
using Vigil.Tsdb.Storage;

namespace Vigil.Tests.Http;

/// <summary>
/// <c>/api/v1/query</c> and <c>/api/v1/query_range</c>: parameters, checks and errors as Prometheus 2.42 answers
/// them (every expected error body was taken from its API), over a scripted engine.
/// </summary>
public sealed class QueryEndpointTests
{
    private static readonly ScriptedEngine s_vector = new()
    {
        Instant = (query, time, _) => new QueryResult(new VectorValue([new Sample(Labels.FromPairs(("__name__", "up"), ("job", "a")), time, 1e21)]), []),
        Range = (query, start, end, step, _) => new QueryResult(new MatrixValue([new Series(Labels.Empty, [new FPoint(start, 1), new FPoint(end, 2)])]), ["partial answer"]),
    };

    [Fact]
    public async Task An_instant_query_answers_in_prometheus_bytes()
    {
        var engine = new ScriptedEngine { Instant = s_vector.Instant };
        await using var host = await QueryApiHost.StartAsync(engine);
        var (status, body) = await host.GetAsync("/api/v1/query?query=up&time=1700000000.12");
        Assert.Equal(200, status);
        Assert.Equal("{\"status\":\"success\",\"data\":{\"resultType\":\"vector\",\"result\":[{\"metric\":{\"__name__\":\"up\",\"job\":\"a\"},\"value\":[1700000000.120,\"1e+21\"]}]}}", body);
        Assert.Equal(["instant up @1700000000120"], engine.Calls);
    }

    [Fact]
    public async Task Form_posts_work_and_the_body_wins_over_the_url()
    {
        var engine = new ScriptedEngine { Instant = s_vector.Instant };
        await using var host = await QueryApiHost.StartAsync(engine);
        var (status, _) = await host.PostFormAsync("/api/v1/query?time=7&query=nope", ("query", "vector(2)"), ("time", "5"));
        Assert.Equal(200, status);
        Assert.Equal(["instant vector(2) @5000"], engine.Calls);

        using var json = new StringContent("{\"query\":\"1\"}", System.Text.Encoding.UTF8, "application/json");
        using var response = await host.Client.PostAsync("/api/v1/query", json);
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"query\\\": 1:1: parse error: no expression found in input\"}", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_missing_time_is_now()
    {
        var engine = new ScriptedEngine { Instant = s_vector.Instant };
        await using var host = await QueryApiHost.StartAsync(engine);
        long before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await host.GetAsync("/api/v1/query?query=up");
        long asked = long.Parse(engine.Calls[0].Split('@')[1], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(asked, before, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
    }

    [Theory]
    [InlineData("/api/v1/query?query=1&time=abc", 400, "bad_data", "invalid parameter \\\"time\\\": Invalid time value for 'time': cannot parse \\\"abc\\\" to a valid timestamp")]
    [InlineData("/api/v1/query", 400, "bad_data", "invalid parameter \\\"query\\\": 1:1: parse error: no expression found in input")]
    [InlineData("/api/v1/query?query=1%20%2B", 400, "bad_data", "invalid parameter \\\"query\\\": 1:4: parse error: unexpected end of input")]
    [InlineData("/api/v1/query?query=1&timeout=abc", 400, "bad_data", "invalid parameter \\\"timeout\\\": cannot parse \\\"abc\\\" to a valid duration")]
    [InlineData("/api/v1/query?query=1&timeout=-1s", 400, "bad_data", "invalid parameter \\\"timeout\\\": cannot parse \\\"-1s\\\" to a valid duration")]
    [InlineData("/api/v1/query_range?query=1&start=0&end=10&step=0", 400, "bad_data", "invalid parameter \\\"step\\\": zero or negative query resolution step widths are not accepted. Try a positive integer")]
    [InlineData("/api/v1/query_range?query=1&start=0&end=10&step=-1", 400, "bad_data", "invalid parameter \\\"step\\\": zero or negative query resolution step widths are not accepted. Try a positive integer")]
    [InlineData("/api/v1/query_range?query=1&start=0&end=10&step=NaN", 400, "bad_data", "invalid parameter \\\"step\\\": zero or negative query resolution step widths are not accepted. Try a positive integer")]
    [InlineData("/api/v1/query_range?query=1&start=0&end=1&step=1e-4", 400, "bad_data", "invalid parameter \\\"step\\\": zero or negative query resolution step widths are not accepted. Try a positive integer")]
    [InlineData("/api/v1/query_range?query=1&start=0&end=10&step=abc", 400, "bad_data", "invalid parameter \\\"step\\\": cannot parse \\\"abc\\\" to a valid duration")]
    [InlineData("/api/v1/query_range?query=1&start=0&end=10", 400, "bad_data", "invalid parameter \\\"step\\\": cannot parse \\\"\\\" to a valid duration")]
    [InlineData("/api/v1/query_range?query=1&start=0&end=1&step=1e30", 400, "bad_data", "invalid parameter \\\"step\\\": cannot parse \\\"1e30\\\" to a valid duration. It overflows int64")]
    [InlineData("/api/v1/query_range?query=1&start=0&step=1", 400, "bad_data", "invalid parameter \\\"end\\\": cannot parse \\\"\\\" to a valid timestamp")]
    [InlineData("/api/v1/query_range?query=1&end=0&step=1", 400, "bad_data", "invalid parameter \\\"start\\\": cannot parse \\\"\\\" to a valid timestamp")]
    [InlineData("/api/v1/query_range?query=1&start=10&end=0&step=1", 400, "bad_data", "invalid parameter \\\"end\\\": end timestamp must not be before start time")]
    [InlineData("/api/v1/query_range?query=1&start=0&end=11001&step=1", 400, "bad_data", "exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)")]
    [InlineData("/api/v1/query_range?query=1&start=0&end=10&step=1&timeout=abc", 400, "bad_data", "invalid parameter \\\"timeout\\\": cannot parse \\\"abc\\\" to a valid duration")]
    public async Task Bad_parameters_get_prometheus_errors(string request, int status, string errorType, string error)
    {
        var engine = new ScriptedEngine { Instant = s_vector.Instant, Range = s_vector.Range };
        await using var host = await QueryApiHost.StartAsync(engine);
        var (actualStatus, body) = await host.GetAsync(request);
        Assert.Equal($"{{\"status\":\"error\",\"errorType\":\"{errorType}\",\"error\":\"{error}\"}}", body);
        Assert.Equal(status, actualStatus);
        Assert.Empty(engine.Calls);
    }

    [Fact]
    public async Task A_range_query_passes_milliseconds_and_its_warnings()
    {
        var engine = new ScriptedEngine { Range = s_vector.Range };
        await using var host = await QueryApiHost.StartAsync(engine);
        var (status, body) = await host.PostFormAsync("/api/v1/query_range", ("query", "up"), ("start", "1.5"), ("end", "1970-01-01T00:30:01.5Z"), ("step", "1m30s"));
        Assert.Equal(200, status);
        Assert.Equal(["range up 1500..1801500/90000"], engine.Calls);
        Assert.Equal("{\"status\":\"success\",\"data\":{\"resultType\":\"matrix\",\"result\":[{\"metric\":{},\"values\":[[1.500,\"1\"],[1801.500,\"2\"]]}]},\"warnings\":[\"partial answer\"]}", body);

        // 11,000 points exactly is allowed.
        Assert.Equal(200, (await host.GetAsync("/api/v1/query_range?query=1&start=0&end=11000&step=1")).Status);
    }

    [Fact]
    public async Task A_large_matrix_streams_out_whole()
    {
        var matrix = new MatrixValue([.. Enumerable.Range(0, 100).Select(s => new Series(
            Labels.FromPairs(("series", s.ToString(System.Globalization.CultureInfo.InvariantCulture))),
            [.. Enumerable.Range(0, 1_000).Select(p => new FPoint(p * 1_000L, p))]))]);
        var engine = new ScriptedEngine { Range = (_, _, _, _, _) => new QueryResult(matrix, ["w"]) };
        await using var host = await QueryApiHost.StartAsync(engine);
        var (status, body) = await host.GetAsync("/api/v1/query_range?query=x&start=0&end=999&step=1");
        Assert.Equal(200, status);
        using var json = new Vigil.Http.PrometheusJsonWriter();
        json.BeginSuccess();
        json.QueryData(matrix);
        json.EndSuccess(["w"]);
        Assert.True(body.Length > 4 * Vigil.Http.PrometheusJsonWriter.FlushThreshold);
        Assert.Equal(System.Text.Encoding.UTF8.GetString(json.Written.Span), body);
    }

    [Theory]
    [InlineData((int)QueryErrorKind.BadData, 400, "bad_data")]
    [InlineData((int)QueryErrorKind.Execution, 422, "execution")]
    [InlineData((int)QueryErrorKind.Timeout, 503, "timeout")]
    [InlineData((int)QueryErrorKind.Canceled, 499, "canceled")]
    [InlineData((int)QueryErrorKind.Internal, 500, "internal")]
    public async Task Engine_errors_keep_their_type_and_status(int kind, int status, string errorType)
    {
        var engine = new ScriptedEngine
        {
            Instant = (_, _, _) => throw new QueryException((QueryErrorKind)kind, "query processing would load too many samples into memory in query execution"),
            Range = (_, _, _, _, _) => throw new QueryException((QueryErrorKind)kind, "invalid expression type \"range vector\" for range query, must be Scalar or instant Vector"),
        };
        await using var host = await QueryApiHost.StartAsync(engine);
        var (actualStatus, body) = await host.GetAsync("/api/v1/query?query=up");
        Assert.Equal(status, actualStatus);
        Assert.Equal($"{{\"status\":\"error\",\"errorType\":\"{errorType}\",\"error\":\"query processing would load too many samples into memory in query execution\"}}", body);

        // query_range reports the engine's parse and type errors without the "invalid parameter" prefix, as 2.42 does.
        (actualStatus, body) = await host.GetAsync("/api/v1/query_range?query=up[5m]&start=0&end=10&step=1");
        Assert.Equal(status, actualStatus);
        Assert.Contains("\"error\":\"invalid expression type \\\"range vector\\\" for range query", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    public async Task A_timeout_that_already_passed_still_reports_parse_errors_first(string timeout)
    {
        var engine = new ScriptedEngine
        {
            Instant = (_, _, token) => token.IsCancellationRequested
                ? throw new QueryException(QueryErrorKind.Canceled, "query was canceled in query execution")
                : new QueryResult(new ScalarValue(0, 1), []),
        };
        await using var host = await QueryApiHost.StartAsync(engine);
        var (status, body) = await host.GetAsync("/api/v1/query?query=1&timeout=" + timeout);
        Assert.Equal(503, status);
        Assert.Equal("{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"query timed out in query execution\"}", body);
        (status, body) = await host.GetAsync("/api/v1/query?query=1%2B&timeout=" + timeout);
        Assert.Equal(400, status);
        Assert.Contains("invalid parameter \\\"query\\\": 1:3: parse error", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_timeout_parameter_cancels_the_engine_and_answers_503()
    {
        var engine = new ScriptedEngine
        {
            Instant = (_, _, token) =>
            {
                token.WaitHandle.WaitOne(TimeSpan.FromSeconds(20));
                throw new QueryException(QueryErrorKind.Canceled, "query was canceled in query execution");
            },
        };
        await using var host = await QueryApiHost.StartAsync(engine);
        var (status, body) = await host.GetAsync("/api/v1/query?query=up&timeout=0.2");
        Assert.Equal(503, status);
        Assert.Equal("{\"status\":\"error\",\"errorType\":\"timeout\",\"error\":\"query timed out in query execution\"}", body);
    }

    [Fact]
    public async Task A_client_that_disconnects_cancels_the_engine()
    {
        var started = new TaskCompletionSource();
        var canceled = new TaskCompletionSource<bool>();
        var engine = new ScriptedEngine
        {
            Instant = (_, _, token) =>
            {
                started.TrySetResult();
                canceled.TrySetResult(token.WaitHandle.WaitOne(TimeSpan.FromSeconds(20)));
                token.ThrowIfCancellationRequested();
                return new QueryResult(new ScalarValue(0, 0), []);
            },
        };
        await using var host = await QueryApiHost.StartAsync(engine);
        using var cts = new CancellationTokenSource();
        var request = host.Client.GetAsync("/api/v1/query?query=up", cts.Token);
        await started.Task.WaitAsync(TimeSpan.FromSeconds(20));
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        Assert.True(await canceled.Task.WaitAsync(TimeSpan.FromSeconds(20)), "the engine's token never fired");
    }

    [Fact]
    public async Task Without_storage_or_engine_the_api_says_so()
    {
        await using (var host = await QueryApiHost.StartAsync(s_vector, withStorage: false))
        {
            var (status, body) = await host.GetAsync("/api/v1/query?query=up");
            Assert.Equal(503, status);
            Assert.Equal("{\"status\":\"error\",\"errorType\":\"unavailable\",\"error\":\"local storage is disabled (storage.enabled: false): this Vigil keeps no data to query\"}", body);
            Assert.Equal(503, (await host.GetAsync("/api/v1/series?match[]=up")).Status);
            Assert.Equal(503, (await host.GetAsync("/api/v1/status/tsdb")).Status);
        }

        await using (var host = await QueryApiHost.StartAsync(engine: null))
        {
            var (status, body) = await host.GetAsync("/api/v1/query_range?query=up&start=0&end=1&step=1");
            Assert.Equal(503, status);
            Assert.Contains("\"errorType\":\"unavailable\"", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Format_query_prints_prometheus_pretty_text()
    {
        await using var host = await QueryApiHost.StartAsync();
        Assert.Equal("{\"status\":\"success\",\"data\":\"sum by (job) (rate(x[5m]))\"}", (await host.GetAsync("/api/v1/format_query?query=sum(rate(x[5m]))by(job)")).Body);
        var (status, body) = await host.PostFormAsync("/api/v1/format_query", ("query", "foo{"));
        Assert.Equal(400, status);
        Assert.StartsWith("{\"status\":\"error\",\"errorType\":\"bad_data\",\"error\":\"invalid parameter \\\"query\\\": 1:5: parse error:", body, StringComparison.Ordinal);
        Assert.Equal(405, (await host.Client.PutAsync("/api/v1/query?query=1", null)).StatusCode is var code ? (int)code : 0);
    }
}
