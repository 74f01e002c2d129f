using Vigil.PromQL.Engine;

namespace Vigil.PromQL;

internal static partial class RangeKernels
{
    /// <summary>deriv: the least-squares slope per second (2.42's <c>linearRegression</c>, x relative to the first sample).</summary>
    public static bool Deriv(ReadOnlySpan<FPoint> points, out double value)
    {
        value = 0;
        if (points.Length < 2)
        {
            return false;
        }

        (value, _) = LinearRegression(points, points[0].T);
        return true;
    }

    /// <summary>predict_linear: the regression line, with its intercept at the evaluation time, <paramref name="seconds"/> later.</summary>
    public static bool PredictLinear(ReadOnlySpan<FPoint> points, long evalTime, double seconds, out double value)
    {
        value = 0;
        if (points.Length < 2)
        {
            return false;
        }

        var (slope, intercept) = LinearRegression(points, evalTime);
        value = (slope * seconds) + intercept;
        return true;
    }

    /// <summary>
    /// holt_winters: double exponential smoothing (2.42). Factors must lie strictly inside (0, 1); NaN passes the
    /// check there and yields NaN, as in Go.
    /// </summary>
    /// <exception cref="QueryException">A factor outside (0, 1), with Prometheus's message (an execution error).</exception>
    public static bool HoltWinters(ReadOnlySpan<FPoint> points, double smoothingFactor, double trendFactor, out double value)
    {
        if (smoothingFactor <= 0 || smoothingFactor >= 1)
        {
            ThrowFactor("smoothing", "sf", smoothingFactor);
        }

        if (trendFactor <= 0 || trendFactor >= 1)
        {
            ThrowFactor("trend", "tf", trendFactor);
        }

        value = 0;
        if (points.Length < 2)
        {
            return false;
        }

        double s0 = 0, s1 = points[0].F, trend = points[1].F - points[0].F;
        for (int i = 1; i < points.Length; i++)
        {
            // The first step keeps the initial trend; later ones blend in the last smoothed change.
            if (i > 1)
            {
                trend = (trendFactor * (s1 - s0)) + ((1 - trendFactor) * trend);
            }

            double next = (smoothingFactor * points[i].F) + ((1 - smoothingFactor) * (s1 + trend));
            (s0, s1) = (s1, next);
        }

        value = s1;
        return true;
    }

    /// <summary>
    /// Ordinary least squares over (seconds since <paramref name="interceptTime"/>, value), compensated sums as 2.42
    /// has (<see cref="KahanSum"/>). A constant series is exact: slope 0 at its value, or NaN for a constant infinity.
    /// </summary>
    private static (double Slope, double Intercept) LinearRegression(ReadOnlySpan<FPoint> points, long interceptTime)
    {
        double n = 0, sumX = 0, sumY = 0, sumXY = 0, sumX2 = 0;
        double cX = 0, cY = 0, cXY = 0, cX2 = 0;
        double initY = points[0].F;
        bool constY = true;
        foreach (var point in points)
        {
            constY &= point.F == initY;
            n += 1;
            double x = (point.T - interceptTime) / 1e3;
            sumX = KahanSum.Inc(x, sumX, ref cX);
            sumY = KahanSum.Inc(point.F, sumY, ref cY);
            sumXY = KahanSum.Inc(x * point.F, sumXY, ref cXY);
            sumX2 = KahanSum.Inc(x * x, sumX2, ref cX2);
        }

        if (constY)
        {
            return double.IsInfinity(initY) ? (double.NaN, double.NaN) : (0, initY);
        }

        (sumX, sumY, sumXY, sumX2) = (sumX + cX, sumY + cY, sumXY + cXY, sumX2 + cX2);
        double covXY = sumXY - (sumX * sumY / n);
        double varX = sumX2 - (sumX * sumX / n);
        double slope = covXY / varX;
        return (slope, (sumY / n) - (slope * sumX / n));
    }

    [System.Diagnostics.CodeAnalysis.DoesNotReturn]
    private static void ThrowFactor(string what, string symbol, double factor) =>
        throw new QueryException(
            QueryErrorKind.Execution,
            $"invalid {what} factor. Expected: 0 < {symbol} < 1, got: {GoText.FormatFixed(factor, 6)}");
}
