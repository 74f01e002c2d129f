using static Vigil.PromQL.Tests.KernelTestPoints;

namespace Vigil.PromQL.Tests;

/// <summary>The date functions of a Unix time in seconds (UTC), including Go's answers for NaN, ±Inf and huge inputs.</summary>
public sealed class TimeKernelsTests
{
    private static readonly string[] s_fields =
        ["year", "month", "day_of_month", "day_of_year", "day_of_week", "days_in_month", "hour", "minute"];

    [Theory]
    //                      seconds        year  mon dom doy dow dim hour min
    [InlineData("0",              "1970 1 1 1 4 31 0 0")]           // A Thursday.
    [InlineData("1582979696",     "2020 2 29 60 6 29 12 34")]       // 2020-02-29 12:34:56, a leap day (Saturday).
    [InlineData("949363200",      "2000 2 1 32 2 29 0 0")]          // 2000 is a leap year (divisible by 400).
    [InlineData("-2206310400",    "1900 2 1 32 4 28 0 0")]          // 1900 is not (divisible by 100).
    [InlineData("1640995199",     "2021 12 31 365 5 31 23 59")]
    [InlineData("1735603200",     "2024 12 31 366 2 31 0 0")]       // The 366th day of a leap year.
    [InlineData("1681538820",     "2023 4 15 105 6 30 6 7")]
    [InlineData("-1",             "1969 12 31 365 3 31 23 59")]     // Before the epoch.
    [InlineData("1.9",            "1970 1 1 1 4 31 0 0")]           // Go's int64() truncates toward zero…
    [InlineData("-0.5",           "1970 1 1 1 4 31 0 0")]           // …both ways.
    [InlineData("-62135596800",   "1 1 1 1 1 31 0 0")]              // 0001-01-01, a Monday.
    [InlineData("253402300799",   "9999 12 31 365 5 31 23 59")]
    // int64(NaN), int64(±Inf) and out-of-range values are MinInt64 on amd64; Go's calendar then wraps. These are
    // Prometheus 2.42's answers to year(vector(NaN)) and friends.
    [InlineData("NaN",            "292277026596 12 4 339 0 31 15 30")]
    [InlineData("Inf",            "292277026596 12 4 339 0 31 15 30")]
    [InlineData("-1e300",         "292277026596 12 4 339 0 31 15 30")]
    public void Calendar_fields(string seconds, string expected)
    {
        var values = expected.Split(' ');
        for (int i = 0; i < s_fields.Length; i++)
        {
            Assert.True(InstantKernels.TryGetTime(s_fields[i], out var kernel));
            AssertSame(double.Parse(values[i], System.Globalization.CultureInfo.InvariantCulture), kernel(ParseValue(seconds)), $"{s_fields[i]}({seconds})");
        }
    }

    [Theory]
    [InlineData(2023, 1, 31)]
    [InlineData(2023, 2, 28)]
    [InlineData(2024, 2, 29)]
    [InlineData(2100, 2, 28)]
    [InlineData(2400, 2, 29)]
    [InlineData(2023, 4, 30)]
    [InlineData(2023, 6, 30)]
    [InlineData(2023, 9, 30)]
    [InlineData(2023, 11, 30)]
    [InlineData(2023, 12, 31)]
    public void Days_in_month(int year, int month, int days)
    {
        Assert.True(InstantKernels.TryGetTime("days_in_month", out var kernel));
        // Mid-month, so time zones could not matter even if there were any.
        double seconds = new DateTimeOffset(year, month, 15, 12, 0, 0, TimeSpan.Zero).ToUnixTimeSeconds();
        AssertSame(days, kernel(seconds), $"days_in_month({year}-{month})");
    }

    [Fact]
    public void Agrees_with_the_runtime_calendar_across_four_centuries()
    {
        Assert.True(InstantKernels.TryGetTime("year", out var year));
        Assert.True(InstantKernels.TryGetTime("day_of_year", out var dayOfYear));
        Assert.True(InstantKernels.TryGetTime("day_of_week", out var dayOfWeek));
        // Every 997,001 seconds (a prime, so every hour and weekday comes up) from 1800 to 2200.
        for (long s = -5_364_662_400; s < 7_258_118_400; s += 997_001)
        {
            var date = DateTimeOffset.FromUnixTimeSeconds(s);
            Assert.Equal(date.Year, year(s));
            Assert.Equal(date.DayOfYear, dayOfYear(s));
            Assert.Equal((int)date.DayOfWeek, dayOfWeek(s));
        }
    }

    [Fact]
    public void Only_date_functions_are_time_kernels()
    {
        Assert.False(InstantKernels.TryGetTime("time", out _));
        Assert.False(InstantKernels.TryGetTime("timestamp", out _));
    }
}
