using Vigil.PromQL.Engine;
using static Vigil.PromQL.Tests.KernelTestPoints;

namespace Vigil.PromQL.Tests;

/// <summary>deriv, predict_linear and holt_winters, with values worked out by hand.</summary>
public sealed class RangeKernelsRegressionTests
{
    [Theory]
    [InlineData("0:1 10:3 20:5", 0.2)]
    [InlineData("100:5 110:3 120:1", -0.2)]
    [InlineData("0:1 10:1 20:1", 0.0)]
    [InlineData("0:Inf 10:Inf", double.NaN)] // A constant infinity has no slope (2.42's special case).
    [InlineData("0:1 10:NaN", double.NaN)]
    // Least squares, not the end points: x = 0, 10, 20; y = 0, 10, 5 gives slope 0.25.
    [InlineData("0:0 10:10 20:5", 0.25)]
    public void Deriv_is_the_least_squares_slope(string window, double expected)
    {
        Assert.True(RangeKernels.Deriv(Parse(window), out double value));
        AssertSame(expected, value, $"deriv({window})");
    }

    [Theory]
    // The line through (0 s, 1) … (20 s, 5) is 7 at the evaluation time 30 s, and 9 ten seconds later.
    [InlineData("0:1 10:3 20:5", 30, 10.0, 9.0)]
    [InlineData("0:1 10:3 20:5", 30, 0.0, 7.0)]
    [InlineData("0:1 10:3 20:5", 20, -20.0, 1.0)]
    [InlineData("0:4 10:4", 60, 3600.0, 4.0)] // Constant: exactly its value, whatever the horizon.
    [InlineData("0:-Inf 10:-Inf", 10, 1.0, double.NaN)]
    // Least squares: (0,0), (10,10), (20,5) has slope 0.25 and mean 5 at x = 10, so 7.5 at 20 s, 10 at 30 s.
    [InlineData("0:0 10:10 20:5", 20, 10.0, 10.0)]
    public void Predict_linear_puts_the_intercept_at_the_evaluation_time(string window, long evalSeconds, double seconds, double expected)
    {
        Assert.True(RangeKernels.PredictLinear(Parse(window), evalSeconds * 1000, seconds, out double value));
        AssertSame(expected, value, $"predict_linear({window}, {seconds}) at {evalSeconds}s");
    }

    [Fact]
    public void Regressions_need_two_points()
    {
        Assert.False(RangeKernels.Deriv(Parse("0:1"), out _));
        Assert.False(RangeKernels.PredictLinear(Parse("0:1"), 0, 1, out _));
        Assert.False(RangeKernels.HoltWinters(Parse("0:1"), 0.5, 0.5, out _));
    }

    [Theory]
    // s1 = 1, b = 1; then s = 0.5·2 + 0.5·(1 + 1) = 2; b = 0.5·(2 − 1) + 0.5·1 = 1; s = 0.5·4 + 0.5·(2 + 1) = 3.5.
    [InlineData("0:1 1:2 2:4", 0.5, 0.5, 3.5)]
    // Two points: one step with the initial trend: 0.1·20 + 0.9·(10 + 10) = 20.
    [InlineData("0:10 1:20", 0.1, 0.9, 20.0)]
    // s = 0.2·0 + 0.8·(3 + (−3)) = 0; b = 0.3·(0 − 3) + 0.7·(−3) = −3; s = 0.2·6 + 0.8·(0 − 3) = −1.2.
    [InlineData("0:3 1:0 2:6", 0.2, 0.3, -1.1999999999999997)] // In Go's operation order.
    [InlineData("0:1 1:2", double.NaN, 0.5, double.NaN)] // NaN passes 2.42's range check.
    public void Holt_winters_smooths(string window, double sf, double tf, double expected)
    {
        Assert.True(RangeKernels.HoltWinters(Parse(window), sf, tf, out double value));
        AssertSame(expected, value, $"holt_winters({window}, {sf}, {tf})");
    }

    [Theory]
    [InlineData(1.0, 0.5, "invalid smoothing factor. Expected: 0 < sf < 1, got: 1.000000")]
    [InlineData(0.0, 0.5, "invalid smoothing factor. Expected: 0 < sf < 1, got: 0.000000")]
    [InlineData(0.5, 0.0, "invalid trend factor. Expected: 0 < tf < 1, got: 0.000000")]
    [InlineData(0.5, -2.25, "invalid trend factor. Expected: 0 < tf < 1, got: -2.250000")]
    [InlineData(double.PositiveInfinity, 0.5, "invalid smoothing factor. Expected: 0 < sf < 1, got: +Inf")]
    public void Holt_winters_refuses_factors_outside_0_1(double sf, double tf, string message)
    {
        // Even with too few points: 2.42 checks the factors first.
        var error = Assert.Throws<QueryException>(() => RangeKernels.HoltWinters(Parse("0:1"), sf, tf, out _));
        Assert.Equal(QueryErrorKind.Execution, error.Kind);
        Assert.Equal(message, error.Message);
    }
}
