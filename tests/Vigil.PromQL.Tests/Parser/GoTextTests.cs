namespace Vigil.PromQL.Tests;

/// <summary>The Go formatting Prometheus's messages and String() use: %q of runes, %#U, %.Nf and sort.Strings order.</summary>
public sealed class GoTextTests
{
    [Theory]
    [InlineData('$', "'$'")]
    [InlineData('\'', @"'\''")]
    [InlineData('"', "'\"'")]
    [InlineData('\\', @"'\\'")]
    [InlineData('\n', @"'\n'")]
    [InlineData(0, @"'\x00'")]
    [InlineData(0x7F, @"'\x7f'")]
    [InlineData(0xE9, "'é'")]
    [InlineData(0x200B, @"'\u200b'")]
    [InlineData(0x1F600, "'😀'")]
    [InlineData(-1, "'\uFFFD'")] // end of input prints as Go's replacement rune
    public void Quotes_runes(int rune, string quoted) => Assert.Equal(quoted, GoText.QuoteRune(rune));

    [Theory]
    [InlineData('q', "U+0071 'q'")]
    [InlineData('\n', "U+000A")]
    [InlineData(0x1F600, "U+1F600 '😀'")]
    [InlineData(0xFEFF, "U+FEFF")]
    public void Formats_code_points(int rune, string text) => Assert.Equal(text, GoText.FormatCodePoint(rune));

    [Theory]
    [InlineData(1.5, 3, "1.500")]
    [InlineData(-0.0005, 3, "-0.001")]
    [InlineData(1e19, 6, "10000000000000000000.000000")]
    [InlineData(double.PositiveInfinity, 6, "+Inf")]
    [InlineData(double.NegativeInfinity, 6, "-Inf")]
    [InlineData(double.NaN, 3, "NaN")]
    public void Formats_fixed_point(double value, int decimals, string text) =>
        Assert.Equal(text, GoText.FormatFixed(value, decimals));

    [Fact]
    public void Sorts_by_code_point_as_Go_sorts_UTF8()
    {
        var strings = new List<string> { "a=\"\U0001F600\"", "a=\"\uFFEE\"", "a=\"z\"", "a" };
        strings.Sort(GoText.CompareCodePoints);
        Assert.Equal(["a", "a=\"z\"", "a=\"\uFFEE\"", "a=\"\U0001F600\""], strings);

        // Checked against Prometheus 2.42: U+FFEE sorts before U+1F600 (UTF-16 order would say the opposite).
        Assert.Equal("foo{a=\"z\",b=\"\uFFEE\",b=\"\U0001F600\"}", Parser.Parse("foo{b=\"\uFFEE\",b=\"\U0001F600\",a=\"z\"}").ToString());
    }
}
