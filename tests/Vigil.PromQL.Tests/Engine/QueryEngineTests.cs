using System.Text;
using Vigil.PromQL.Engine;
using Vigil.Tsdb;

namespace Vigil.PromQL.Tests.Engine;

public sealed class QueryEngineTests
{
    private static readonly Head s_head = EngineTestStorage.Counters(series: 50, minutes: 60);

    [Fact]
    public void Parse_errors_are_bad_data_with_the_parsers_positioned_message()
    {
        var e = Assert.Throws<QueryException>(() => new QueryEngine().InstantQuery(s_head, "sum(x", 0, default));
        Assert.Equal(QueryErrorKind.BadData, e.Kind);
        Assert.Equal("bad_data", e.ErrorType);
        Assert.StartsWith("1:6: parse error:", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_timeout_stops_evaluation_with_prometheus_message()
    {
        var engine = new QueryEngine(QueryEngineOptions.Default with { Timeout = TimeSpan.FromTicks(1) });
        var e = Assert.Throws<QueryException>(() => engine.RangeQuery(s_head, "sum(rate(x[5m]))", 0, 3_600_000, 15_000, default));
        Assert.Equal(QueryErrorKind.Timeout, e.Kind);
        Assert.Equal("query timed out in expression evaluation", e.Message);
    }

    [Fact]
    public void A_canceled_token_gives_canceled()
    {
        using var cts = new CancellationTokenSource();
        cts.Cancel();
        var e = Assert.Throws<QueryException>(() => new QueryEngine().InstantQuery(s_head, "x", 60_000, cts.Token));
        Assert.Equal(QueryErrorKind.Canceled, e.Kind);
    }

    [Theory]
    [InlineData("x", 49, false)]
    [InlineData("x", 50, true)]
    [InlineData("x[1m]", 50 * 5, true)]
    [InlineData("x[1m]", (50 * 5) - 1, false)]
    public void The_sample_limit_counts_samples_held_at_once(string query, int maxSamples, bool fits)
    {
        var engine = new QueryEngine(QueryEngineOptions.Default with { MaxSamples = maxSamples });
        if (fits)
        {
            Assert.NotNull(engine.InstantQuery(s_head, query, 600_000, default).Value);
            return;
        }

        var e = Assert.Throws<QueryException>(() => engine.InstantQuery(s_head, query, 600_000, default));
        Assert.Equal(QueryErrorKind.Execution, e.Kind);
        Assert.Equal("query processing would load too many samples into memory in query execution", e.Message);
    }

    [Theory]
    [InlineData("max_over_time(x[30d:1s])")]
    [InlineData("max_over_time(x[3000d:1ms])")]
    public void Long_subqueries_are_refused_as_too_many_samples_before_memory_runs_out(string query)
    {
        var e = Assert.Throws<QueryException>(() => new QueryEngine().InstantQuery(s_head, query, 600_000, default));
        Assert.Equal(QueryErrorKind.Execution, e.Kind);
    }

    [Fact]
    public void Storage_failures_are_internal_errors()
    {
        var storage = new ProbingStorage(s_head, new IOException("disk on fire"));
        var e = Assert.Throws<QueryException>(() => new QueryEngine().InstantQuery(storage, "x", 0, default));
        Assert.Equal(QueryErrorKind.Internal, e.Kind);
        Assert.Equal("disk on fire", e.Message);
    }

    [Fact]
    public void Each_selector_selects_once_per_query_and_reuses_one_iterator()
    {
        var storage = new ProbingStorage(s_head);
        var result = new QueryEngine().RangeQuery(storage, "sum by (job) (rate(x[5m])) / sum by (job) (x)", 0, 3_600_000, 60_000, default);
        Assert.Equal(2, storage.Selects);
        Assert.Equal(100, storage.Iterators);
        Assert.Equal(98, storage.Reused);
        Assert.Equal(10, ((MatrixValue)result.Value).Series.Count);
        Assert.Contains("probe warning", result.Warnings);
    }

    [Fact]
    public void Range_results_are_sorted_by_labels_and_instant_vectors_keep_evaluation_order()
    {
        var engine = new QueryEngine();
        var range = (MatrixValue)engine.RangeQuery(s_head, "sort_desc(x)", 0, 60_000, 60_000, default).Value;
        var names = range.Series.Select(s => s.Metric.ToString()).ToList();
        Assert.Equal(names.Order(StringComparer.Ordinal), names);

        var instant = (VectorValue)engine.InstantQuery(s_head, "sort_desc(x)", 60_000, default).Value;
        Assert.True(instant.Samples.Zip(instant.Samples.Skip(1)).All(p => p.First.F >= p.Second.F));
    }

    [Fact]
    public void Deeply_nested_queries_answer_or_fail_without_crashing()
    {
        // The parser refuses nesting deeper than its stack allows as bad_data; whatever it accepts, the evaluator
        // either answers or refuses the same way (Prometheus would answer: Go stacks grow).
        foreach (string query in new[] { Nest("(", "1", ")", 10_000), Nest("-(", "x", ")", 10_000), Nest("abs(", "x", ")", 5_000), Chain(2_000) })
        {
            try
            {
                var result = new QueryEngine().InstantQuery(s_head, query, 60_000, default);
                Assert.NotNull(result.Value);
                Console.WriteLine($"{query.Length} chars: answered");
            }
            catch (QueryException e)
            {
                Assert.Equal(QueryErrorKind.BadData, e.Kind);
                Console.WriteLine($"{query.Length} chars: {e.Message}");
            }
        }
    }

    [Fact]
    public void Ten_thousand_nested_parentheses_are_answered_as_prometheus_answers_them()
    {
        var result = new QueryEngine().InstantQuery(s_head, Nest("(", "1", ")", 10_000), 0, default);
        Assert.Equal(1, ((ScalarValue)result.Value).F);

        var vector = (VectorValue)new QueryEngine().InstantQuery(s_head, Nest("-(", "x{i=\"1\"}", ")", 10_001), 60_000, default).Value;
        Assert.Equal(-120, Assert.Single(vector.Samples).F);
    }

    [Fact]
    public void A_moderately_nested_query_is_answered()
    {
        var result = new QueryEngine().InstantQuery(s_head, Nest("(", "1", ")", 200), 0, default);
        Assert.Equal(1, ((ScalarValue)result.Value).F);
    }

    private static string Nest(string open, string inner, string close, int depth)
    {
        var sb = new StringBuilder();
        sb.Insert(0, open, depth).Append(inner).Insert(sb.Length, close, depth);
        return sb.ToString();
    }

    private static string Chain(int terms) => string.Join(" + ", Enumerable.Repeat("1", terms));
}
