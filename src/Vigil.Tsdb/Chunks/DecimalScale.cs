namespace Vigil.Tsdb.Chunks;

/// <summary>
/// Doubles as integer mantissas × 10^-scale, for <see cref="VigilChunkEncoder"/>. Most scraped values are
/// integers or short decimals printed by an exporter, so their mantissas are small and their deltas smaller.
/// A value counts as decimal only if <c>(double)mantissa / 10^scale</c> gives back its exact bits: NaN payloads,
/// ±Inf, -0.0 and doubles with no short decimal form never do, and are kept as raw bits instead.
/// </summary>
internal static class DecimalScale
{
    /// <summary>Largest scale tried; 10^15 and every mantissa up to 2^53 are exact doubles, so the division is one correctly rounded step.</summary>
    public const int MaxScale = 15;

    private const double MaxMantissa = 9007199254740992; // 2^53

    private static readonly double[] s_powers =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
    ];

    /// <summary>The value <paramref name="mantissa"/> × 10^-<paramref name="scale"/> stands for.</summary>
    public static double ToDouble(long mantissa, int scale) => mantissa / s_powers[scale];

    /// <summary>The smallest scale at which <paramref name="bits"/> is an exact decimal, or -1 when none is.</summary>
    public static int SmallestScale(ulong bits)
    {
        for (int scale = 0; scale <= MaxScale; scale++)
        {
            if (TryMantissa(bits, scale, out _))
            {
                return scale;
            }

            if (!IsBelowLimit(BitConverter.UInt64BitsToDouble(bits) * s_powers[scale]))
            {
                return -1; // larger scales only grow the mantissa (NaN and ±Inf end here too)
            }
        }

        return -1;
    }

    /// <summary>Whether <paramref name="bits"/> is exactly <paramref name="mantissa"/> × 10^-<paramref name="scale"/> for some mantissa within ±2^53.</summary>
    public static bool TryMantissa(ulong bits, int scale, out long mantissa)
    {
        double scaled = BitConverter.UInt64BitsToDouble(bits) * s_powers[scale];
        if (!IsBelowLimit(scaled))
        {
            mantissa = 0;
            return false;
        }

        mantissa = (long)Math.Round(scaled);
        return BitConverter.DoubleToUInt64Bits(ToDouble(mantissa, scale)) == bits;
    }

    private static bool IsBelowLimit(double scaled) => Math.Abs(scaled) <= MaxMantissa; // false for NaN
}
