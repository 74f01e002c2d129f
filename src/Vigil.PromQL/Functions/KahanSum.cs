namespace Vigil.PromQL;

/// <summary>
/// Neumaier's compensated summation, as Prometheus 2.42's <c>kahanSumInc</c> runs it for sum_over_time,
/// avg_over_time, stddev/stdvar_over_time and the regression of deriv/predict_linear. The compensation can turn
/// an overflow into NaN (Inf − Inf); 2.42 has no guard for that, and answers NaN there, so neither does this.
/// </summary>
internal static class KahanSum
{
    /// <summary>Adds <paramref name="inc"/> to <paramref name="sum"/>, carrying the lost low bits in <paramref name="c"/>.</summary>
    public static double Inc(double inc, double sum, ref double c)
    {
        double t = sum + inc;
        c += Math.Abs(sum) >= Math.Abs(inc) ? (sum - t) + inc : (inc - t) + sum;
        return t;
    }
}
