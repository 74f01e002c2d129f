namespace Vigil.PromQL;

/// <summary>
/// Go's math.Max and math.Min, whose special cases .NET orders differently, and Go's math.Log2 and math.Log10, whose formulas differ from the C library's: log2 is exact for powers of two
/// (Frexp, then the log of the fraction), and log10 is log2 scaled by ln 2/ln 10; results can differ from
/// Math.Log2/Math.Log10 in the last bit, and Prometheus answers Go's.
/// </summary>
internal static class GoMath
{
    // The nearest doubles to the exact constants, as Go's arbitrary-precision constant arithmetic rounds them.
    private const double InverseLn2 = 1.442695040888963407359924681001892137;
    private const double Ln2OverLn10 = 0.301029995663981195213738894724493026768189881462108541310;

    public static double Log2(double x)
    {
        var (fraction, exponent) = Frexp(x);
        // Exact for powers of two: Log(0.5)*(1/Ln2) is not exactly −1.
        return fraction == 0.5 ? exponent - 1 : (Math.Log(fraction) * InverseLn2) + exponent;
    }

    public static double Log10(double x) => Log2(x) * Ln2OverLn10;

    /// <summary>Go's math.Max: +Inf wins over NaN (.NET's Math.Max answers NaN), then NaN, and +0 over −0.</summary>
    public static double Max(double x, double y) =>
        double.IsPositiveInfinity(x) || double.IsPositiveInfinity(y) ? double.PositiveInfinity : Math.Max(x, y);

    /// <summary>Go's math.Min: −Inf wins over NaN (.NET's Math.Min answers NaN), then NaN, and −0 over +0.</summary>
    public static double Min(double x, double y) =>
        double.IsNegativeInfinity(x) || double.IsNegativeInfinity(y) ? double.NegativeInfinity : Math.Min(x, y);

    /// <summary>x = fraction·2^exponent with |fraction| in [0.5, 1); 0, ±Inf and NaN come back as themselves with exponent 0.</summary>
    internal static (double Fraction, int Exponent) Frexp(double x)
    {
        if (x == 0 || !double.IsFinite(x))
        {
            return (x, 0);
        }

        int exponent = 0;
        if (double.IsSubnormal(x))
        {
            x *= 4503599627370496.0; // 2^52 makes it normal.
            exponent = -52;
        }

        long bits = BitConverter.DoubleToInt64Bits(x);
        exponent += (int)((bits >> 52) & 0x7ff) - 1022;
        bits = (bits & ~(0x7ffL << 52)) | (1022L << 52);
        return (BitConverter.Int64BitsToDouble(bits), exponent);
    }
}
