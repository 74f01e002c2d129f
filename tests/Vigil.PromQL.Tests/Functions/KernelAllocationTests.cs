using Vigil.PromQL.Engine;
using Bucket = Vigil.PromQL.QuantileKernels.Bucket;

namespace Vigil.PromQL.Tests;

/// <summary>The range and quantile kernels run once per series per step: they must not allocate (issue 6, hot paths).</summary>
public sealed class KernelAllocationTests
{
    [Fact]
    public void Range_and_quantile_kernels_do_not_allocate()
    {
        var points = new FPoint[120];
        for (int i = 0; i < points.Length; i++)
        {
            points[i] = new FPoint(i * 15_000L, i % 7 == 0 ? 0 : i * 3.5);
        }

        var scratch = new double[points.Length];
        var buckets = new Bucket[] { new(1, 5), new(double.PositiveInfinity, 9), new(0.5, 2), new(0.5, 1), new(2, 4) };
        RunAll(points, scratch, buckets); // JIT and static initialisation first.

        long before = GC.GetAllocatedBytesForCurrentThread();
        double sink = 0;
        for (int i = 0; i < 200; i++)
        {
            sink += RunAll(points, scratch, buckets);
        }

        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.NotEqual(0, sink); // Uses the results, so no call can be optimised away.
        Assert.Equal(0, allocated);
    }

    private static double RunAll(ReadOnlySpan<FPoint> points, Span<double> scratch, Bucket[] buckets)
    {
        double total = 0, v;
        long start = points[0].T - 5_000, end = points[^1].T + 5_000;
        total += RangeKernels.Rate(points, start, end, out v) ? v : 0;
        total += RangeKernels.Increase(points, start, end, out v) ? v : 0;
        total += RangeKernels.Delta(points, start, end, out v) ? v : 0;
        total += RangeKernels.Irate(points, out v) ? v : 0;
        total += RangeKernels.Idelta(points, out v) ? v : 0;
        total += RangeKernels.Deriv(points, out v) ? v : 0;
        total += RangeKernels.PredictLinear(points, end, 60, out v) ? v : 0;
        total += RangeKernels.HoltWinters(points, 0.3, 0.7, out v) ? v : 0;
        total += RangeKernels.Resets(points, out v) ? v : 0;
        total += RangeKernels.Changes(points, out v) ? v : 0;
        total += RangeKernels.AvgOverTime(points, out v) ? v : 0;
        total += RangeKernels.SumOverTime(points, out v) ? v : 0;
        total += RangeKernels.CountOverTime(points, out v) ? v : 0;
        total += RangeKernels.MinOverTime(points, out v) ? v : 0;
        total += RangeKernels.MaxOverTime(points, out v) ? v : 0;
        total += RangeKernels.LastOverTime(points, out v) ? v : 0;
        total += RangeKernels.PresentOverTime(points, out v) ? v : 0;
        total += RangeKernels.StddevOverTime(points, out v) ? v : 0;
        total += RangeKernels.StdvarOverTime(points, out v) ? v : 0;
        total += RangeKernels.QuantileOverTime(points, 0.9, scratch, out v) ? v : 0;
        var copy = buckets.AsSpan();
        total += QuantileKernels.BucketQuantile(0.5, copy);
        return total;
    }
}
