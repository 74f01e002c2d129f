using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Vigil.PromQL;

/// <summary>Per-element kernels of instant-vector functions (Prometheus 2.42's simpleFunc family, round and clamp).</summary>
internal static partial class InstantKernels
{
    private static readonly FrozenDictionary<string, Func<double, double>> s_math =
        new Dictionary<string, Func<double, double>>(StringComparer.Ordinal)
        {
            ["abs"] = Math.Abs,
            ["ceil"] = Math.Ceiling,
            ["floor"] = Math.Floor,
            ["exp"] = Math.Exp,
            ["ln"] = Math.Log,
            ["log2"] = GoMath.Log2,
            ["log10"] = GoMath.Log10,
            ["sqrt"] = Math.Sqrt,
            ["sgn"] = Sgn,
            ["sin"] = Math.Sin,
            ["cos"] = Math.Cos,
            ["tan"] = Math.Tan,
            ["asin"] = Math.Asin,
            ["acos"] = Math.Acos,
            ["atan"] = Math.Atan,
            ["sinh"] = Math.Sinh,
            ["cosh"] = Math.Cosh,
            ["tanh"] = Math.Tanh,
            ["asinh"] = Math.Asinh,
            ["acosh"] = Math.Acosh,
            ["atanh"] = Math.Atanh,

            // Go evaluates v*180/π left to right; the other grouping differs in the last bit.
            ["deg"] = static v => v * 180 / Math.PI,
            ["rad"] = static v => v * Math.PI / 180,
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>abs ceil floor exp ln log2 log10 sqrt sgn sin cos tan asin acos atan sinh cosh tanh asinh acosh atanh deg rad.</summary>
    public static bool TryGetMath(string name, [NotNullWhen(true)] out Func<double, double>? kernel) =>
        s_math.TryGetValue(name, out kernel);

    /// <summary>
    /// round: to the nearest multiple of <paramref name="toNearest"/>, ties up, computed as 2.42 does with the
    /// inverse (<c>floor(v·(1/t)+0.5)/(1/t)</c>), which is what makes round(2.5, 0.1) come out as Prometheus's.
    /// </summary>
    public static double Round(double value, double toNearest)
    {
        double inverse = 1.0 / toNearest;
        return Math.Floor((value * inverse) + 0.5) / inverse;
    }

    /// <summary>clamp(v, min, max); the engine returns an empty vector when min &gt; max (Prometheus 2.42). Go's math.Max/Min: an infinity wins over NaN.</summary>
    public static double Clamp(double value, double min, double max) => GoMath.Max(min, GoMath.Min(max, value));

    public static double ClampMin(double value, double min) => GoMath.Max(min, value);

    public static double ClampMax(double value, double max) => GoMath.Min(max, value);

    /// <summary>sgn: −1, 1, or the value itself for ±0 and NaN.</summary>
    private static double Sgn(double v) => v < 0 ? -1 : v > 0 ? 1 : v;
}
