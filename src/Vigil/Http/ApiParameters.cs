using System.Globalization;
using Vigil.PromQL;

namespace Vigil.Http;

/// <summary>
/// The query API's parameter syntax, as Prometheus 2.42's web/api/v1 parses it (<c>parseTime</c>,
/// <c>parseDuration</c>), with its error texts. Times are milliseconds since the epoch; durations nanoseconds,
/// as Go's <c>time.Duration</c>, because the step and timeout checks are made in nanoseconds there.
/// </summary>
internal static class ApiParameters
{
    /// <summary>Prometheus's <c>minTime</c> (<c>time.Unix(math.MinInt64/1000+62135596801, 0)</c>) in ms: the default start of series and labels.</summary>
    public const long MinTimeMs = -9_223_309_901_257_974_000;

    /// <summary>Prometheus's <c>maxTime</c> (<c>time.Unix(math.MaxInt64/1000-62135596801, 999999999)</c>) in ms.</summary>
    public const long MaxTimeMs = 9_223_309_901_257_974_999;

    // Go's time package cannot parse 5+ digit years, so Prometheus accepts its own bounds by their exact text
    // (what clients such as Grafana send back); these are minTime and maxTime formatted as RFC 3339.
    private const string MinTimeFormatted = "-292273086-05-16T16:47:06Z";
    private const string MaxTimeFormatted = "292277025-08-18T07:12:54.999999999Z";

    private const double NsPerSecond = 1e9;

    /// <summary>
    /// <c>parseTime</c>: Unix seconds with a fraction (rounded to the millisecond, as there), else RFC 3339 with
    /// optional nanoseconds, else Prometheus's own min/max time text. Error: <c>cannot parse "x" to a valid timestamp</c>.
    /// </summary>
    public static bool TryParseTime(string text, out long ms, out string? error)
    {
        error = null;
        if (GoFloat.TryParse(text, out double seconds))
        {
            ms = FromUnixSeconds(seconds);
            return true;
        }

        if (Rfc3339.TryParse(text, out ms))
        {
            return true;
        }

        switch (text)
        {
            case MinTimeFormatted:
                ms = MinTimeMs;
                return true;
            case MaxTimeFormatted:
                ms = MaxTimeMs;
                return true;
        }

        error = "cannot parse " + GoText.Quote(text) + " to a valid timestamp";
        return false;
    }

    /// <summary>
    /// <c>parseDuration</c>: float seconds (<c>15</c>, <c>0.5</c>), else a Prometheus duration (<c>1m30s</c>).
    /// Errors: <c>cannot parse "x" to a valid duration</c>, and <c>. It overflows int64</c> past Go's range.
    /// </summary>
    public static bool TryParseDuration(string text, out long ns, out string? error)
    {
        error = null;
        if (GoFloat.TryParse(text, out double seconds))
        {
            double total = seconds * NsPerSecond;
            if (total > long.MaxValue || total < long.MinValue)
            {
                ns = 0;
                error = "cannot parse " + GoText.Quote(text) + " to a valid duration. It overflows int64";
                return false;
            }

            // Go's int64(NaN) is MinInt64 on amd64: a NaN step is then refused as negative, as there.
            ns = double.IsNaN(total) ? long.MinValue : (long)total;
            return true;
        }

        if (PromDuration.TryParse(text, out TimeSpan duration, out _))
        {
            ns = duration.Ticks * 100;
            return true;
        }

        ns = 0;
        error = "cannot parse " + GoText.Quote(text) + " to a valid duration";
        return false;
    }

    /// <summary>
    /// <c>math.Modf</c>, the fraction rounded to milliseconds (half away from zero), then
    /// <c>timestamp.FromTime</c>. Values beyond what milliseconds hold are clamped to Prometheus's min/max time;
    /// Go would wrap them into nonsense.
    /// </summary>
    private static long FromUnixSeconds(double seconds)
    {
        if (double.IsNaN(seconds) || seconds <= MinTimeMs / 1000.0)
        {
            return MinTimeMs;
        }

        if (seconds >= MaxTimeMs / 1000.0)
        {
            return MaxTimeMs;
        }

        double whole = Math.Truncate(seconds);
        double fraction = Math.Round((seconds - whole) * 1000, MidpointRounding.AwayFromZero) / 1000;
        long ns = (long)(fraction * NsPerSecond);
        Int128 totalNs = ((Int128)(long)whole * 1_000_000_000) + ns;
        Int128 ms = totalNs / 1_000_000;
        return (long)(totalNs < 0 && totalNs % 1_000_000 != 0 ? ms - 1 : ms);
    }
}

/// <summary>
/// Go's <c>strconv.ParseFloat(s, 64)</c> for decimal text: an optional sign, digits with <c>_</c> only between
/// digits, a point, an exponent; <c>inf</c>, <c>infinity</c> and <c>nan</c> in any case. Out-of-range values fail
/// (Go returns ErrRange). Hex floats (<c>0x1p4</c>) are not accepted.
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

        if (body.IsEmpty || !(char.IsAsciiDigit(body[0]) || body[0] == '.'))
        {
            return false; // .NET would also take "0x..", white space or a second sign
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
