namespace Vigil.Http;

/// <summary>
/// Go 1.19's <c>time.Parse(time.RFC3339Nano, s)</c>, which Prometheus 2.42 was built with: a four-digit year,
/// two-digit month, day, minute and second, a one- or two-digit hour (Go's <c>15</c> element), an optional
/// fraction of up to nine digits after <c>.</c> or <c>,</c>, then <c>Z</c> or <c>±hh:mm</c>. Fields are range
/// checked (the day against its month) as Go does.
/// </summary>
internal static class Rfc3339
{
    /// <returns>Whether <paramref name="s"/> parsed, into Unix seconds and nanoseconds.</returns>
    public static bool TryParse(ReadOnlySpan<char> s, out long unixSeconds, out long nanos)
    {
        (unixSeconds, nanos) = (0, 0);
        int at = 0;
        if (!Fixed(s, ref at, 4, out int year) || !Literal(s, ref at, '-')
            || !Fixed(s, ref at, 2, out int month) || !Literal(s, ref at, '-')
            || !Fixed(s, ref at, 2, out int day) || !Literal(s, ref at, 'T')
            || !Hour(s, ref at, out int hour) || !Literal(s, ref at, ':')
            || !Fixed(s, ref at, 2, out int minute) || !Literal(s, ref at, ':')
            || !Fixed(s, ref at, 2, out int second))
        {
            return false;
        }

        if (month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(Math.Max(year, 1), month) || hour > 23 || minute > 59 || second > 59)
        {
            return false;
        }

        nanos = Fraction(s, ref at);
        if (!Zone(s, ref at, out int offsetMinutes) || at != s.Length || year == 0)
        {
            return false;
        }

        long days = new DateOnly(year, month, day).DayNumber - DateOnly.FromDateTime(DateTime.UnixEpoch).DayNumber;
        unixSeconds = (days * 86_400) + (hour * 3600) + (minute * 60) + second - (offsetMinutes * 60L);
        return true;
    }

    private static bool Fixed(ReadOnlySpan<char> s, ref int at, int digits, out int value)
    {
        value = 0;
        if (s.Length - at < digits)
        {
            return false;
        }

        for (int i = 0; i < digits; i++)
        {
            char c = s[at + i];
            if (!char.IsAsciiDigit(c))
            {
                return false;
            }

            value = (value * 10) + (c - '0');
        }

        at += digits;
        return true;
    }

    private static bool Hour(ReadOnlySpan<char> s, ref int at, out int value)
    {
        int digits = s.Length - at >= 2 && char.IsAsciiDigit(s[at + 1]) ? 2 : 1;
        return Fixed(s, ref at, digits, out value);
    }

    private static bool Literal(ReadOnlySpan<char> s, ref int at, char c)
    {
        if (at < s.Length && s[at] == c)
        {
            at++;
            return true;
        }

        return false;
    }

    /// <summary>Nanoseconds of an optional <c>.ddd</c> (Go takes at most nine digits; a tenth then fails the zone).</summary>
    private static long Fraction(ReadOnlySpan<char> s, ref int at)
    {
        if (s.Length - at < 2 || s[at] is not ('.' or ',') || !char.IsAsciiDigit(s[at + 1]))
        {
            return 0;
        }

        at++;
        long nanos = 0;
        int digits = 0;
        while (digits < 9 && at < s.Length && char.IsAsciiDigit(s[at]))
        {
            nanos = (nanos * 10) + (s[at++] - '0');
            digits++;
        }

        for (; digits < 9; digits++)
        {
            nanos *= 10;
        }

        return nanos;
    }

    private static bool Zone(ReadOnlySpan<char> s, ref int at, out int offsetMinutes)
    {
        offsetMinutes = 0;
        if (Literal(s, ref at, 'Z'))
        {
            return true;
        }

        if (s.Length - at < 6 || s[at] is not ('+' or '-') || s[at + 3] != ':')
        {
            return false;
        }

        int sign = s[at] == '-' ? -1 : 1;
        at++;
        if (!Fixed(s, ref at, 2, out int hours) || !Literal(s, ref at, ':') || !Fixed(s, ref at, 2, out int minutes))
        {
            return false;
        }

        offsetMinutes = sign * ((hours * 60) + minutes);
        return true;
    }
}
