using System.Collections.Frozen;

namespace Vigil.PromQL;

/// <summary>
/// A PromQL function's signature (Prometheus's <c>parser.Function</c>): what the parser needs to type-check a
/// call. <see cref="Variadic"/> is 0 for a fixed argument list, N for up to N more arguments of the last
/// argument type (which may then also be left out), -1 for any number more.
/// </summary>
internal sealed record FunctionInfo(string Name, IReadOnlyList<ValueType> ArgTypes, int Variadic, ValueType ReturnType)
{
    /// <summary>The fewest arguments a call may pass.</summary>
    public int MinArgs => Variadic == 0 ? ArgTypes.Count : ArgTypes.Count - 1;

    /// <summary>The most arguments a call may pass; <see cref="int.MaxValue"/> when unbounded.</summary>
    public int MaxArgs => Variadic switch
    {
        0 => ArgTypes.Count,
        < 0 => int.MaxValue,
        _ => ArgTypes.Count - 1 + Variadic,
    };
}

/// <summary>
/// The functions of Prometheus 2.42 (promql/parser/functions.go), except the native-histogram ones
/// (<c>histogram_count</c>, <c>histogram_sum</c>, <c>histogram_fraction</c>), which need a sample type Vigil does not
/// store yet; a query using them gets Prometheus's "unknown function" error. <c>histogram_quantile</c> is here, for
/// classic <c>le</c> buckets.
/// </summary>
internal static class Functions
{
    private const ValueType S = ValueType.Scalar;
    private const ValueType V = ValueType.Vector;
    private const ValueType M = ValueType.Matrix;
    private const ValueType Str = ValueType.String;

    private static readonly FrozenDictionary<string, FunctionInfo> s_byName = Build(
        // Instant vector in, instant vector out: math.
        F("abs", V), F("acos", V), F("acosh", V), F("asin", V), F("asinh", V), F("atan", V), F("atanh", V),
        F("ceil", V), F("cos", V), F("cosh", V), F("deg", V), F("exp", V), F("floor", V), F("ln", V),
        F("log10", V), F("log2", V), F("rad", V), F("sgn", V), F("sin", V), F("sinh", V), F("sqrt", V),
        F("tan", V), F("tanh", V),

        // Instant vector helpers.
        F("absent", V), F("sort", V), F("sort_desc", V), F("timestamp", V),
        F("clamp", V, S, S), F("clamp_max", V, S), F("clamp_min", V, S),
        F("round", [V, S], variadic: 1),
        F("histogram_quantile", S, V),
        F("label_replace", V, Str, Str, Str, Str),
        F("label_join", [V, Str, Str, Str], variadic: -1),

        // Date functions: the vector is optional and defaults to vector(time()).
        F("day_of_month", [V], variadic: 1), F("day_of_week", [V], variadic: 1), F("day_of_year", [V], variadic: 1),
        F("days_in_month", [V], variadic: 1), F("hour", [V], variadic: 1), F("minute", [V], variadic: 1),
        F("month", [V], variadic: 1), F("year", [V], variadic: 1),

        // Range vector in, instant vector out.
        F("absent_over_time", M), F("avg_over_time", M), F("changes", M), F("count_over_time", M),
        F("delta", M), F("deriv", M), F("idelta", M), F("increase", M), F("irate", M),
        F("last_over_time", M), F("max_over_time", M), F("min_over_time", M), F("present_over_time", M),
        F("rate", M), F("resets", M), F("stddev_over_time", M), F("stdvar_over_time", M), F("sum_over_time", M),
        F("holt_winters", M, S, S), F("predict_linear", M, S), F("quantile_over_time", S, M),

        // Scalars and conversions.
        F("pi", [], returns: S), F("time", [], returns: S), F("scalar", [V], returns: S), F("vector", S));

    /// <summary>Every function, in no particular order.</summary>
    public static IEnumerable<FunctionInfo> All => s_byName.Values;

    /// <summary>Looks a function up by its exact (case-sensitive) name, as Prometheus does.</summary>
    public static bool TryGet(string name, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out FunctionInfo? function) =>
        s_byName.TryGetValue(name, out function);

    private static FunctionInfo F(string name, params ValueType[] args) => new(name, args, 0, V);

    private static FunctionInfo F(string name, ValueType[] args, int variadic = 0, ValueType returns = V) =>
        new(name, args, variadic, returns);

    private static FrozenDictionary<string, FunctionInfo> Build(params FunctionInfo[] functions) =>
        functions.ToFrozenDictionary(f => f.Name, StringComparer.Ordinal);
}
