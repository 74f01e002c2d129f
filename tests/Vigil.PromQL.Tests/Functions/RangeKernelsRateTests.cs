using Vigil.PromQL.Engine;
using static Vigil.PromQL.Tests.KernelTestPoints;

namespace Vigil.PromQL.Tests;

/// <summary>rate, increase, delta, irate, idelta against values worked out by hand from 2.42's extrapolatedRate and instantValue.</summary>
public sealed class RangeKernelsRateTests
{
    private delegate bool WindowKernel(ReadOnlySpan<FPoint> points, long rangeStart, long rangeEnd, out double value);

    private delegate bool LastTwoKernel(ReadOnlySpan<FPoint> points, out double value);

    [Theory]
    // Counter from 0, samples up to the window end: the zero point caps the start at the first sample: 50 over 50 s.
    [InlineData("increase", "10:0 20:10 30:20 40:30 50:40 60:50", 0, 60, 50.0)]
    [InlineData("rate", "10:0 20:10 30:20 40:30 50:40 60:50", 0, 60, 0.8333333333333334)]
    // From 100: the start is 10 s away, under 1.1 × 10 s, so the change is stretched to the full 60 s.
    [InlineData("increase", "10:100 20:110 30:120 40:130 50:140 60:150", 0, 60, 60.0)]
    [InlineData("rate", "10:100 20:110 30:120 40:130 50:140 60:150", 0, 60, 1.0)]
    // Start 30 s away, but the zero point is 10 s before the first sample; 2.42 caps first, then the capped
    // 10 s is under the 11 s threshold: 20 × 40/20 = 40 (later releases answer 35). Checked against 2.42.
    [InlineData("increase", "30:10 40:20 50:30", 0, 60, 40.0)]
    // A reset (10 → 2) adds 10: 11 over 30 s sampled, stretched to 40 s.
    [InlineData("increase", "10:5 20:10 30:2 40:6", 0, 40, 14.666666666666666)]
    [InlineData("rate", "10:5 20:10 30:2 40:6", 0, 40, 0.36666666666666664)]
    // Both edges beyond the threshold: half an interval each side (10 + 5 + 5 = 20 s).
    [InlineData("delta", "20:10 30:4", 0, 60, -12.0)]
    // The same points as a counter: the drop is a reset, so the change is 4, and the zero point (25 s) is beyond the start.
    [InlineData("increase", "20:10 30:4", 0, 60, 8.0)]
    // A negative first value: no zero-point limit, even for a counter.
    [InlineData("increase", "10:-5 20:5", 0, 20, 20.0)]
    // A counter that only falls: the drop is a reset, so the 10 lost is added back: −7 + 10 = 3.
    [InlineData("increase", "0:10 10:3", 0, 10, 3.0)]
    [InlineData("delta", "0:10 10:3", 0, 10, -7.0)]
    // The threshold is exclusive: an edge exactly 1.1 average intervals away (11 s) gets half an interval (5 s),
    // one just inside (10.5 s) is extrapolated to: 2 over 20 s becomes 2 over 25 s, or over 30.5 s.
    [InlineData("delta", "11:1 21:2 31:3", 0, 31, 2.5)]
    [InlineData("delta", "10.5:1 20.5:2 30.5:3", 0, 30.5, 3.05)]
    // NaN and Inf flow through the arithmetic.
    [InlineData("delta", "0:1 10:NaN", 0, 10, double.NaN)]
    [InlineData("delta", "0:1 10:Inf", 0, 10, double.PositiveInfinity)]
    public void Extrapolates_as_2_42(string function, string window, double startSeconds, double endSeconds, double expected)
    {
        WindowKernel kernel = function switch
        {
            "rate" => RangeKernels.Rate,
            "increase" => RangeKernels.Increase,
            _ => RangeKernels.Delta,
        };
        Assert.True(kernel(Parse(window), (long)(startSeconds * 1000), (long)(endSeconds * 1000), out double value));
        AssertSame(expected, value, $"{function}({window}) over [{startSeconds}s, {endSeconds}s]");
    }

    [Theory]
    [InlineData("")]
    [InlineData("10:5")]
    public void Fewer_than_two_points_give_nothing(string window)
    {
        var points = Parse(window);
        Assert.False(RangeKernels.Rate(points, 0, 60_000, out _));
        Assert.False(RangeKernels.Increase(points, 0, 60_000, out _));
        Assert.False(RangeKernels.Delta(points, 0, 60_000, out _));
        Assert.False(RangeKernels.Irate(points, out _));
        Assert.False(RangeKernels.Idelta(points, out _));
    }

    [Fact]
    public void Rate_divides_by_the_range_as_Go_Duration_Seconds_does()
    {
        // A 1.5 s range: Go's Seconds() is 1 + 0.5; 2 over two samples at the edges.
        Assert.True(RangeKernels.Rate(Parse("0:0 1.5:3"), 0, 1500, out double value));
        AssertSame(2.0, value, "rate over 1.5 s");
        AssertSame(1.001, RangeKernels.GoDurationSeconds(1001), "1001 ms");
    }

    [Theory]
    [InlineData("irate", "0:1 10:100 20:3 25:7", 0.8)]
    [InlineData("irate", "10:7 15:2", 0.4)] // A drop is a reset: the last value is the increase.
    [InlineData("idelta", "10:7 15:2", -5.0)]
    [InlineData("idelta", "0:1 10:100 20:3 25:7", 4.0)]
    [InlineData("irate", "0:1 0.5:2", 2.0)]
    [InlineData("idelta", "0:NaN 10:1", double.NaN)]
    public void Uses_the_last_two_samples(string function, string window, double expected)
    {
        LastTwoKernel kernel = function == "irate" ? RangeKernels.Irate : RangeKernels.Idelta;
        Assert.True(kernel(Parse(window), out double value));
        AssertSame(expected, value, $"{function}({window})");
    }

    [Fact]
    public void Equal_last_timestamps_give_nothing()
    {
        FPoint[] points = [new(1000, 1), new(1000, 2)];
        Assert.False(RangeKernels.Irate(points, out _));
        Assert.False(RangeKernels.Idelta(points, out _));
    }
}
