namespace Vigil.PromQL.Tests;

/// <summary>
/// The function table: every function of Prometheus 2.42 but the native-histogram ones, with its argument types,
/// optional and variadic arguments and return type (checked against Prometheus 2.42's answers to calls of each).
/// </summary>
public sealed class FunctionTests
{
    [Theory]
    [InlineData("abs", "vector", "vector")]
    [InlineData("absent", "vector", "vector")]
    [InlineData("absent_over_time", "matrix", "vector")]
    [InlineData("acos", "vector", "vector")]
    [InlineData("acosh", "vector", "vector")]
    [InlineData("asin", "vector", "vector")]
    [InlineData("asinh", "vector", "vector")]
    [InlineData("atan", "vector", "vector")]
    [InlineData("atanh", "vector", "vector")]
    [InlineData("avg_over_time", "matrix", "vector")]
    [InlineData("ceil", "vector", "vector")]
    [InlineData("changes", "matrix", "vector")]
    [InlineData("clamp", "vector scalar scalar", "vector")]
    [InlineData("clamp_max", "vector scalar", "vector")]
    [InlineData("clamp_min", "vector scalar", "vector")]
    [InlineData("cos", "vector", "vector")]
    [InlineData("cosh", "vector", "vector")]
    [InlineData("count_over_time", "matrix", "vector")]
    [InlineData("day_of_month", "[vector]", "vector")]
    [InlineData("day_of_week", "[vector]", "vector")]
    [InlineData("day_of_year", "[vector]", "vector")]
    [InlineData("days_in_month", "[vector]", "vector")]
    [InlineData("deg", "vector", "vector")]
    [InlineData("delta", "matrix", "vector")]
    [InlineData("deriv", "matrix", "vector")]
    [InlineData("exp", "vector", "vector")]
    [InlineData("floor", "vector", "vector")]
    [InlineData("histogram_quantile", "scalar vector", "vector")]
    [InlineData("holt_winters", "matrix scalar scalar", "vector")]
    [InlineData("hour", "[vector]", "vector")]
    [InlineData("idelta", "matrix", "vector")]
    [InlineData("increase", "matrix", "vector")]
    [InlineData("irate", "matrix", "vector")]
    [InlineData("label_join", "vector string string string...", "vector")]
    [InlineData("label_replace", "vector string string string string", "vector")]
    [InlineData("last_over_time", "matrix", "vector")]
    [InlineData("ln", "vector", "vector")]
    [InlineData("log10", "vector", "vector")]
    [InlineData("log2", "vector", "vector")]
    [InlineData("max_over_time", "matrix", "vector")]
    [InlineData("min_over_time", "matrix", "vector")]
    [InlineData("minute", "[vector]", "vector")]
    [InlineData("month", "[vector]", "vector")]
    [InlineData("pi", "", "scalar")]
    [InlineData("predict_linear", "matrix scalar", "vector")]
    [InlineData("present_over_time", "matrix", "vector")]
    [InlineData("quantile_over_time", "scalar matrix", "vector")]
    [InlineData("rad", "vector", "vector")]
    [InlineData("rate", "matrix", "vector")]
    [InlineData("resets", "matrix", "vector")]
    [InlineData("round", "vector [scalar]", "vector")]
    [InlineData("scalar", "vector", "scalar")]
    [InlineData("sgn", "vector", "vector")]
    [InlineData("sin", "vector", "vector")]
    [InlineData("sinh", "vector", "vector")]
    [InlineData("sort", "vector", "vector")]
    [InlineData("sort_desc", "vector", "vector")]
    [InlineData("sqrt", "vector", "vector")]
    [InlineData("stddev_over_time", "matrix", "vector")]
    [InlineData("stdvar_over_time", "matrix", "vector")]
    [InlineData("sum_over_time", "matrix", "vector")]
    [InlineData("tan", "vector", "vector")]
    [InlineData("tanh", "vector", "vector")]
    [InlineData("time", "", "scalar")]
    [InlineData("timestamp", "vector", "vector")]
    [InlineData("vector", "scalar", "vector")]
    [InlineData("year", "[vector]", "vector")]
    public void Signatures(string name, string args, string returns)
    {
        Assert.True(Functions.TryGet(name, out var f));
        Assert.Equal(args, Signature(f));
        Assert.Equal(returns, f.ReturnType.Name());
    }

