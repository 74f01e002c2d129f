using Vigil.Tsdb.Storage;
using Vigil.Tsdb.Tools;

namespace Vigil.Tsdb.Tests.Tools;

/// <summary>Issue 5's small selector parser (<c>vigil tsdb dump --match</c>): PromQL's selector rules, one-line errors with line and column.</summary>
public sealed class SeriesSelectorTests
{
    [Theory]
    [InlineData("up", """{__name__="up"}""")]
    [InlineData("  up  ", """{__name__="up"}""")]
    [InlineData("node:cpu_seconds:rate5m", """{__name__="node:cpu_seconds:rate5m"}""")]
    [InlineData("_x1", """{__name__="_x1"}""")]
    [InlineData("up{}", """{__name__="up"}""")]
    [InlineData("up {job=\"x\"}", """{__name__="up", job="x"}""")]
    [InlineData("""up{a="b",c!="d",e=~"f.*",g!~"h"}""", """{__name__="up", a="b", c!="d", e=~"f.*", g!~"h"}""")]
    [InlineData("""{job="x"}""", """{job="x"}""")]
    [InlineData("""{ job = "x" , }""", """{job="x"}""")]
    [InlineData("{\n  job=\"x\",\n  i!=\"1\"\n}", """{job="x", i!="1"}""")]
    [InlineData("""{__name__=~"up|down"}""", """{__name__=~"up|down"}""")]
    [InlineData("""{job="a",job!="b"}""", """{job="a", job!="b"}""")]
    [InlineData("""{a=~".+", b=""}""", """{a=~".+", b=""}""")]
    [InlineData("""{a='single'}""", """{a="single"}""")]
    [InlineData("{a=`raw\\n\"`}", """{a="raw\\n\""}""")]
    public void Valid_selectors(string text, string expected)
    {
        var selector = SeriesSelector.Parse(text);
        Assert.Equal(expected, selector.ToString());
        Assert.Equal(text, selector.Text);
    }

    [Fact]
    public void The_metric_name_comes_first_as_an_equality_matcher()
    {
        var matchers = SeriesSelector.Parse("""up{job=~"a.*"}""").Matchers;
        Assert.Equal(2, matchers.Count);
        Assert.Equal((LabelMatchType.Equal, "__name__", "up"), (matchers[0].Type, matchers[0].Name, matchers[0].Value));
        Assert.Equal((LabelMatchType.Regex, "job", "a.*"), (matchers[1].Type, matchers[1].Name, matchers[1].Value));
        Assert.True(matchers[1].Matches("abc"));
    }

    [Theory]
    [InlineData("""{a="q\"q"}""", "q\"q")]
    [InlineData("""{a='q\'q'}""", "q'q")]
    [InlineData("""{a='q"q'}""", "q\"q")]
    [InlineData("""{a="back\\slash"}""", "back\\slash")]
    [InlineData("""{a="\a\b\f\n\r\t\v"}""", "\a\b\f\n\r\t\v")]
    [InlineData("""{a="\x41\101"}""", "AA")]
    [InlineData("""{a="\xc3\xa9"}""", "é")] // bytes, then UTF-8, as Go's strings are
    [InlineData("""{a="\u00e9\U0001F600"}""", "é\U0001F600")]
    [InlineData("""{a="é😀"}""", "é\U0001F600")]
    [InlineData("{a=`\\d+\\n`}", "\\d+\\n")] // backquotes: no escapes
    [InlineData("{a=`line\nbreak`}", "line\nbreak")]
    public void Escapes_in_values(string text, string value) =>
        Assert.Equal(value, SeriesSelector.Parse(text).Matchers[0].Value);

