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
    /// <summary>Prometheus's <c>minTime</c>: <c>time.Unix(math.MinInt64/1000+62135596801, 0)</c>, the default start of series and labels.</summary>
    public static readonly GoTime MinTime = new((long.MinValue / 1000) + 62_135_596_801, 0);

    /// <summary>Prometheus's <c>maxTime</c>: <c>time.Unix(math.MaxInt64/1000-62135596801, 999999999)</c>.</summary>
    public static readonly GoTime MaxTime = new((long.MaxValue / 1000) - 62_135_596_801, 999_999_999);

    // Go's time package cannot parse 5+ digit years, so Prometheus accepts its own bounds by their exact text
    // (what clients such as Grafana send back); these are minTime and maxTime formatted as RFC 3339.
    private const string MinTimeFormatted = "-292273086-05-16T16:47:06Z";
    private const string MaxTimeFormatted = "292277025-08-18T07:12:54.999999999Z";

    private const double NsPerSecond = 1e9;

    /// <summary>
    /// <c>parseTime</c>: Unix seconds with a fraction (rounded to the millisecond, as there), else RFC 3339 with
    /// optional nanoseconds, else Prometheus's own min/max time text. Error: <c>cannot parse "x" to a valid timestamp</c>.
    /// </summary>
    public static bool TryParseTime(string text, out GoTime time, out string? error)
    {
        error = null;
        if (GoFloat.TryParse(text, out double seconds))
        {
            time = FromUnixSeconds(seconds);
            return true;
        }

        if (Rfc3339.TryParse(text, out long unixSeconds, out long nanos))
        {
            time = new GoTime(unixSeconds, nanos);
            return true;
        }

        switch (text)
        {
            case MinTimeFormatted:
                time = MinTime;
                return true;
            case MaxTimeFormatted:
                time = MaxTime;
                return true;
        }

        time = default;
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

            // A NaN step becomes MinInt64 as in Go on amd64, and is then refused as negative, as there.
            ns = GoTime.GoInt64(total);
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

    /// <summary><c>s, ns := math.Modf(t); ns = math.Round(ns*1000) / 1000; time.Unix(int64(s), int64(ns*1e9))</c>.</summary>
    private static GoTime FromUnixSeconds(double seconds)
    {
        double whole = Math.Truncate(seconds);
        double fraction = Math.Round((seconds - whole) * 1000, MidpointRounding.AwayFromZero) / 1000;
        return GoTime.Unix(GoTime.GoInt64(whole), GoTime.GoInt64(fraction * NsPerSecond));
    }
}

/// <summary>
/// A Go <c>time.Time</c> as Prometheus's API handlers hold a parsed parameter: Unix seconds and nanoseconds in
/// [0, 1e9). Its two millisecond conversions differ where Go's arithmetic wraps, and both are kept because
/// Prometheus uses both: <c>timestamp.FromTime</c> for series and labels, <c>UnixNano()/1e6</c> in the engine.
/// </summary>
internal readonly record struct GoTime(long Sec, long Nsec) : IComparable<GoTime>
{
    /// <summary><c>timestamp.FromTime</c>: <c>t.Unix()*1000 + t.Nanosecond()/1e6</c>, wrapping as Go does.</summary>
    public long FromTimeMs => unchecked((Sec * 1000) + (Nsec / 1_000_000));

    /// <summary>The engine's <c>timeMilliseconds</c>: <c>t.UnixNano() / 1e6</c>, wrapping as Go does.</summary>
    public long UnixNanoMs => unchecked((Sec * 1_000_000_000) + Nsec) / 1_000_000;

    public static GoTime FromUnixMilliseconds(long ms) => Unix(ms / 1000, ms % 1000 * 1_000_000);

    /// <summary><c>time.Unix(sec, nsec)</c>: nanoseconds outside [0, 1e9) move into the seconds.</summary>
    public static GoTime Unix(long sec, long nsec)
    {
        unchecked
        {
            if (nsec is < 0 or >= 1_000_000_000)
            {
                long n = nsec / 1_000_000_000;
                sec += n;
                nsec -= n * 1_000_000_000;
                if (nsec < 0)
                {
                    nsec += 1_000_000_000;
                    sec--;
                }
            }

            return new GoTime(sec, nsec);
        }
    }

    /// <summary>Go's <c>int64(f)</c> on amd64: NaN and out-of-range values become MinInt64 (.NET would saturate).</summary>
    public static long GoInt64(double value) =>
        double.IsNaN(value) || value >= 9.2233720368547758E18 || value < -9.2233720368547758E18 ? long.MinValue : (long)value;

    /// <summary><c>t.Sub(u)</c> in nanoseconds, saturated to Go's Duration range as there.</summary>
    public long Sub(GoTime other)
    {
        Int128 ns = (((Int128)Sec - other.Sec) * 1_000_000_000) + Nsec - other.Nsec;
        return ns > long.MaxValue ? long.MaxValue : ns < long.MinValue ? long.MinValue : (long)ns;
    }

    public int CompareTo(GoTime other) => Sec != other.Sec ? Sec.CompareTo(other.Sec) : Nsec.CompareTo(other.Nsec);
}
