namespace Vigil.PromQL.Tests;

/// <summary>Values of number, string and duration literals, and the duration text Prometheus prints.</summary>
public sealed class LiteralTests
{
    [Theory]
    [InlineData("0x1f", 31)]
    [InlineData("0XfF", 255)]
    [InlineData("0x7fffffffffffffff", 9.223372036854775807e18)]
    [InlineData("1e3", 1000)]
    [InlineData("1E+3", 1000)]
    [InlineData("2.5e-3", 0.0025)]
    [InlineData(".5", 0.5)]
    [InlineData("5.", 5)]
    [InlineData("017", 15)] // a leading zero is octal, as in Go's ParseInt with base 0
    [InlineData("08", 8)] // not octal, so a float
    [InlineData("00", 0)]
    [InlineData("9223372036854775808", 9.223372036854775808e18)] // past int64: a float
    [InlineData("-1", -1)]
    [InlineData("- 1", -1)]
    [InlineData("+1", 1)]
    [InlineData("- - 2", 2)]
    [InlineData("Inf", double.PositiveInfinity)]
    [InlineData("-iNF", double.NegativeInfinity)]
    [InlineData("+Inf", double.PositiveInfinity)]
    public void Numbers(string query, double value) =>
        Assert.Equal(value, Assert.IsType<NumberLiteral>(Parser.Parse(query)).Value);

    [Fact]
    public void NaN_and_negative_zero()
    {
        Assert.True(double.IsNaN(Assert.IsType<NumberLiteral>(Parser.Parse("NaN")).Value));
        Assert.True(double.IsNaN(Assert.IsType<NumberLiteral>(Parser.Parse("-nan")).Value));
        double zero = Assert.IsType<NumberLiteral>(Parser.Parse("-0")).Value;
        Assert.True(zero == 0 && double.IsNegative(zero));
    }

    [Fact]
    public void A_sign_joins_a_number_but_not_parentheses()
    {
        var number = Assert.IsType<NumberLiteral>(Parser.Parse("  -  5"));
        Assert.Equal(new PositionRange(2, 6), number.Position);

        var unary = Assert.IsType<UnaryExpr>(Parser.Parse("-(5)"));
        Assert.Equal(UnaryOperator.Minus, unary.Op);
        Assert.IsType<ParenExpr>(unary.Expr);
    }

    [Theory]
    [InlineData("\"plain\"", "plain")]
    [InlineData("'single'", "single")]
    [InlineData("`raw \\n \\x`", "raw \\n \\x")]
    [InlineData("`two\nlines`", "two\nlines")]
    [InlineData("\"\\a\\b\\f\\n\\r\\t\\v\\\\\"", "\a\b\f\n\r\t\v\\")]
    [InlineData("\"\\\"q\\\"\"", "\"q\"")]
    [InlineData("'\\'q\\''", "'q'")]
    [InlineData("'\"'", "\"")]
    [InlineData("\"'\"", "'")]
    [InlineData("\"\\x41\\102\\103\"", "ABC")]
    [InlineData("\"\\xc3\\xa9\"", "é")] // bytes, then read as UTF-8
    [InlineData("\"\\303\\251\"", "é")]
    [InlineData("\"\\u00e9\\U0001F600\"", "é\U0001F600")]
    [InlineData("\"é\U0001F600\"", "é\U0001F600")]
    [InlineData("\"\\x00\"", "\0")]
    [InlineData("\"\\xff\"", "\uFFFD")] // not UTF-8: Prometheus keeps the byte, a .NET string cannot
    [InlineData("\"\"", "")]
    public void Strings(string query, string value) =>
        Assert.Equal(value, Assert.IsType<StringLiteral>(Parser.Parse(query)).Value);

    [Theory]
    [InlineData("5m", 5 * 60_000L)]
    [InlineData("1h30m", 90 * 60_000L)]
    [InlineData("1d", 86_400_000L)]
    [InlineData("1w", 7 * 86_400_000L)]
    [InlineData("1y", 365 * 86_400_000L)]
    [InlineData("500ms", 500L)]
    [InlineData("1s500ms", 1500L)]
    [InlineData("1y2w3d4h5m6s7ms", 31_536_000_000L + 1_209_600_000 + 259_200_000 + 14_400_000 + 300_000 + 6_000 + 7)]
    [InlineData("0001m", 60_000L)]
    [InlineData("0", 0L)]
    [InlineData("0s", 0L)]
    [InlineData("9223372036854ms", 9_223_372_036_854L)] // the most Go's nanosecond durations hold
    public void Durations(string text, long milliseconds)
    {
        Assert.True(PromDuration.TryParse(text, out var duration, out string? error), error);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), duration);
    }

    [Theory]
    [InlineData("1h1h", "not a valid duration string: \"1h1h\"")]
    [InlineData("1.5h", "not a valid duration string: \"1.5h\"")]
    [InlineData("30m1h", "not a valid duration string: \"30m1h\"")]
    [InlineData("1ms1s", "not a valid duration string: \"1ms1s\"")]
    [InlineData("1H", "not a valid duration string: \"1H\"")]
    [InlineData("5", "not a valid duration string: \"5\"")]
    [InlineData("-5m", "not a valid duration string: \"-5m\"")]
    [InlineData("", "empty duration string")]
    [InlineData("9223372036855ms", "duration out of range")]
    [InlineData("293y", "duration out of range")]
    [InlineData("292y1000d", "duration out of range")]
    [InlineData("99999999999999999999s", "duration out of range")]
    public void Invalid_durations(string text, string message)
    {
        Assert.False(PromDuration.TryParse(text, out _, out string? error));
        Assert.Equal(message, error);
    }

    [Theory]
    [InlineData(0L, "0s")]
    [InlineData(1L, "1ms")]
    [InlineData(1_500L, "1s500ms")]
    [InlineData(5 * 60_000L, "5m")]
    [InlineData(90 * 60_000L, "1h30m")]
    [InlineData(86_400_000L, "1d")]
    [InlineData(7 * 86_400_000L, "1w")]
    [InlineData(90 * 86_400_000L, "90d")] // not 12w6d: weeks and years only when exact
    [InlineData(365 * 86_400_000L, "1y")]
    [InlineData(366 * 86_400_000L, "366d")]
    [InlineData(2 * 365 * 86_400_000L, "2y")]
    [InlineData(14 * 86_400_000L + 1, "14d1ms")]
    [InlineData(9_223_372_036_854L, "106751d23h47m16s854ms")]
    public void Formats_durations_as_model_Duration_does(long milliseconds, string text) =>
        Assert.Equal(text, PromDuration.Format(TimeSpan.FromMilliseconds(milliseconds)));
}
