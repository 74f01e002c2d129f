using Vigil.PromQL.Engine;
using static Vigil.PromQL.Tests.KernelTestPoints;

namespace Vigil.PromQL.Tests;

/// <summary>The *_over_time kernels, resets and changes, including NaN and ±Inf inputs (2.42's aggrOverTime family).</summary>
public sealed class RangeKernelsOverTimeTests
{
    private delegate bool Kernel(ReadOnlySpan<FPoint> points, out double value);

    private static Kernel Get(string function) => function switch
    {
        "avg" => RangeKernels.AvgOverTime,
        "sum" => RangeKernels.SumOverTime,
        "count" => RangeKernels.CountOverTime,
        "min" => RangeKernels.MinOverTime,
        "max" => RangeKernels.MaxOverTime,
        "last" => RangeKernels.LastOverTime,
        "present" => RangeKernels.PresentOverTime,
        "stddev" => RangeKernels.StddevOverTime,
        "stdvar" => RangeKernels.StdvarOverTime,
        "resets" => RangeKernels.Resets,
        "changes" => RangeKernels.Changes,
        _ => throw new ArgumentException(function),
    };

    [Theory]
    [InlineData("avg", "1 2 3 4", 2.5)]
    [InlineData("sum", "1 2 3 4", 10.0)]
    [InlineData("count", "1 2 3 4", 4.0)]
    [InlineData("min", "3 1 4 2", 1.0)]
    [InlineData("max", "3 1 4 2", 4.0)]
    [InlineData("last", "3 1 4 2", 2.0)]
    [InlineData("present", "3 1 4 2", 1.0)]
    [InlineData("stdvar", "1 2 3 4", 1.25)]
    [InlineData("stddev", "1 2 3 4", 1.118033988749895)]
    [InlineData("stddev", "7", 0.0)]
    [InlineData("stdvar", "-2 -2 -2", 0.0)]
    // Welford's update keeps a large offset from swamping the spread (a naive Σx² − (Σx)²/n loses it all).
    [InlineData("stdvar", "1000000001 1000000002 1000000003", 0.6666666666666666)]
    [InlineData("stdvar", "1000000000000001 1000000000000003", 1.0)]
    [InlineData("stdvar", "0.1 0.2 0.3", 0.006666666666666664)]
    // The incremental mean does not overflow where the sum does (checked against 2.42: 1e+308 and +Inf).
    [InlineData("avg", "1e308 1e308 1e308", 1e308)]
    [InlineData("sum", "1e308 1e308 1e308", double.PositiveInfinity)]
    // 2.42 compensates its sums (Neumaier): the 1 survives beside 1e100, where a plain sum answers 0.
    [InlineData("sum", "1e100 1 -1e100", 1.0)]
    // ... and the compensation turns an overflow into Inf − Inf = NaN, which 2.42 answers (a plain update gives −Inf).
    [InlineData("stdvar", "1e308 -1e308", double.NaN)]
    // NaN: sums and means take it in; min/max replace a NaN with any later value, but keep a number over a later NaN.
    [InlineData("sum", "1 NaN 3", double.NaN)]
    [InlineData("avg", "1 NaN 3", double.NaN)]
    [InlineData("min", "1 NaN 3", 1.0)]
    [InlineData("max", "1 NaN 3", 3.0)]
    [InlineData("min", "NaN 2 1", 1.0)]
    [InlineData("max", "NaN 2 1", 2.0)]
    [InlineData("min", "NaN NaN", double.NaN)]
    [InlineData("max", "NaN", double.NaN)]
    [InlineData("last", "1 NaN", double.NaN)]
    [InlineData("count", "NaN NaN", 2.0)]
    [InlineData("stddev", "1 NaN", double.NaN)]
    // Infinities: an infinite mean stays put for finite values and same-signed infinities; opposite ones give NaN.
    [InlineData("avg", "Inf 1 2", double.PositiveInfinity)]
    [InlineData("avg", "1 -Inf 2", double.NegativeInfinity)]
    [InlineData("avg", "Inf Inf", double.PositiveInfinity)]
    [InlineData("avg", "Inf -Inf", double.NaN)]
    [InlineData("avg", "Inf NaN", double.NaN)]
    [InlineData("sum", "Inf -Inf", double.NaN)]
    [InlineData("min", "Inf -Inf 0", double.NegativeInfinity)]
    [InlineData("max", "-Inf 0", 0.0)]
    [InlineData("stdvar", "1 Inf", double.NaN)]
    // resets counts drops only; changes counts any difference, but not NaN followed by NaN.
    [InlineData("resets", "5 3 3 1 4 0", 3.0)]
    [InlineData("resets", "1 NaN 0", 0.0)]
    [InlineData("resets", "9", 0.0)]
    [InlineData("changes", "1 1 2 NaN NaN 2", 3.0)]
    [InlineData("changes", "-0 0", 0.0)]
    [InlineData("changes", "Inf Inf -Inf", 1.0)]
    public void Folds_the_window(string function, string values, double expected)
    {
        Assert.True(Get(function)(Window(values), out double value));
        AssertSame(expected, value, $"{function}({values})");
    }

    [Theory]
    [InlineData("avg")]
    [InlineData("sum")]
    [InlineData("count")]
    [InlineData("min")]
    [InlineData("max")]
    [InlineData("last")]
    [InlineData("present")]
    [InlineData("stddev")]
    [InlineData("stdvar")]
    [InlineData("resets")]
    [InlineData("changes")]
    public void An_empty_window_gives_nothing(string function) => Assert.False(Get(function)([], out _));

    [Theory]
    [InlineData("1 2 3 4", 0.5, 2.5)]
    [InlineData("4 3 2 1", 0.25, 1.75)]
    [InlineData("1 2 3 4", 0.0, 1.0)]
    [InlineData("1 2 3 4", 1.0, 4.0)]
    [InlineData("1 2 3 4", -0.1, double.NegativeInfinity)]
    [InlineData("1 2 3 4", 1.1, double.PositiveInfinity)]
    [InlineData("1 2 3 4", double.NaN, double.NaN)] // 2.42 answers NaN (checked against it).
    [InlineData("5", 0.9, 5.0)]
    [InlineData("2 NaN 1", 0.0, double.NaN)] // NaN sorts first.
    [InlineData("2 NaN 1", 0.5, 1.0)]
    [InlineData("2 NaN 1", 1.0, 2.0)]
    [InlineData("-Inf 0 Inf", 0.5, double.NaN)] // Weight 0 still multiplies the +Inf neighbour: 0·1 + Inf·0.
    [InlineData("-Inf 0 Inf", 0.25, double.NegativeInfinity)]
    public void Quantile_over_time_interpolates_between_ranks(string values, double q, double expected)
    {
        var points = Window(values);
        var scratch = new double[points.Length + 3];
        Assert.True(RangeKernels.QuantileOverTime(points, q, scratch, out double value));
        AssertSame(expected, value, $"quantile_over_time({q}, {values})");
    }

    [Fact]
    public void Quantile_over_time_of_nothing_gives_nothing() =>
        Assert.False(RangeKernels.QuantileOverTime([], 0.5, [], out _));

    /// <summary>Values one second apart from t = 0.</summary>
    private static FPoint[] Window(string values) =>
        values.Split(' ').Select((v, i) => new FPoint(i * 1000L, ParseValue(v))).ToArray();
}
