using System.Globalization;
using System.Text;

namespace Vigil.PromQL;

/// <summary>Number and string tokens to values, with Go's rules (parse.go's <c>number</c> and <c>unquoteString</c>).</summary>
internal sealed partial class Parser
{
    /// <summary>
    /// Go's <c>strconv.ParseInt(text, 0, 64)</c>, else <c>strconv.ParseFloat</c>: so <c>0x1f</c> is hex, <c>017</c>
    /// octal (15), <c>08</c> falls through to the float 8, and <c>Inf</c>/<c>NaN</c> in any case are numbers.
    /// </summary>
    private double ParseNumber(Token token)
    {
        string text = token.Text;
        if (TryParseGoInteger(text, out long integer))
        {
            return integer;
        }

        if (TryParseGoFloat(text, out double value, out string? error))
        {
            return value;
        }

        throw Error(token.Range, $"error parsing number: strconv.ParseFloat: parsing {GoText.Quote(text)}: {error}");
    }

    private static bool TryParseGoInteger(string text, out long value)
    {
        value = 0;
        if (text.Length > 2 && text[0] == '0' && text[1] is 'x' or 'X')
        {
            return ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out ulong hex)
                && hex <= long.MaxValue
                && (value = (long)hex) >= 0;
        }

        if (text.Length > 1 && text[0] == '0')
        {
            // A leading zero means octal in Go's base-0 parsing.
            foreach (char c in text.AsSpan(1))
            {
                if (c is < '0' or > '7' || value > (long.MaxValue - (c - '0')) / 8)
                {
                    return false;
                }

                value = (value * 8) + (c - '0');
            }

            return true;
        }

        return text.AsSpan().IndexOfAnyExceptInRange('0', '9') < 0
            && long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }

    /// <summary>
    /// Go's <c>strconv.ParseFloat</c> for what the lexer can produce: decimal forms and Inf/NaN. Hex needs a
    /// <c>p</c> exponent in Go, which the lexer never includes, so <c>0x1.8</c> is a syntax error as there.
    /// </summary>
    private static bool TryParseGoFloat(string text, out double value, out string? error)
    {
        (value, error) = (0, null);
        if (text.Equals("inf", StringComparison.OrdinalIgnoreCase))
        {
            value = double.PositiveInfinity;
            return true;
        }

        if (text.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        bool isHex = text.Length > 1 && text[0] == '0' && text[1] is 'x' or 'X';
        if (isHex || !double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value))
        {
            error = "invalid syntax";
            return false;
        }

        if (double.IsInfinity(value))
        {
            error = "value out of range";
            return false;
        }

        return true;
    }

    /// <summary>
    /// A string token's value (Prometheus's <c>strutil.Unquote</c>). Backquoted text is taken as is. <c>\x</c> and
    /// octal escapes are bytes, <c>\u</c> and <c>\U</c> code points, as in Go; bytes that do not form UTF-8 become
    /// U+FFFD, since a .NET string cannot hold them (Prometheus keeps the raw bytes).
    /// </summary>
    private static string Unquote(Token token)
    {
        string text = token.Text;
        string inner = text[1..^1];
        if (text[0] == '`' || !inner.Contains('\\', StringComparison.Ordinal))
        {
            return inner;
        }

        var bytes = new List<byte>(inner.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (int i = 0; i < inner.Length;)
        {
            if (inner[i] != '\\')
            {
                int length = char.IsSurrogatePair(inner, i) ? 2 : 1;
                var rune = Rune.TryGetRuneAt(inner, i, out var r) ? r : Rune.ReplacementChar;
                bytes.AddRange(utf8[..rune.EncodeToUtf8(utf8)]);
                i += length;
                continue;
            }

            // The lexer has checked every escape, so each is complete and in range here.
            char c = inner[i + 1];
            i += 2;
            switch (c)
            {
                case >= '0' and <= '7':
                    bytes.Add((byte)Convert.ToInt32(inner.Substring(i - 1, 3), 8));
                    i += 2;
                    break;
                case 'x':
                    bytes.Add(byte.Parse(inner.AsSpan(i, 2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture));
                    i += 2;
                    break;
                case 'u' or 'U':
                    int digits = c == 'u' ? 4 : 8;
                    int value = int.Parse(inner.AsSpan(i, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture);
                    bytes.AddRange(utf8[..new Rune(value).EncodeToUtf8(utf8)]);
                    i += digits;
                    break;
                default:
                    bytes.Add(c switch
                    {
                        'a' => 0x07,
                        'b' => 0x08,
                        'f' => 0x0C,
                        'n' => 0x0A,
                        'r' => 0x0D,
                        't' => 0x09,
                        'v' => 0x0B,
                        _ => (byte)c, // \\, \' or \"
                    });
                    break;
            }
        }

        return Encoding.UTF8.GetString([.. bytes]);
    }
}
