using static Vigil.PromQL.Tests.KernelTestPoints;

namespace Vigil.PromQL.Tests;

/// <summary>Math, round and clamp kernels; the expected values are Prometheus 2.42's answers to the same calls.</summary>
public sealed class InstantKernelsTests
{
    [Theory]
    [InlineData("abs", "-2.5", 2.5)]
    [InlineData("abs", "-Inf", double.PositiveInfinity)]
    [InlineData("ceil", "-1.5", -1.0)]
    [InlineData("floor", "-1.5", -2.0)]
    [InlineData("exp", "0", 1.0)]
    [InlineData("exp", "710", double.PositiveInfinity)]
    [InlineData("exp", "-Inf", 0.0)]
    [InlineData("sqrt", "16", 4.0)]
    [InlineData("sqrt", "-1", double.NaN)]
    // Logarithms of 0, negatives and NaN.
    [InlineData("ln", "0", double.NegativeInfinity)]
    [InlineData("ln", "-1", double.NaN)]
    [InlineData("ln", "NaN", double.NaN)]
    [InlineData("ln", "Inf", double.PositiveInfinity)]
    [InlineData("log2", "0", double.NegativeInfinity)]
    [InlineData("log2", "-8", double.NaN)]
    [InlineData("log2", "8", 3.0)]
    [InlineData("log2", "3", 1.5849625007211563)]
    [InlineData("log2", "0.1", -3.321928094887362)]
    [InlineData("log2", "5e-324", -1074.0)] // Subnormal: Frexp normalises it first.
    [InlineData("log10", "1000", 3.0)]
    [InlineData("log10", "0.001", -3.0)]
    [InlineData("log10", "2", 0.3010299956639812)]
    [InlineData("log10", "1e-300", -300.0)]
    [InlineData("log10", "0", double.NegativeInfinity)]
    [InlineData("log10", "-1", double.NaN)]
    // sgn keeps ±0 and NaN as they are.
    [InlineData("sgn", "-3", -1.0)]
    [InlineData("sgn", "0.001", 1.0)]
    [InlineData("sgn", "-0", -0.0)]
    [InlineData("sgn", "0", 0.0)]
    [InlineData("sgn", "NaN", double.NaN)]
    [InlineData("sgn", "-Inf", -1.0)]
    // Trigonometry, with its domain errors as NaN and poles as infinities.
    [InlineData("sin", "0", 0.0)]
    [InlineData("cos", "0", 1.0)]
    [InlineData("sin", "Inf", double.NaN)]
    [InlineData("asin", "2", double.NaN)]
    [InlineData("acos", "-1.5", double.NaN)]
    [InlineData("acos", "1", 0.0)]
    [InlineData("atan", "Inf", 1.5707963267948966)]
    [InlineData("sinh", "1", 1.1752011936438014)]
    [InlineData("cosh", "0", 1.0)]
    [InlineData("tanh", "Inf", 1.0)]
    [InlineData("asinh", "-Inf", double.NegativeInfinity)]
    [InlineData("acosh", "0.5", double.NaN)]
    [InlineData("acosh", "1", 0.0)]
    [InlineData("atanh", "1", double.PositiveInfinity)]
    [InlineData("atanh", "-1", double.NegativeInfinity)]
    [InlineData("atanh", "2", double.NaN)]
    [InlineData("deg", "3.141592653589793", 180.0)]
    [InlineData("deg", "1", 57.29577951308232)]
    [InlineData("rad", "180", 3.141592653589793)]
    [InlineData("rad", "NaN", double.NaN)]
    public void Math_kernels(string function, string input, double expected)
    {
        Assert.True(InstantKernels.TryGetMath(function, out var kernel));
        AssertSame(expected, kernel(ParseValue(input)), $"{function}({input})");
    }

    [Theory]
    [InlineData("round")]
    [InlineData("clamp")]
    [InlineData("year")]
    [InlineData("Abs")]
    public void Only_the_math_functions_are_math_kernels(string function) =>
        Assert.False(InstantKernels.TryGetMath(function, out _));

    [Theory]
    [InlineData("2.5", 1.0, 3.0)]
    [InlineData("-2.5", 1.0, -2.0)] // Ties go up, not away from zero.
    [InlineData("-0.4", 1.0, 0.0)]
    [InlineData("-0.6", 1.0, -1.0)]
    [InlineData("0.15", 0.1, 0.2)]
    [InlineData("2.5", 0.1, 2.5)]
    [InlineData("1.005", 0.01, 1.0)] // 1.005 is a little below itself in binary: 100.49999… + 0.5.
    [InlineData("123", 10.0, 120.0)]
    [InlineData("125", 10.0, 130.0)]
    [InlineData("5", 0.0, double.NaN)] // 1/0 = Inf, then Inf/Inf.
    [InlineData("5", -2.0, 4.0)]
    [InlineData("NaN", 1.0, double.NaN)]
    [InlineData("Inf", 1.0, double.PositiveInfinity)]
    [InlineData("7", double.NaN, double.NaN)]
    public void Round_to_nearest_ties_up(string input, double toNearest, double expected) =>
        AssertSame(expected, InstantKernels.Round(ParseValue(input), toNearest), $"round({input}, {toNearest})");

    [Theory]
    [InlineData(5.0, 0.0, 10.0, 5.0)]
    [InlineData(-5.0, 0.0, 10.0, 0.0)]
    [InlineData(50.0, 0.0, 10.0, 10.0)]
    [InlineData(5.0, double.NaN, 10.0, double.NaN)]
    [InlineData(5.0, 0.0, double.NaN, double.NaN)]
    [InlineData(double.NaN, 0.0, 10.0, double.NaN)]
    [InlineData(double.NegativeInfinity, -1.0, 1.0, -1.0)]
    [InlineData(3.0, 3.0, 3.0, 3.0)]
    [InlineData(double.PositiveInfinity, double.NaN, 10.0, double.NaN)] // Min(10, +Inf) is 10; Max(NaN, 10) has no +Inf, so NaN.
    public void Clamp_bounds_and_propagates_NaN(double value, double min, double max, double expected) =>
        AssertSame(expected, InstantKernels.Clamp(value, min, max), $"clamp({value}, {min}, {max})");

    [Theory]
    [InlineData(-1.0, 0.0, 0.0, 1.0, -1.0)]
    [InlineData(2.0, 0.0, 2.0, 1.0, 1.0)]
    [InlineData(double.NaN, 0.0, double.NaN, 1.0, double.NaN)]
    [InlineData(1.0, double.NaN, double.NaN, double.NaN, double.NaN)]
    [InlineData(-0.0, 0.0, 0.0, 0.0, -0.0)] // Go's Max(0, −0) is +0 and Min(0, −0) is −0.
    // Go checks the infinities before NaN: clamp_min(+Inf, NaN) is +Inf and clamp_max(−Inf, NaN) is −Inf (2.42 answers so).
    [InlineData(double.PositiveInfinity, double.NaN, double.PositiveInfinity, double.NaN, double.NaN)]
    [InlineData(double.NegativeInfinity, double.NaN, double.NaN, double.NaN, double.NegativeInfinity)]
    public void Clamp_min_and_max(double value, double bound, double expectedMin, double maxBound, double expectedMax)
    {
        AssertSame(expectedMin, InstantKernels.ClampMin(value, bound), $"clamp_min({value}, {bound})");
        AssertSame(expectedMax, InstantKernels.ClampMax(value, maxBound), $"clamp_max({value}, {maxBound})");
    }
}
