namespace Vigil.IntegrationTests.PromQL;

/// <summary>The names issue 6 asks the conformance list to cover (Prometheus 2.42's promql/parser/functions.go).</summary>
internal static class PromQLNames
{
    /// <summary>Every function of 2.42 except the native-histogram ones (histogram_count, histogram_sum, histogram_fraction), and every aggregation.</summary>
    public static readonly string[] FunctionsAndAggregations =
    [
        "abs", "absent", "absent_over_time", "acos", "acosh", "asin", "asinh", "atan", "atanh", "avg_over_time",
        "ceil", "changes", "clamp", "clamp_max", "clamp_min", "cos", "cosh", "count_over_time", "days_in_month",
        "day_of_month", "day_of_week", "day_of_year", "deg", "delta", "deriv", "exp", "floor", "histogram_quantile",
        "holt_winters", "hour", "idelta", "increase", "irate", "label_replace", "label_join", "last_over_time", "ln",
        "log10", "log2", "max_over_time", "min_over_time", "minute", "month", "pi", "predict_linear",
        "present_over_time", "quantile_over_time", "rad", "rate", "resets", "round", "scalar", "sgn", "sin", "sinh",
        "sort", "sort_desc", "sqrt", "stddev_over_time", "stdvar_over_time", "sum_over_time", "tan", "tanh", "time",
        "timestamp", "vector", "year",
        "sum", "avg", "min", "max", "count", "group", "stddev", "stdvar", "topk", "bottomk", "quantile", "count_values",
    ];
}