    [Fact]
    public void The_table_holds_the_2_42_functions_without_native_histograms()
    {
        Assert.Equal(67, Functions.All.Count());
        Assert.False(Functions.TryGet("histogram_count", out _));
        Assert.False(Functions.TryGet("histogram_sum", out _));
        Assert.False(Functions.TryGet("histogram_fraction", out _));
        Assert.False(Functions.TryGet("Rate", out _)); // names are case-sensitive, unlike keywords
    }

    [Fact]
    public void Every_function_accepts_arguments_of_its_types()
    {
        foreach (var f in Functions.All)
        {
            var args = f.ArgTypes.Take(f.MinArgs).Select(Sample);
            var call = $"{f.Name}({string.Join(", ", args)})";
            Assert.Equal(call, Parser.Parse(call).ToString());
            Assert.Equal(f.ReturnType, Parser.Parse(call).Type);
        }
    }

    [Theory]
    [InlineData("histogram_count(x)", "1:1: parse error: unknown function with name \"histogram_count\"")]
    [InlineData("histogram_sum(x)", "1:1: parse error: unknown function with name \"histogram_sum\"")]
    [InlineData("histogram_fraction(0, 1, x)", "1:1: parse error: unknown function with name \"histogram_fraction\"")]
    public void Native_histogram_functions_are_unknown(string query, string message) =>
        Assert.Equal(message, Assert.Throws<PromQLParseException>(() => Parser.Parse(query)).Message);

    [Theory]
    [InlineData("rate(up)", "1:6: parse error: expected type range vector in call to function \"rate\", got instant vector")]
    [InlineData("abs(up[5m])", "1:5: parse error: expected type instant vector in call to function \"abs\", got range vector")]
    [InlineData("vector(up)", "1:8: parse error: expected type scalar in call to function \"vector\", got instant vector")]
    [InlineData("label_replace(up, \"a\", \"b\", \"c\", 1)", "1:34: parse error: expected type string in call to function \"label_replace\", got scalar")]
    [InlineData("label_join(up, \"a\", \"b\", \"c\", \"d\", 1)", "1:36: parse error: expected type string in call to function \"label_join\", got scalar")]
    [InlineData("quantile_over_time(up[5m], 0.5)", "1:20: parse error: expected type scalar in call to function \"quantile_over_time\", got range vector")]
    [InlineData("round(up, up)", "1:11: parse error: expected type scalar in call to function \"round\", got instant vector")]
    [InlineData("day_of_week(1)", "1:13: parse error: expected type instant vector in call to function \"day_of_week\", got scalar")]
    [InlineData("rate()", "1:1: parse error: expected 1 argument(s) in call to \"rate\", got 0")]
    [InlineData("clamp(up, 0)", "1:1: parse error: expected 3 argument(s) in call to \"clamp\", got 2")]
    [InlineData("pi(1)", "1:1: parse error: expected 0 argument(s) in call to \"pi\", got 1")]
    [InlineData("round()", "1:1: parse error: expected at least 1 argument(s) in call to \"round\", got 0")]
    [InlineData("round(up, 1, 2)", "1:1: parse error: expected at most 2 argument(s) in call to \"round\", got 3")]
    [InlineData("hour(up, up)", "1:1: parse error: expected at most 1 argument(s) in call to \"hour\", got 2")]
    [InlineData("label_join(up, \"a\")", "1:1: parse error: expected at least 3 argument(s) in call to \"label_join\", got 2")]
    [InlineData("rate(up, up)", "1:1: parse error: expected 1 argument(s) in call to \"rate\", got 2")] // the count before the types
    public void Arity_and_type_errors(string query, string message) =>
        Assert.Equal(message, Assert.Throws<PromQLParseException>(() => Parser.Parse(query)).Message);

    private static string Signature(FunctionInfo f)
    {
        var parts = f.ArgTypes.Select(t => t.Name()).ToList();
        if (f.Variadic > 0)
        {
            parts[^1] = "[" + parts[^1] + "]";
        }
        else if (f.Variadic < 0)
        {
            parts[^1] += "...";
        }

        return string.Join(" ", parts);
    }

    private static string Sample(ValueType type) => type switch
    {
        ValueType.Scalar => "1",
        ValueType.Vector => "up",
        ValueType.Matrix => "up[5m]",
        _ => "\"s\"",
    };
}
