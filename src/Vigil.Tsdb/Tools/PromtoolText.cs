using System.Globalization;
using System.Text;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tools;

/// <summary>
/// Labels and values as <c>promtool tsdb dump</c> prints them (<c>fmt.Printf("%s %g %d\n", labels, value, t)</c>),
/// so that the two tools' output can be compared line for line: label values quoted by Go's <c>strconv.Quote</c>,
/// values by Go's <c>%g</c>.
/// </summary>
internal static partial class PromtoolText
{
    /// <summary>Enough for any <see cref="FormatValue"/> result: 17 digits, sign, point, exponent.</summary>
    public const int MaxValueLength = 32;

    /// <summary><c>{__name__="up", job="x"}</c>: Prometheus's <c>labels.String</c>, values quoted as Go quotes them.</summary>
    public static string FormatLabels(Labels labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var sb = new StringBuilder("{");
        for (int i = 0; i < labels.Count; i++)
        {
            sb.Append(i == 0 ? "" : ", ").Append(labels[i].Name).Append('=');
            AppendQuoted(sb, labels[i].Value);
        }

        return sb.Append('}').ToString();
    }

    /// <summary>
    /// Go's <c>strconv.Quote</c>: <c>\"</c>, <c>\\</c>, <c>\a \b \f \n \r \t \v</c>, <c>\xHH</c> for other control
    /// characters, <c>\uHHHH</c>/<c>\UHHHHHHHH</c> for characters that are not printable (format characters, space
    /// other than U+0020, unassigned); printable characters stay as they are. A selector reads every escape back.
    /// </summary>
    public static void AppendQuoted(StringBuilder sb, string value)
    {
        ArgumentNullException.ThrowIfNull(sb);
        ArgumentNullException.ThrowIfNull(value);
        sb.Append('"');
        foreach (Rune rune in value.EnumerateRunes())
        {
            int r = rune.Value;
            _ = r switch
            {
                '"' => sb.Append("\\\""),
                '\\' => sb.Append("\\\\"),
                '\a' => sb.Append("\\a"),
                '\b' => sb.Append("\\b"),
                '\f' => sb.Append("\\f"),
                '\n' => sb.Append("\\n"),
                '\r' => sb.Append("\\r"),
                '\t' => sb.Append("\\t"),
                '\v' => sb.Append("\\v"),
                < ' ' or 0x7F => sb.Append(CultureInfo.InvariantCulture, $"\\x{r:x2}"),
                _ when IsPrintable(rune) => sb.Append(rune.ToString()),
                < 0x10000 => sb.Append(CultureInfo.InvariantCulture, $"\\u{r:x4}"),
                _ => sb.Append(CultureInfo.InvariantCulture, $"\\U{r:x8}"),
            };
        }

        sb.Append('"');
    }

    /// <summary>
    /// Writes <paramref name="value"/> as Go's <c>%g</c> into <paramref name="destination"/> (at least
    /// <see cref="MaxValueLength"/> bytes) and returns the length: <c>NaN</c> (stale markers too), <c>+Inf</c>,
    /// <c>-Inf</c>, else the shortest digits that parse back to the same double, in exponent form
    /// (<c>1.5e+06</c>, <c>1e-05</c>) when the decimal exponent is below -4 or at least 6 (Go's rule for %g).
    /// </summary>
    public static int FormatValue(double value, Span<byte> destination) => FormatShortest(value, GoFloatLayout.General, destination);

    /// <summary><see cref="FormatValue(double, Span{byte})"/> as a string (tests, reports).</summary>
    public static string FormatValue(double value)
    {
        Span<byte> bytes = stackalloc byte[MaxValueLength];
        return Encoding.ASCII.GetString(bytes[..FormatValue(value, bytes)]);
    }

    /// <summary>
    /// The significant digits of .NET's "R" text (no leading or trailing zeros) and the position of the decimal
    /// point relative to them: the value is 0.DIGITS × 10^point.
    /// </summary>
    private static (int Count, int Point) Digits(ReadOnlySpan<char> text, Span<byte> digits)
    {
        int count = 0, point = 0;
        bool afterPoint = false;
        for (int i = 0; i < text.Length; i++)
        {
            char c = text[i];
            if (c == '.')
            {
                afterPoint = true;
            }
            else if (c is 'E' or 'e')
            {
                point += int.Parse(text[(i + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
            else if (char.IsAsciiDigit(c))
            {
                if (count == 0 && c == '0')
                {
                    point -= afterPoint ? 1 : 0;
                    continue;
                }

                digits[count++] = (byte)c;
                point += afterPoint ? 0 : 1;
            }
        }

        while (count > 0 && digits[count - 1] == '0')
        {
            count--;
        }

        return (count, point);
    }

    /// <summary>d.ddde±XX, at least two exponent digits (Go's %e).</summary>
    private static int Exponential(ReadOnlySpan<byte> digits, int exponent, Span<byte> destination)
    {
        int at = 0;
        destination[at++] = digits[0];
        if (digits.Length > 1)
        {
            destination[at++] = (byte)'.';
            digits[1..].CopyTo(destination[at..]);
            at += digits.Length - 1;
        }

        destination[at++] = (byte)'e';
        destination[at++] = (byte)(exponent < 0 ? '-' : '+');
        int magnitude = Math.Abs(exponent);
        if (magnitude < 10)
        {
            destination[at++] = (byte)'0';
        }

        magnitude.TryFormat(destination[at..], out int written, default, CultureInfo.InvariantCulture);
        return at + written;
    }

    /// <summary>Plain decimal digits with a point only when there is a fraction (Go's %f with the shortest precision).</summary>
    private static int Fixed(ReadOnlySpan<byte> digits, int point, Span<byte> destination)
    {
        int at = 0;
        if (point <= 0)
        {
            destination[at++] = (byte)'0';
            destination[at++] = (byte)'.';
            destination.Slice(at, -point).Fill((byte)'0');
            at += -point;
            digits.CopyTo(destination[at..]);
            return at + digits.Length;
        }

        if (point >= digits.Length)
        {
            digits.CopyTo(destination);
            destination[digits.Length..point].Fill((byte)'0');
            return point;
        }

        digits[..point].CopyTo(destination);
        destination[point] = (byte)'.';
        digits[point..].CopyTo(destination[(point + 1)..]);
        return digits.Length + 1;
    }

    private static int Copy(ReadOnlySpan<byte> text, Span<byte> destination)
    {
        text.CopyTo(destination);
        return text.Length;
    }

    /// <summary>Go's <c>unicode.IsPrint</c>: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    private static bool IsPrintable(Rune rune) => rune.Value == ' ' || Rune.GetUnicodeCategory(rune) switch
    {
        UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator => false,
        UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate => false,
        UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned => false,
        _ => true,
    };
}
