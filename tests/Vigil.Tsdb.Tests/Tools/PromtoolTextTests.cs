using Vigil.Tsdb.Storage;
using Vigil.Tsdb.Tools;

namespace Vigil.Tsdb.Tests.Tools;

/// <summary>
/// <c>vigil tsdb dump</c> prints what <c>promtool tsdb dump</c> prints: Go's <c>%g</c> for values and
/// <c>strconv.Quote</c> for label values (PromtoolDumpTests compares the two tools' output on the same blocks).
/// </summary>
public sealed class PromtoolTextTests
{
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    [InlineData(1.0, "1")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.30000000000000004, "0.30000000000000004")]
    [InlineData(100000.0, "100000")]
    [InlineData(123456.7, "123456.7")]
    [InlineData(999999.0, "999999")]
    [InlineData(1e6, "1e+06")]
    [InlineData(1234567.0, "1.234567e+06")]
    [InlineData(1700000000.0, "1.7e+09")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1.2345678901234568e17, "1.2345678901234568e+17")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.000123, "0.000123")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(-0.000012345, "-1.2345e-05")]
    [InlineData(1.5e300, "1.5e+300")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(double.Epsilon, "5e-324")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Values_are_printed_as_go_percent_g(double value, string expected)
    {
        Assert.Equal(expected, PromtoolText.FormatValue(value));
        if (!double.IsNaN(value) && !double.IsInfinity(value))
        {
            Assert.Equal(BitConverter.DoubleToUInt64Bits(value), BitConverter.DoubleToUInt64Bits(double.Parse(expected, System.Globalization.CultureInfo.InvariantCulture)));
        }
    }

    [Fact]
    public void A_stale_marker_prints_as_NaN() =>
        Assert.Equal("NaN", PromtoolText.FormatValue(BitConverter.UInt64BitsToDouble(0x7ff0000000000002)));

    [Fact]
    public void Every_double_fits_the_buffer_and_round_trips()
    {
        var random = new Random(5);
        for (int i = 0; i < 20_000; i++)
        {
            double value = BitConverter.Int64BitsToDouble(random.NextInt64());
            string text = PromtoolText.FormatValue(value);
            Assert.True(text.Length <= PromtoolText.MaxValueLength, text);
            if (double.IsFinite(value))
            {
                Assert.Equal(BitConverter.DoubleToUInt64Bits(value), BitConverter.DoubleToUInt64Bits(double.Parse(text, System.Globalization.CultureInfo.InvariantCulture)));
            }
        }
    }

    [Theory]
    [InlineData("x", "\"x\"")]
    [InlineData("q\"uote", "\"q\\\"uote\"")]
    [InlineData("back\\slash", "\"back\\\\slash\"")]
    [InlineData("\a\b\f\n\r\t\v", "\"\\a\\b\\f\\n\\r\\t\\v\"")]
    [InlineData("\u0001\u001f\u007f", "\"\\x01\\x1f\\x7f\"")]
    [InlineData("é ü 😀 ✓", "\"é ü 😀 ✓\"")]
    [InlineData("nb\u00a0sp\u200b\u2028", "\"nb\\u00a0sp\\u200b\\u2028\"")]
    [InlineData("\U000E0001", "\"\\U000e0001\"")]
    [InlineData("'", "\"'\"")]
    public void Label_values_are_quoted_as_go_quotes_them(string value, string expected)
    {
        var sb = new System.Text.StringBuilder();
        PromtoolText.AppendQuoted(sb, value);
        Assert.Equal(expected, sb.ToString());
    }

    [Fact]
    public void Labels_as_prometheus_prints_them() =>
        Assert.Equal("{__name__=\"up\", instance=\"a:9100\", job=\"x\\ny\"}", PromtoolText.FormatLabels(Labels.FromPairs(("job", "x\ny"), ("__name__", "up"), ("instance", "a:9100"))));
}
