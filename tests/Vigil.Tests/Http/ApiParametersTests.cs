using Vigil.Http;

namespace Vigil.Tests.Http;

/// <summary>Prometheus 2.42's parseTime and parseDuration; the expected values are what its API answered.</summary>
public sealed class ApiParametersTests
{
    [Theory]
    [InlineData("1e3", 1_000_000)]
    [InlineData("1700000000.12", 1_700_000_000_120)]
    [InlineData("1.0005", 1_000)] // 0.0005 is 0.000499.. as a double: rounds down, as in Go
    [InlineData("-1.5", -1_500)]
    [InlineData("1_000", 1_000_000)]
    [InlineData(".5", 500)]
    [InlineData("5.", 5_000)]
    [InlineData("+5", 5_000)]
    [InlineData("2023-01-01T00:00:00Z", 1_672_531_200_000)]
    [InlineData("2023-01-01T00:00:00.123456789+02:00", 1_672_524_000_123)]
    [InlineData("2024-02-29T1:00:00Z", 1_709_168_400_000)]
    [InlineData("2023-01-01T00:00:00,5Z", 1_672_531_200_500)]
    [InlineData("-292273086-05-16T16:47:06Z", -9_223_309_901_257_974_000)]
    [InlineData("292277025-08-18T07:12:54.999999999Z", 9_223_309_901_257_974_999)]
    [InlineData("0x1p4", 16_000)]
    [InlineData("0x1.8p1", 3_000)]
    [InlineData("-0X10p-4", -1_000)]
    [InlineData("infinity", -9_223_372_036_855)] // Go's int64(+Inf) and the wrap of t.Unix()*1000
    public void Times_parse_as_prometheus_parses_them(string text, long expectedMs)
    {
        Assert.True(ApiParameters.TryParseTime(text, out GoTime time, out string? error), error);
        Assert.Equal(expectedMs, time.FromTimeMs);
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData(" 1")]
    [InlineData("0x10")]
    [InlineData("0xp4")]
    [InlineData("0x1g")]
    [InlineData("1e400")]
    [InlineData("1__0")]
    [InlineData("2023-01-01")]
    [InlineData("2023-01-01t00:00:00Z")]
    [InlineData("2023-01-01T00:00:00+0200")]
    [InlineData("2023-02-29T00:00:00Z")]
    [InlineData("2023-13-01T00:00:00Z")]
    [InlineData("2023-01-01T24:00:00Z")]
    [InlineData("2023-01-01T00:00:00.1234567891Z")]
    public void Bad_times_are_refused_with_prometheus_words(string text)
    {
        Assert.False(ApiParameters.TryParseTime(text, out _, out string? error));
        Assert.Equal($"cannot parse \"{text}\" to a valid timestamp", error);
    }

    [Fact]
    public void The_engine_conversion_wraps_like_unix_nano()
    {
        // /api/v1/query?query=1&time=NaN answered at -9223372036.854 in Prometheus 2.42.
        Assert.True(ApiParameters.TryParseTime("NaN", out GoTime time, out _));
        Assert.Equal(-9_223_372_036_854, time.UnixNanoMs);
        Assert.True(ApiParameters.TryParseTime("1700000000.12", out time, out _));
        Assert.Equal(1_700_000_000_120, time.UnixNanoMs);
    }

    [Theory]
    [InlineData("15", 15_000_000_000)]
    [InlineData("0.5", 500_000_000)]
    [InlineData("1m30s", 90_000_000_000)]
    [InlineData("1ms", 1_000_000)]
    [InlineData("1e-4", 100_000)]
    [InlineData("-1", -1_000_000_000)]
    [InlineData("0", 0)]
    [InlineData("NaN", long.MinValue)]
    public void Durations_parse_as_seconds_or_prometheus_durations(string text, long expectedNs)
    {
        Assert.True(ApiParameters.TryParseDuration(text, out long ns, out string? error), error);
        Assert.Equal(expectedNs, ns);
    }

    [Theory]
    [InlineData("abc", "cannot parse \"abc\" to a valid duration")]
    [InlineData("-1s", "cannot parse \"-1s\" to a valid duration")]
    [InlineData("", "cannot parse \"\" to a valid duration")]
    [InlineData("1e30", "cannot parse \"1e30\" to a valid duration. It overflows int64")]
    public void Bad_durations_are_refused_with_prometheus_words(string text, string expected)
    {
        Assert.False(ApiParameters.TryParseDuration(text, out _, out string? error));
        Assert.Equal(expected, error);
    }
}
