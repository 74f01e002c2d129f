using System.Globalization;
using System.Text;
using Vigil.Tsdb.Tools;

namespace Vigil.PromQL;

/// <summary>
/// The few Go formatting verbs Prometheus's parser prints with, so that errors and <see cref="Expr.ToString"/> read
/// exactly as Prometheus's do (format_query, rule files diffed against Prometheus's output).
/// </summary>
internal static class GoText
{
    /// <summary>Go's <c>%q</c> of a string (<c>strconv.Quote</c>).</summary>
    public static string Quote(string value)
    {
        var sb = new StringBuilder(value.Length + 2);
        PromtoolText.AppendQuoted(sb, value);
        return sb.ToString();
    }

    /// <summary>Go's <c>%q</c> of a string, appended.</summary>
    public static void AppendQuoted(StringBuilder sb, string value) => PromtoolText.AppendQuoted(sb, value);

    /// <summary>Go's <c>%q</c> of a rune (<c>strconv.QuoteRune</c>): <c>'$'</c>, <c>'\''</c>, <c>'\n'</c>, <c>'\x00'</c>.</summary>
    public static string QuoteRune(int rune)
    {
        if (rune == '\'')
        {
            return @"'\''";
        }

        if (rune == '"')
        {
            return "'\"'";
        }

        // Invalid runes (end of input included) print as U+FFFD, as Go's do; every other escape matches %q of a string.
        string quoted = Quote(Rune.IsValid(rune) ? char.ConvertFromUtf32(rune) : "\uFFFD");
        return "'" + quoted[1..^1] + "'";
    }

    /// <summary>Go's <c>%#U</c>: <c>U+0071 'q'</c>, or just <c>U+000A</c> when the rune is not printable.</summary>
    public static string FormatCodePoint(int rune)
    {
        string code = string.Create(CultureInfo.InvariantCulture, $"U+{rune:X4}");
        return Rune.IsValid(rune) && IsPrintable(new Rune(rune)) ? code + " '" + char.ConvertFromUtf32(rune) + "'" : code;
    }

    /// <summary>Go's <c>%v</c> of a float64 (the shortest digits, exponent form below 1e-4 and from 1e6): NumberLiteral's form.</summary>
    public static string FormatFloat(double value) => PromtoolText.FormatValue(value);

    /// <summary>
    /// Go's <c>%.Nf</c>: <c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>, else fixed-point digits. .NET's "F" formatting prints
    /// the exact binary value since .NET Core 3.0, as Go does.
    /// </summary>
    public static string FormatFixed(double value, int decimals) => value switch
    {
        double.PositiveInfinity => "+Inf",
        double.NegativeInfinity => "-Inf",
        double.NaN => "NaN",
        _ => value.ToString("F" + decimals.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture),
    };

    /// <summary>Go's <c>unicode.IsPrint</c>: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    public static bool IsPrintable(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate => false,
        UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => false,
        _ => true,
    };

    /// <summary>
    /// Orders strings as Go's <c>sort.Strings</c> does: by UTF-8 bytes, which is code point order. Ordinal UTF-16
    /// order differs for characters above U+E000 against surrogate pairs.
    /// </summary>
    public static int CompareCodePoints(string? a, string? b)
    {
        if (a is null || b is null)
        {
            return a is null ? (b is null ? 0 : -1) : 1;
        }

        var x = a.EnumerateRunes();
        var y = b.EnumerateRunes();
        while (true)
        {
            bool hasX = x.MoveNext(), hasY = y.MoveNext();
            if (!hasX || !hasY)
            {
                return hasX.CompareTo(hasY);
            }

            int c = x.Current.Value.CompareTo(y.Current.Value);
            if (c != 0)
            {
                return c;
            }
        }
    }
}
