using Vigil.PromQL.Engine;

namespace Vigil.PromQL.Tests;

/// <summary>Builds windows for the kernel tables: "10:5 20:7" is 5 at 10 s and 7 at 20 s (seconds, so tables read like promqltest).</summary>
internal static class KernelTestPoints
{
    public static FPoint[] Parse(string spec)
    {
        var parts = spec.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var points = new FPoint[parts.Length];
        for (int i = 0; i < parts.Length; i++)
        {
            var pair = parts[i].Split(':');
            points[i] = new FPoint((long)(double.Parse(pair[0], System.Globalization.CultureInfo.InvariantCulture) * 1000), ParseValue(pair[1]));
        }

        return points;
    }

    public static double ParseValue(string text) => text switch
    {
        "NaN" => double.NaN,
        "Inf" or "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        _ => double.Parse(text, System.Globalization.CultureInfo.InvariantCulture),
    };

    /// <summary>Bit-exact equality, with every NaN equal to every NaN and −0 distinct from +0.</summary>
    public static void AssertSame(double expected, double actual, string because)
    {
        bool same = double.IsNaN(expected) ? double.IsNaN(actual) : BitConverter.DoubleToInt64Bits(expected) == BitConverter.DoubleToInt64Bits(actual);
        Assert.True(same, $"{because}: expected {expected:R}, got {actual:R}");
    }
}
