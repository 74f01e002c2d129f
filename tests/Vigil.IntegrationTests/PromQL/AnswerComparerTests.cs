namespace Vigil.IntegrationTests.PromQL;

/// <summary>The comparison the conformance test relies on: it must catch what issue 6 calls a mismatch, and only that.</summary>
public sealed class AnswerComparerTests
{
    [Theory]
    [InlineData("1", "1", true)]
    [InlineData("NaN", "NaN", true)]
    [InlineData("+Inf", "+Inf", true)]
    [InlineData("+Inf", "-Inf", false)]
    [InlineData("NaN", "0", false)]
    [InlineData("+Inf", "1e+308", false)]
    [InlineData("1e+06", "1000000", true)]
    [InlineData("1", "1.0000000009", true)]
    [InlineData("1", "1.000000002", false)]
    [InlineData("0", "1e-300", false)]
    [InlineData("-5", "5", false)]
    public void Values_are_equal_within_1e_9_relative_with_nan_and_infinities_exact(string expected, string actual, bool equal) =>
        Assert.Equal(equal, AnswerComparer.ValuesEqual(expected, actual));

    [Fact]
    public void Series_labels_points_and_errors_are_compared()
    {
        var reference = Vector(("{a=\"1\"}", "1"), ("{a=\"2\"}", "2"));
        Assert.Empty(AnswerComparer.Compare(reference, Vector(("{a=\"2\"}", "2"), ("{a=\"1\"}", "1")), ordered: false));
        Assert.Contains("missing series {a=\"2\"}", AnswerComparer.Compare(reference, Vector(("{a=\"1\"}", "1")), ordered: false)[0], StringComparison.Ordinal);
        Assert.Contains("unexpected series {a=\"3\"}", AnswerComparer.Compare(reference, Vector(("{a=\"1\"}", "1"), ("{a=\"2\"}", "2"), ("{a=\"3\"}", "3")), ordered: false)[0], StringComparison.Ordinal);
        Assert.Contains("expected 2, got 2.5", AnswerComparer.Compare(reference, Vector(("{a=\"1\"}", "1"), ("{a=\"2\"}", "2.5")), ordered: false)[0], StringComparison.Ordinal);

        var error = ApiAnswer.Parse(422, """{"status":"error","errorType":"execution","error":"x"}""");
        var otherError = ApiAnswer.Parse(400, """{"status":"error","errorType":"bad_data","error":"x"}""");
        Assert.Empty(AnswerComparer.Compare(error, ApiAnswer.Parse(422, """{"status":"error","errorType":"execution","error":"other words"}"""), ordered: false));
        Assert.Single(AnswerComparer.Compare(error, otherError, ordered: false));
        Assert.Single(AnswerComparer.Compare(reference, error, ordered: false));
    }

    [Fact]
    public void Order_counts_only_when_asked_and_ties_may_swap()
    {
        var reference = Vector(("{a=\"1\"}", "1"), ("{a=\"2\"}", "2"), ("{a=\"3\"}", "2"));
        var swapped = Vector(("{a=\"2\"}", "2"), ("{a=\"1\"}", "1"), ("{a=\"3\"}", "2"));
        var tieSwapped = Vector(("{a=\"1\"}", "1"), ("{a=\"3\"}", "2"), ("{a=\"2\"}", "2"));
        Assert.Empty(AnswerComparer.Compare(reference, swapped, ordered: false));
        Assert.Single(AnswerComparer.Compare(reference, swapped, ordered: true));
        Assert.Empty(AnswerComparer.Compare(reference, tieSwapped, ordered: true));
    }

    [Fact]
    public void Matrix_timestamps_are_compared()
    {
        var reference = ApiAnswer.Parse(200, """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"1"},"values":[[10,"1"],[70,"2"]]}]}}""");
        var shifted = ApiAnswer.Parse(200, """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"1"},"values":[[10,"1"],[71,"2"]]}]}}""");
        var shorter = ApiAnswer.Parse(200, """{"status":"success","data":{"resultType":"matrix","result":[{"metric":{"a":"1"},"values":[[10,"1"]]}]}}""");
        Assert.Contains("expected time 70, got 71", AnswerComparer.Compare(reference, shifted, ordered: false)[0], StringComparison.Ordinal);
        Assert.Contains("expected 2 points, got 1", AnswerComparer.Compare(reference, shorter, ordered: false)[0], StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("sort(x)", true)]
    [InlineData("sort_desc(rate(x[5m]))", true)]
    [InlineData("topk(3, x)", true)]
    [InlineData("topk by (job) (3, x)", false)]
    [InlineData("sum(sort(x))", false)]
    [InlineData("x", false)]
    public void Order_sensitive_queries_are_the_ones_prometheus_orders(string expression, bool ordered) =>
        Assert.Equal(ordered, new ListedQuery(1, QueryModes.Instant, expression).IsOrdered);

    private static ApiAnswer Vector(params (string Labels, string Value)[] samples)
    {
        var result = string.Join(",", samples.Select(s => $$"""{"metric":{{LabelsJson(s.Labels)}},"value":[100,"{{s.Value}}"]}"""));
        return ApiAnswer.Parse(200, $$$"""{"status":"success","data":{"resultType":"vector","result":[{{{result}}}]}}""");
    }

    // {a="1"} as the API's {"a":"1"}.
    private static string LabelsJson(string labels) => labels.Replace("=", ":", StringComparison.Ordinal).Replace("{a", "{\"a\"", StringComparison.Ordinal);
}
