using System.Collections.Frozen;
using System.Diagnostics.CodeAnalysis;

namespace Vigil.PromQL;

// The date functions (2.42's dateWrapper): Go's time.Unix(int64(v), 0).UTC(), then a calendar field. Go keeps
// times as unsigned seconds since Jan 1 of year −292277022399 (a year ≡ 1 mod 400, so Gregorian 400-year cycles
// line up with year 1) and wraps on overflow. Doing the same arithmetic makes even NaN, ±Inf and huge inputs
// (int64(NaN) is MinInt64 on amd64) answer the year Prometheus answers.
internal static partial class InstantKernels
{
    private const ulong SecondsPerDay = 86_400;
    private const long AbsoluteZeroYear = -292_277_022_399;

    // Unix seconds → Go's absolute seconds: unixToInternal + internalToAbsolute (Go's time package constants).
    private const ulong UnixToAbsolute = 62_135_596_800UL + 9_223_371_966_579_724_800UL;

    private static readonly int[] s_daysBeforeMonth = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];

    private static readonly FrozenDictionary<string, Func<double, double>> s_time =
        new Dictionary<string, Func<double, double>>(StringComparer.Ordinal)
        {
            ["day_of_month"] = static v => Date(Absolute(v)).Day,
            ["day_of_week"] = static v => (Absolute(v) + SecondsPerDay) % (7 * SecondsPerDay) / SecondsPerDay,
            ["day_of_year"] = static v => Date(Absolute(v)).YearDay + 1,
            ["days_in_month"] = static v => DaysInMonth(Date(Absolute(v))),
            ["hour"] = static v => Absolute(v) % SecondsPerDay / 3600,
            ["minute"] = static v => Absolute(v) % 3600 / 60,
            ["month"] = static v => Date(Absolute(v)).Month,
            ["year"] = static v => Date(Absolute(v)).Year,
        }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>day_of_month day_of_week day_of_year days_in_month hour minute month year, of a Unix time in seconds (UTC).</summary>
    public static bool TryGetTime(string name, [NotNullWhen(true)] out Func<double, double>? kernel) =>
        s_time.TryGetValue(name, out kernel);

    /// <summary>Go's int64(v) on amd64 (truncation; NaN and out-of-range give MinInt64), then Go's absolute seconds (wrapping).</summary>
    private static ulong Absolute(double v)
    {
        const double TwoTo63 = 9223372036854775808.0;
        long seconds = double.IsNaN(v) || v >= TwoTo63 || v < -TwoTo63 ? long.MinValue : (long)v;
        return unchecked((ulong)seconds + UnixToAbsolute);
    }

    /// <summary>The Gregorian date of absolute seconds: 400-, 100-, 4- and 1-year cycles from the absolute zero year.</summary>
    private static (long Year, int Month, int Day, int YearDay) Date(ulong absolute)
    {
        ulong days = absolute / SecondsPerDay;
        ulong cycles400 = days / 146_097;
        days -= cycles400 * 146_097;
        ulong centuries = Math.Min(days / 36_524, 3); // The 4th century of a cycle has the extra leap day.
        days -= centuries * 36_524;
        ulong quads = days / 1_461;
        days -= quads * 1_461;
        ulong years = Math.Min(days / 365, 3); // The 4th year of a quad is the leap year.
        days -= years * 365;

        long year = unchecked((long)((cycles400 * 400) + (centuries * 100) + (quads * 4) + years) + AbsoluteZeroYear);
        int yearDay = (int)days;
        var (month, day) = MonthDay(yearDay, IsLeap(year));
        return (year, month, day, yearDay);
    }

    private static (int Month, int Day) MonthDay(int yearDay, bool leap)
    {
        int day = yearDay;
        if (leap && day >= 59)
        {
            if (day == 59)
            {
                return (2, 29);
            }

            day--;
        }

        int month = 1;
        while (day >= s_daysBeforeMonth[month])
        {
            month++;
        }

        return (month, day - s_daysBeforeMonth[month - 1] + 1);
    }

    private static double DaysInMonth((long Year, int Month, int Day, int YearDay) date) =>
        date.Month == 2 && IsLeap(date.Year) ? 29 : s_daysBeforeMonth[date.Month] - s_daysBeforeMonth[date.Month - 1];

    private static bool IsLeap(long year) => year % 4 == 0 && (year % 100 != 0 || year % 400 == 0);
}
