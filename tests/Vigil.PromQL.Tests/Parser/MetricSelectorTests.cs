namespace Vigil.PromQL.Tests;

/// <summary>
/// Selectors alone (Prometheus's <c>ParseMetricSelector</c>, for <c>match[]</c>): the expected errors and the
/// acceptance of what the query parser would refuse in type checks were checked against Prometheus 2.42's
/// /api/v1/series.
/// </summary>
public sealed class MetricSelectorTests
{
    [Theory]
    [InlineData("up", "__name__=\"up\"")]
    [InlineData("""up{job="api",code=~"5.."}""", """job="api" code=~"5.." __name__="up" """)]
    [InlineData("""{__name__=~"a|b"}""", """__name__=~"a|b" """)]
    [InlineData("""foo{__name__="bar"}""", """__name__="bar" __name__="foo" """)] // not type-checked here
    [InlineData("{}", "")] // the caller refuses empty selectors in its own words
    [InlineData("""{a=~".*"}""", """a=~".*" """)]
    [InlineData("sum", "__name__=\"sum\"")]
    [InlineData("by", "__name__=\"by\"")]
    [InlineData("""  up { job = "a" , } # comment""", """job="a" __name__="up" """)]
    public void Selectors(string selector, string matchers) =>
        Assert.Equal(matchers.Trim(), string.Join(" ", Parser.ParseMetricSelector(selector)));

    [Theory]
    [InlineData("", "1:1: parse error: unexpected end of input")]
    [InlineData("1", "1:1: parse error: unexpected number \"1\"")]
    [InlineData("foo bar", "1:5: parse error: unexpected identifier \"bar\"")]
    [InlineData("foo[5m]", "1:4: parse error: unexpected \"[\"")]
    [InlineData("sum(foo)", "1:4: parse error: unexpected \"(\"")]
    [InlineData("rate(x)", "1:5: parse error: unexpected \"(\"")]
    [InlineData("foo offset 5m", "1:5: parse error: unexpected <offset>")]
    [InlineData("foo @ 1", "1:5: parse error: unexpected \"<Item 57385>\" <op:@>")]
    [InlineData("foo{a b}", "1:7: parse error: unexpected identifier \"b\" in label matching, expected label matching operator")]
    [InlineData("foo{", "1:5: parse error: unexpected end of input inside braces")]
    public void Errors(string selector, string message) =>
        Assert.Equal(message, Assert.Throws<PromQLParseException>(() => Parser.ParseMetricSelector(selector)).Message);
}
