using Vigil.PromQL.Engine;

// The kernels live in the project's root namespace, as the parser does (docs/architecture.md): a namespace
// Vigil.PromQL.Functions cannot exist beside the parser's function table, the class Vigil.PromQL.Functions.
namespace Vigil.PromQL;

/// <summary>
/// Range-vector kernels: one series' window at one evaluation step. <c>points</c> are the window's samples in time
/// order with stale markers already removed; [rangeStart, rangeEnd] are the selector's window bounds in ms
/// (rangeEnd = evaluation time minus offset). A kernel returns false when the function outputs nothing for this
/// series at this step (e.g. rate with fewer than 2 points). No kernel allocates.
/// </summary>
internal static partial class RangeKernels
{
    public static bool Rate(ReadOnlySpan<FPoint> points, long rangeStart, long rangeEnd, out double value) =>
        ExtrapolatedRate(points, rangeStart, rangeEnd, isCounter: true, isRate: true, out value);

    public static bool Increase(ReadOnlySpan<FPoint> points, long rangeStart, long rangeEnd, out double value) =>
        ExtrapolatedRate(points, rangeStart, rangeEnd, isCounter: true, isRate: false, out value);

    public static bool Delta(ReadOnlySpan<FPoint> points, long rangeStart, long rangeEnd, out double value) =>
        ExtrapolatedRate(points, rangeStart, rangeEnd, isCounter: false, isRate: false, out value);

    public static bool Irate(ReadOnlySpan<FPoint> points, out double value) => InstantValue(points, isRate: true, out value);

    public static bool Idelta(ReadOnlySpan<FPoint> points, out double value) => InstantValue(points, isRate: false, out value);

    /// <summary>
    /// Prometheus 2.42's <c>extrapolatedRate</c>: the change over the samples, corrected for counter resets, then
    /// stretched towards each window edge: all the way when the edge is within 1.1 average sample intervals,
    /// else by half an interval. A counter is never extrapolated below zero; in 2.42 that limit is applied
    /// before the threshold test (later releases swapped the order, which changes results).
    /// </summary>
    private static bool ExtrapolatedRate(
        ReadOnlySpan<FPoint> points, long rangeStart, long rangeEnd, bool isCounter, bool isRate, out double value)
    {
        value = 0;
        if (points.Length < 2)
        {
            return false;
        }

        FPoint first = points[0], last = points[^1];
        double result = last.F - first.F;
        if (isCounter)
        {
            result += CounterResetCorrection(points);
        }

        double durationToStart = (first.T - rangeStart) / 1000.0;
        double durationToEnd = (rangeEnd - last.T) / 1000.0;
        double sampledInterval = (last.T - first.T) / 1000.0;
        double averageInterval = sampledInterval / (points.Length - 1);

        if (isCounter && result > 0 && first.F >= 0)
        {
            double durationToZero = sampledInterval * (first.F / result);
            durationToStart = Math.Min(durationToStart, durationToZero);
        }

        double threshold = averageInterval * 1.1;
        double extrapolateTo = sampledInterval;
        extrapolateTo += durationToStart < threshold ? durationToStart : averageInterval / 2;
        extrapolateTo += durationToEnd < threshold ? durationToEnd : averageInterval / 2;
        value = result * (extrapolateTo / sampledInterval);
        if (isRate)
        {
            value /= GoDurationSeconds(rangeEnd - rangeStart);
        }

        return true;
    }

    /// <summary>What a counter lost at each reset: the value before every drop (2.42 starts from 0, so a first negative value adds nothing).</summary>
    private static double CounterResetCorrection(ReadOnlySpan<FPoint> points)
    {
        double correction = 0, previous = 0;
        foreach (var point in points)
        {
            if (point.F < previous)
            {
                correction += previous;
            }

            previous = point.F;
        }

        return correction;
    }

    /// <summary>Go's <c>Duration.Seconds()</c> of a range in ms: whole seconds plus the nanosecond rest over 1e9, as 2.42 divides by.</summary>
    internal static double GoDurationSeconds(long milliseconds)
    {
        long seconds = milliseconds / 1000;
        long nanos = milliseconds % 1000 * 1_000_000;
        return seconds + (nanos / 1e9);
    }

    /// <summary>
    /// irate/idelta: the last two samples only. For irate a drop counts as a reset (the last value is the whole
    /// increase); equal timestamps give no output, as 2.42 avoids dividing by zero for both.
    /// </summary>
    private static bool InstantValue(ReadOnlySpan<FPoint> points, bool isRate, out double value)
    {
        value = 0;
        if (points.Length < 2)
        {
            return false;
        }

        FPoint previous = points[^2], last = points[^1];
        long interval = last.T - previous.T;
        if (interval == 0)
        {
            return false;
        }

        value = isRate && last.F < previous.F ? last.F : last.F - previous.F;
        if (isRate)
        {
            value /= interval / 1000.0;
        }

        return true;
    }
}
