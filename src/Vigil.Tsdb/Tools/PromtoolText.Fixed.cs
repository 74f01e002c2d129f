using System.Globalization;

namespace Vigil.Tsdb.Tools;

/// <summary>How <see cref="PromtoolText.FormatShortest"/> lays out the shortest round-trip digits of a value.</summary>
internal enum GoFloatLayout : byte
{
    /// <summary>Go's <c>%g</c>: an exponent when the decimal exponent is below -4 or at least 6 (<c>1.5e+06</c>, <c>1e-05</c>).</summary>
    General,

    /// <summary>Go's <c>strconv.FormatFloat(v, 'f', -1, 64)</c>: never an exponent (<c>0.0000001</c>, <c>1000000000000000000000</c>).</summary>
    Fixed,

    /// <summary>
    /// The Prometheus HTTP API's sample values (web/api/v1 <c>marshalValue</c>, after jsoniter): <c>'e'</c> when
    /// |v| &lt; 1e-6 or |v| &gt;= 1e21 (<c>1e-07</c>, <c>1e+21</c>), else <c>'f'</c>. Checked against Prometheus 2.42.
    /// </summary>
    ApiSample,
}

// Go's float layouts over one digit extraction: %g for promtool's dump, and the two the query API prints with.
internal static partial class PromtoolText
{
    /// <summary>Enough for any <see cref="FormatShortest"/> result: 5e-324 in fixed layout is 326 characters (<see cref="GoFloatLayout.General"/> needs only <see cref="MaxValueLength"/>).</summary>
    public const int MaxShortestLength = 352;

    /// <summary>
    /// Writes the shortest text that parses back to <paramref name="value"/> in <paramref name="layout"/> into
    /// <paramref name="destination"/> (at least <see cref="MaxShortestLength"/> bytes); returns the length.
    /// <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c> and <c>-0</c> as Go writes them.
    /// </summary>
    public static int FormatShortest(double value, GoFloatLayout layout, Span<byte> destination)
    {
        if (double.IsNaN(value))
        {
            return Copy("NaN"u8, destination);
        }

        if (double.IsInfinity(value))
        {
            return Copy(value > 0 ? "+Inf"u8 : "-Inf"u8, destination);
        }

        Span<char> text = stackalloc char[MaxValueLength];
        value.TryFormat(text, out int length, "R", CultureInfo.InvariantCulture);
        Span<byte> digits = stackalloc byte[MaxValueLength];
        var (count, point) = Digits(text[..length], digits);
        int at = 0;
        if (double.IsNegative(value))
        {
            destination[at++] = (byte)'-';
        }

        if (count == 0)
        {
            destination[at++] = (byte)'0';
            return at;
        }

        double abs = Math.Abs(value);
        int exponent = point - 1;
        bool exponential = layout switch
        {
            GoFloatLayout.General => exponent is < -4 or >= 6,
            GoFloatLayout.ApiSample => abs < 1e-6 || abs >= 1e21,
            _ => false,
        };
        return exponential
            ? at + Exponential(digits[..count], exponent, destination[at..])
            : at + Fixed(digits[..count], point, destination[at..]);
    }
}
