using System.Globalization;

namespace Vigil.PromQL;

/// <summary>
/// Go's <c>strconv.ParseFloat(s, 64)</c> for decimal text: an optional sign, digits with <c>_</c> only between
/// digits, a point, an exponent; <c>inf</c>, <c>infinity</c> and <c>nan</c> in any case. Out-of-range values fail
/// (Go returns ErrRange); hex floats with their mandatory binary exponent (<c>0x1p4</c>, <c>0x1.8p-1</c>).
/// </summary>
internal static class GoFloat
{
    public static bool TryParse(string text, out double value)
    {
        value = 0;
        ReadOnlySpan<char> span = text;
        ReadOnlySpan<char> body = span is ['+' or '-', ..] ? span[1..] : span;
        if (body.Equals("inf", StringComparison.OrdinalIgnoreCase) || body.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = span[0] == '-' ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (body.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        if (body.Length > 2 && body[0] == '0' && body[1] is 'x' or 'X')
        {
            return TryParseHex(body[2..], span[0] == '-', out value);
        }

        if (body.IsEmpty || !(char.IsAsciiDigit(body[0]) || body[0] == '.'))
        {
            return false; // .NET would also take white space or a second sign
        }

        if (span.Contains('_'))
        {
            if (!UnderscoresBetweenDigits(span))
            {
                return false;
            }

            span = span.ToString().Replace("_", "", StringComparison.Ordinal);
        }

        const NumberStyles style = NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent;
        return double.TryParse(span, style, CultureInfo.InvariantCulture, out value) && double.IsFinite(value);
    }

    /// <summary>
    /// Hex digits with an optional point, then <c>p</c> and a decimal power of two. Digits past the 16th are
    /// dropped (Go rounds them in; no client sends such times).
    /// </summary>
    private static bool TryParseHex(ReadOnlySpan<char> text, bool negative, out double value)
    {
        value = 0;
        ulong mantissa = 0;
        int exponent = 0, digits = 0, at = 0;
        bool point = false, any = false;
        for (; at < text.Length && text[at] is not ('p' or 'P'); at++)
        {
            if (text[at] == '.' && !point)
            {
                point = true;
                continue;
            }

            if (!char.IsAsciiHexDigit(text[at]))
            {
                return false;
            }

            any = true;
            if (digits < 16)
            {
                char c = text[at];
                mantissa = (mantissa << 4) | (uint)(char.IsAsciiDigit(c) ? c - '0' : (c | 0x20) - 'a' + 10);
                digits += mantissa == 0 ? 0 : 1;
                exponent -= point ? 4 : 0;
            }
            else
            {
                exponent += point ? 0 : 4;
            }
        }

        if (!any || at >= text.Length - 1
            || !int.TryParse(text[(at + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out int power))
        {
            return false;
        }

        value = Math.ScaleB(mantissa, exponent + power) * (negative ? -1 : 1);
        return double.IsFinite(value);
    }

    private static bool UnderscoresBetweenDigits(ReadOnlySpan<char> text)
    {
        for (int i = 0; i < text.Length; i++)
        {
            if (text[i] == '_' && (i == 0 || i == text.Length - 1 || !char.IsAsciiDigit(text[i - 1]) || !char.IsAsciiDigit(text[i + 1])))
            {
                return false;
            }
        }

        return true;
    }
}
