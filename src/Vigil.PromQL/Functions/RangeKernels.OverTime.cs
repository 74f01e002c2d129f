using Vigil.PromQL.Engine;

namespace Vigil.PromQL;

// The *_over_time kernels, resets and changes (Prometheus 2.42's aggrOverTime family). The engine never calls a
// kernel for an empty window (2.42 skips the series at that step); each still answers false for one, so no caller
// can read garbage.
internal static partial class RangeKernels
{
    /// <summary>resets: how often a value is lower than the one before it.</summary>
    public static bool Resets(ReadOnlySpan<FPoint> points, out double value)
    {
        value = 0;
        if (points.IsEmpty)
        {
            return false;
        }

        for (int i = 1; i < points.Length; i++)
        {
            value += points[i].F < points[i - 1].F ? 1 : 0;
        }

        return true;
    }

    /// <summary>changes: how often a value differs from the one before it; NaN after NaN is no change.</summary>
    public static bool Changes(ReadOnlySpan<FPoint> points, out double value)
    {
        value = 0;
        if (points.IsEmpty)
        {
            return false;
        }

        for (int i = 1; i < points.Length; i++)
        {
            double previous = points[i - 1].F, current = points[i].F;
            bool bothNaN = double.IsNaN(previous) && double.IsNaN(current);
            value += current != previous && !bothNaN ? 1 : 0;
        }

        return true;
    }

    /// <summary>
    /// avg_over_time: 2.42's incremental mean (no overflow to Inf from a large sum), compensated (<see cref="KahanSum"/>). Once the mean is infinite, a
    /// finite value or an infinity of the same sign leaves it be, where the update would give Inf − Inf = NaN.
    /// </summary>
    public static bool AvgOverTime(ReadOnlySpan<FPoint> points, out double value)
    {
        double mean = 0, count = 0, c = 0;
        foreach (var point in points)
        {
            count++;
            double v = point.F;
            if (double.IsInfinity(mean) && (SameSignInfinity(mean, v) || double.IsFinite(v)))
            {
                continue;
            }

            mean = KahanSum.Inc((v / count) - (mean / count), mean, ref c);
        }

        value = double.IsInfinity(mean) ? mean : mean + c;
        return !points.IsEmpty;
    }

    public static bool SumOverTime(ReadOnlySpan<FPoint> points, out double value)
    {
        double sum = 0, c = 0;
        foreach (var point in points)
        {
            sum = KahanSum.Inc(point.F, sum, ref c);
        }

        value = double.IsInfinity(sum) ? sum : sum + c;
        return !points.IsEmpty;
    }

    public static bool CountOverTime(ReadOnlySpan<FPoint> points, out double value)
    {
        value = points.Length;
        return !points.IsEmpty;
    }

    /// <summary>min_over_time: NaN only when every value is NaN (a NaN is replaced by any later value).</summary>
    public static bool MinOverTime(ReadOnlySpan<FPoint> points, out double value) => Extreme(points, max: false, out value);

    /// <summary>max_over_time: NaN only when every value is NaN (a NaN is replaced by any later value).</summary>
    public static bool MaxOverTime(ReadOnlySpan<FPoint> points, out double value) => Extreme(points, max: true, out value);

    public static bool LastOverTime(ReadOnlySpan<FPoint> points, out double value)
    {
        value = points.IsEmpty ? 0 : points[^1].F;
        return !points.IsEmpty;
    }

    public static bool PresentOverTime(ReadOnlySpan<FPoint> points, out double value)
    {
        value = 1;
        return !points.IsEmpty;
    }

    /// <summary>stddev_over_time: the population standard deviation (Welford's update with compensated sums, as in 2.42).</summary>
    public static bool StddevOverTime(ReadOnlySpan<FPoint> points, out double value)
    {
        bool any = StdvarOverTime(points, out value);
        value = Math.Sqrt(value);
        return any;
    }

    /// <summary>stdvar_over_time: the population variance (Welford's update with compensated sums, as in 2.42).</summary>
    public static bool StdvarOverTime(ReadOnlySpan<FPoint> points, out double value)
    {
        double count = 0, mean = 0, cMean = 0, aux = 0, cAux = 0;
        foreach (var point in points)
        {
            count++;
            double delta = point.F - (mean + cMean);
            mean = KahanSum.Inc(delta / count, mean, ref cMean);
            aux = KahanSum.Inc(delta * (point.F - (mean + cMean)), aux, ref cAux);
        }

        value = (aux + cAux) / count;
        return !points.IsEmpty;
    }

    /// <summary>quantile_over_time: <see cref="QuantileKernels.Quantile"/> of the window's values, sorted in <paramref name="scratch"/>.</summary>
    public static bool QuantileOverTime(ReadOnlySpan<FPoint> points, double q, Span<double> scratch, out double value)
    {
        value = 0;
        if (points.IsEmpty)
        {
            return false;
        }

        var values = scratch[..points.Length];
        for (int i = 0; i < points.Length; i++)
        {
            values[i] = points[i].F;
        }

        value = QuantileKernels.Quantile(q, values);
        return true;
    }

    /// <summary>2.42 starts from the first value and takes a later one when it is beyond, or when the current is NaN.</summary>
    private static bool Extreme(ReadOnlySpan<FPoint> points, bool max, out double value)
    {
        value = 0;
        if (points.IsEmpty)
        {
            return false;
        }

        value = points[0].F;
        foreach (var point in points)
        {
            if ((max ? point.F > value : point.F < value) || double.IsNaN(value))
            {
                value = point.F;
            }
        }

        return true;
    }

    private static bool SameSignInfinity(double infinity, double v) => double.IsInfinity(v) && (infinity > 0) == (v > 0);
}
