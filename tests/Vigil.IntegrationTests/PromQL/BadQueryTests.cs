using System.Globalization;
using System.Text.RegularExpressions;
using Vigil.IntegrationTests.Infrastructure;
using Xunit.Abstractions;

namespace Vigil.IntegrationTests.PromQL;

/// <summary>
/// Issue 6 acceptance, bad queries: syntax errors get 400 <c>bad_data</c> with a positioned message, too many samples
/// 422 <c>execution</c>, a timeout 503 <c>timeout</c>; 10,000 nested parentheses, a huge regex and a
/// <c>count_values</c> label bomb never take the server down. Each case runs against Prometheus 2.42 too, with the
/// same limits, so the expectations are Prometheus's own behaviour rather than our reading of it.
/// </summary>
public sealed class BadQueryTests(ITestOutputHelper output)
{
    private const int MaxSamples = 5000;

    [PeerTheory("prometheus")]
    [InlineData("prometheus")]
    [InlineData("vigil")]
    public async Task Syntax_errors_are_bad_data_with_a_position(string kind)
    {
        await using var server = await LimitedQueryServer.StartAsync(kind, MaxSamples, TimeSpan.FromMinutes(2));
        var instant = await QueryClient.InstantAsync(server.BaseUrl, "sum(rate(conf_http_requests_total[5m])", server.Data.EndMs);
        AssertError(instant, 400, "bad_data", @"^invalid parameter ""query"": 1:39: parse error: unclosed left parenthesis$");

        var range = await QueryClient.RangeAsync(server.BaseUrl, "sum by (job) (\n  conf_memory_bytes offset 5)", server.Data.StartMs, server.Data.EndMs, 60_000);
        AssertError(range, 400, "bad_data", @"^2:28: parse error: unexpected number ""5"" in offset, expected duration$");

        var repeat = await QueryClient.InstantAsync(server.BaseUrl, "conf_singleton{job=~\"a{1001}\"}", server.Data.EndMs);
        AssertError(repeat, 400, "bad_data", @"^invalid parameter ""query"": 1:\d+: parse error: ");
        await AssertStillAnswersAsync(server);
    }

    [PeerTheory("prometheus")]
    [InlineData("prometheus")]
    [InlineData("vigil")]
    public async Task Too_many_samples_is_an_execution_error_and_the_server_stays_up(string kind)
    {
        await using var server = await LimitedQueryServer.StartAsync(kind, MaxSamples, TimeSpan.FromMinutes(2));
        var answer = await QueryClient.InstantAsync(server.BaseUrl, "conf_http_requests_total[2h]", server.Data.EndMs);
        AssertError(answer, 422, "execution", "^query processing would load too many samples into memory in query execution$");

        var range = await QueryClient.RangeAsync(server.BaseUrl, "{__name__=~\"conf_.+\"}", server.Data.StartMs, server.Data.EndMs, 15_000);
        AssertError(range, 422, "execution", "^query processing would load too many samples into memory in query execution$");
        await AssertStillAnswersAsync(server);
    }

    [PeerTheory("prometheus")]
    [InlineData("prometheus")]
    [InlineData("vigil")]
    public async Task A_query_past_the_timeout_is_a_503_timeout(string kind)
    {
        await using var server = await LimitedQueryServer.StartAsync(kind, 50_000_000, TimeSpan.FromMilliseconds(100));

        // A subquery of 3.6 million steps. Prometheus checks its deadline between the steps of an evaluation (not
        // inside one function's loop over a window), so the expensive part has to be many steps; time() keeps the
        // inner expression from being step-invariant (evaluated once and copied, without a deadline check).
        var answer = await QueryClient.InstantAsync(server.BaseUrl, "count_over_time((vector(time()) + 1)[1h:1ms])", server.Data.EndMs);
        AssertError(answer, 503, "timeout", "^query timed out in ");
        await AssertStillAnswersAsync(server);
    }

    [PeerTheory("prometheus")]
    [InlineData("prometheus")]
    [InlineData("vigil")]
    public async Task Hostile_queries_never_take_the_server_down(string kind)
    {
        await using var server = await LimitedQueryServer.StartAsync(kind, MaxSamples, TimeSpan.FromSeconds(20));
        var time = QueryClient.Seconds(server.Data.EndMs);
        var nested = new string('(', 10_000) + "1" + new string(')', 10_000);
        var deep = await server.PostAsync("/api/v1/query", [new("query", nested), new("time", time)]);
        output.WriteLine($"10,000 parentheses: {deep.Describe()}");
        Assert.True(deep.HttpStatus == 200 || (deep.HttpStatus == 400 && deep.ErrorType == "bad_data"), deep.Describe());

        var alternatives = string.Join('|', Enumerable.Range(0, 20_000).Select(i => $"host-{i.ToString(CultureInfo.InvariantCulture)}:9100"));
        var huge = await server.PostAsync("/api/v1/query", [new("query", $"conf_http_requests_total{{instance=~\"{alternatives}\"}}"), new("time", time)]);
        output.WriteLine($"regex of {alternatives.Length} characters: {huge.Describe()}");
        Assert.True(huge.Status == "success" && huge.Series.Count == 24, huge.Describe());

        // Nested stars over every label value: exponential for a backtracking matcher, linear for RE2 (Go's).
        var backtracking = await QueryClient.InstantAsync(server.BaseUrl, "{__name__=~\"conf_.+\", instance=~\"(.*.*.*.*.*.*)*#\"}", server.Data.EndMs);
        output.WriteLine($"nested stars: {backtracking.Describe()}");
        Assert.True(backtracking.Status == "success" && backtracking.Series.Count == 0, backtracking.Describe());

        var bomb = await QueryClient.RangeAsync(server.BaseUrl, "count_values(\"value\", rate(conf_http_requests_total[1m]) * 1e6)", server.Data.StartMs, server.Data.EndMs, 15_000);
        output.WriteLine($"count_values bomb: {bomb.Describe()}");
        Assert.True(bomb.Status == "success" || bomb.ErrorType == "execution", bomb.Describe());
        await AssertStillAnswersAsync(server);
    }

    private static void AssertError(ApiAnswer answer, int httpStatus, string errorType, string messagePattern)
    {
        Assert.True(answer.HttpStatus == httpStatus && answer.Status == "error" && answer.ErrorType == errorType, $"expected {httpStatus} {errorType}; got {answer.Describe()}");
        Assert.Matches(new Regex(messagePattern, RegexOptions.None, TimeSpan.FromSeconds(1)), answer.Error ?? string.Empty);
    }

    /// <summary>
    /// The process is alive and answers a small query within 10 s: a query it gave up on may still hold the CPU
    /// for a moment on a loaded machine, but not for longer.
    /// </summary>
    private static async Task AssertStillAnswersAsync(LimitedQueryServer server)
    {
        Assert.False(server.Process.HasExited, $"the server exited: {server.Process.Describe()}");
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var answer = await QueryClient.InstantAsync(server.BaseUrl, "count(conf_singleton)", server.Data.EndMs);
        while (answer.Status != "success" && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            answer = await QueryClient.InstantAsync(server.BaseUrl, "count(conf_singleton)", server.Data.EndMs);
        }

        Assert.True(answer.Status == "success" && answer.Series.Count == 1, $"after the bad queries: {answer.Describe()}");
        Assert.True(await QueryClient.AnswersAsync(server.BaseUrl), "/-/ready no longer answers");
    }
}
