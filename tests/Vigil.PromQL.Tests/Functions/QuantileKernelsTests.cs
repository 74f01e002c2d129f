using static Vigil.PromQL.Tests.KernelTestPoints;
using Bucket = Vigil.PromQL.QuantileKernels.Bucket;

namespace Vigil.PromQL.Tests;

/// <summary>histogram_quantile's bucketQuantile and the quantile aggregation's Quantile, worked out by hand from 2.42.</summary>
public sealed class QuantileKernelsTests
{
    [Theory]
    // Buckets in any order: sorted by bound first. 20 observations, 10 of them ≤ 1.
    [InlineData("2:20 +Inf:20 1:10", 0.5, 1.0)]
    [InlineData("2:20 +Inf:20 1:10", 0.25, 0.5)]   // The lowest bucket interpolates from 0 (its bound is > 0).
    [InlineData("2:20 +Inf:20 1:10", 0.75, 1.5)]
    [InlineData("2:20 +Inf:20 1:10", 0.0, 0.0)]
    [InlineData("2:20 +Inf:20 1:10", 1.0, 2.0)]
    // A rank in the +Inf bucket answers the highest finite bound.
    [InlineData("1:10 2:20 +Inf:30", 0.9, 2.0)]
    // Without +Inf, with fewer than two buckets, or with no observations: NaN.
    [InlineData("1:10 2:20", 0.5, double.NaN)]
    [InlineData("+Inf:5", 0.5, double.NaN)]
    [InlineData("1:0 +Inf:0", 0.5, double.NaN)]
    // q outside [0, 1] answers ±Inf whatever the buckets; NaN answers NaN (2.42, checked).
    [InlineData("1:10 +Inf:20", -0.5, double.NegativeInfinity)]
    [InlineData("1:10 2:20", 1.5, double.PositiveInfinity)]
    [InlineData("1:10 +Inf:20", double.NaN, double.NaN)]
    // Non-monotonic counts are raised to the running maximum: 1:10 2:10 +Inf:20.
    [InlineData("1:10 2:8 +Inf:20", 0.4, 0.8)]
    [InlineData("1:10 2:8 +Inf:20", 0.75, 2.0)]
    // A lowest bound ≤ 0 is answered as it is; above it, interpolation runs from that bound.
    [InlineData("-1:5 0:10 +Inf:10", 0.2, -1.0)]
    [InlineData("-1:5 0:10 +Inf:10", 0.75, -0.5)]
    [InlineData("0:4 1:8 +Inf:8", 0.25, 0.0)]
    // Equal bounds ("1" and "1.0") are merged by adding their counts: 1:10 +Inf:10.
    [InlineData("1:5 1:5 +Inf:10", 0.5, 0.5)]
    // Empty leading buckets: q = 0 has rank 0, which the empty first bucket reaches: 0·(0/0) is NaN.
    [InlineData("0.1:0 0.5:0 1:4 +Inf:4", 0.0, double.NaN)]
    [InlineData("0.1:0 0.5:0 1:4 +Inf:4", 0.5, 0.75)]
    // A NaN count never reaches the rank (and is not raised), so the rank falls through to the +Inf bucket.
    [InlineData("1:NaN +Inf:10", 0.5, 1.0)]
    public void Bucket_quantile(string spec, double q, double expected)
    {
        var buckets = spec.Split(' ').Select(b =>
        {
            var pair = b.Split(':');
            return new Bucket(ParseValue(pair[0]), ParseValue(pair[1]));
        }).ToArray();
        AssertSame(expected, QuantileKernels.BucketQuantile(q, buckets), $"histogram_quantile({q}, {spec})");
    }

    [Fact]
    public void Bucket_quantile_of_no_buckets_is_NaN() => AssertSame(double.NaN, QuantileKernels.BucketQuantile(0.5, []), "no buckets");

    [Theory]
    [InlineData("1 2 3 4 5", 0.5, 3.0)]
    [InlineData("5 4 3 2 1", 0.1, 1.4)]
    [InlineData("10 20", 0.3, 13.0)]
    [InlineData("7", 0.99, 7.0)]
    [InlineData("", 0.5, double.NaN)]
    [InlineData("", -1.0, double.NaN)] // No values: NaN comes before the q checks.
    [InlineData("1 2", -1.0, double.NegativeInfinity)]
    [InlineData("1 2", 2.0, double.PositiveInfinity)]
    public void Quantile(string values, double q, double expected)
    {
        var span = values.Length == 0 ? [] : values.Split(' ').Select(ParseValue).ToArray();
        AssertSame(expected, QuantileKernels.Quantile(q, span), $"quantile({q}, {values})");
    }
}