    [Theory]
    [InlineData("", "1:1: empty selector, expected a metric name or '{'")]
    [InlineData("   ", "1:4: empty selector, expected a metric name or '{'")]
    [InlineData("1up", "1:1: unexpected character '1', expected a metric name or '{'")]
    [InlineData("up}", "1:3: unexpected character '}', expected '{' or the end")]
    [InlineData("up{job!\"x\"}", "1:7: unexpected character '!', expected '=', '!=', '=~' or '!~'")]
    [InlineData("up{job~\"x\"}", "1:7: unexpected character '~', expected '=', '!=', '=~' or '!~'")]
    [InlineData("up{job}", "1:7: unexpected character '}', expected '=', '!=', '=~' or '!~'")]
    [InlineData("up{job", "1:7: unexpected end of input, expected '=', '!=', '=~' or '!~'")]
    [InlineData("up{", "1:4: unexpected end of input, expected a label name or '}'")]
    [InlineData("up{job=", "1:8: unexpected end of input, expected a quoted string")]
    [InlineData("up{job=x}", "1:8: unexpected character 'x', expected a quoted string")]
    [InlineData("up{1=\"x\"}", "1:4: unexpected character '1', expected a label name or '}'")]
    [InlineData("up{a:b=\"x\"}", "1:5: unexpected character ':', expected '=', '!=', '=~' or '!~'")]
    [InlineData("up{a=\"x\" b=\"y\"}", "1:10: unexpected character 'b', expected ',' or '}'")]
    [InlineData("up{a=\"x\"", "1:9: unexpected end of input, expected ',' or '}'")]
    [InlineData("up{a=\"x\",,}", "1:10: unexpected character ',', expected a label name or '}'")]
    [InlineData("up{a=\"x\"} extra", "1:11: unexpected character 'e', expected the end")]
    [InlineData("{a=\"x\"}{b=\"y\"}", "1:8: unexpected character '{', expected the end")]
    [InlineData("up{a=\"x}", "1:6: unterminated quoted string")]
    [InlineData("up{a='x}", "1:6: unterminated quoted string")]
    [InlineData("up{a=`x}", "1:6: unterminated quoted string")]
    [InlineData("up{a=\"x\ny\"}", "1:6: unterminated quoted string")]
    [InlineData("up{a=\"x\\", "1:8: unterminated quoted string")]
    [InlineData("up{a=\"\\q\"}", "1:7: unknown escape sequence '\\q'")]
    [InlineData("up{a=\"\\'\"}", "1:7: unknown escape sequence '\\''")]
    [InlineData("up{a='\\\"'}", "1:7: unknown escape sequence '\\\"'")]
    [InlineData("up{a=\"\\x4\"}", "1:7: escape sequence needs 2 hexadecimal digits")]
    [InlineData("up{a=\"\\u12\"}", "1:7: escape sequence needs 4 hexadecimal digits")]
    [InlineData("up{a=\"\\18\"}", "1:7: escape sequence needs 3 octal digits")]
    [InlineData("up{a=\"\\400\"}", "1:7: octal escape value > 255")]
    [InlineData("up{a=\"\\ud800\"}", "1:7: escape sequence is an invalid Unicode code point")]
    [InlineData("up{a=\"\\U00110000\"}", "1:7: escape sequence is an invalid Unicode code point")]
    [InlineData("up{a=\"\\xff\"}", "1:6: invalid UTF-8 in quoted string (from \\x or octal escapes)")]
    [InlineData("up{a=~\"(\"}", "1:7: invalid regular expression in label matcher a=~\"(\":")]
    [InlineData("up{__name__=\"down\"}", "1:4: metric name must not be set twice: \"up\" and a __name__ matcher")]
    [InlineData("{}", "1:1: vector selector must contain at least one non-empty matcher")]
    [InlineData("{a=\"\"}", "1:1: vector selector must contain at least one non-empty matcher")]
    [InlineData("  {a=~\".*\", b!=\"x\"}", "1:3: vector selector must contain at least one non-empty matcher")]
    [InlineData("{\n  a=\"x\"\n  b=\"y\"}", "3:3: unexpected character 'b', expected ',' or '}'")]
    [InlineData("up{a=\"x\"\t\u00a0}", "1:10: unexpected character U+00A0, expected ',' or '}'")]
    public void Errors_name_line_column_and_problem(string text, string expected)
    {
        var e = Assert.Throws<SelectorSyntaxException>(() => SeriesSelector.Parse(text));
        Assert.StartsWith(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void Every_label_set_promtool_text_prints_parses_back_to_itself()
    {
        string[] values = ["plain", "q\"uote", "back\\slash", "new\nline", "\ttab\r", "\u0001\u007f", "é😀", "nb\u00a0sp", "\u200b", "'"];
        foreach (string value in values)
        {
            var labels = Labels.FromPairs(("__name__", "m"), ("v", value));
            var matchers = SeriesSelector.Parse(PromtoolText.FormatLabels(labels)).Matchers;
            Assert.Equal(value, Assert.Single(matchers, m => m.Name == "v").Value);
        }
    }
}
