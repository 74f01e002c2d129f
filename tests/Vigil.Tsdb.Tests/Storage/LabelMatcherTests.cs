using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tests.Storage;

public sealed class LabelMatcherTests
{
    [Theory]
    // Equality is exact and ordinal.
    [InlineData("=", "api", "api", true)]
    [InlineData("=", "api", "API", false)]
    [InlineData("=", "api", "api ", false)]
    [InlineData("!=", "api", "web", true)]
    [InlineData("!=", "api", "api", false)]
    // Regexes are anchored at both ends, around the whole alternation.
    [InlineData("=~", "foo", "foo", true)]
    [InlineData("=~", "foo", "foobar", false)]
    [InlineData("=~", "foo", "xfoo", false)]
    [InlineData("=~", "o+", "foo", false)]
    [InlineData("=~", "f.o", "foo", true)]
    [InlineData("=~", "foo|bar", "foobar", false)]
    [InlineData("=~", "foo|bar", "bar", true)]
    [InlineData("=~", "fo|foo", "foo", true)]
    [InlineData("=~", "a.*|b", "ab", true)]
    [InlineData("=~", "a.*|b", "xb", false)]
    [InlineData("=~", "api-\\d+", "api-12", true)]
    [InlineData("=~", "api-\\d+", "api-12\n", false)] // .NET's $ would match before the final newline; \z does not
    [InlineData("=~", "(?P<svc>api)-1", "api-1", true)] // RE2's named group syntax
    [InlineData("=~", "(?i)API", "api", true)]
    [InlineData("!~", "foo", "foobar", true)]
    [InlineData("!~", "foo|bar", "bar", false)]
    // '.' does not match a newline, in the fast paths as in the regex.
    [InlineData("=~", ".*", "a\nb", false)]
    [InlineData("=~", ".*", "", true)]
    [InlineData("=~", ".+", "", false)]
    [InlineData("=~", ".+", "x", true)]
    [InlineData("=~", "a.b", "a\nb", false)]
    [InlineData("=~", "", "", true)]
    [InlineData("=~", "", "x", false)]
    [InlineData("=~", "|x", "", true)]
    // RE2 as Prometheus 2.42 runs it: wrapped as one string, so "a)|(b" is ^(?:a)|(b)$ (starts with a, or ends with b).
    [InlineData("=~", "a)|(b", "ax", true)]
    [InlineData("=~", "a)|(b", "xb", true)]
    [InlineData("=~", "a)|(b", "x", false)]
    [InlineData("=~", "\\p{Greek}+", "αβ", true)] // a Unicode script, which .NET only knows as blocks
    [InlineData("=~", "\\p{Greek}+", "ab", false)]
    [InlineData("=~", "\\d", "٣", false)] // RE2's \d is ASCII
    [InlineData("=~", "a{2,3}", "aaa", true)]
    [InlineData("=~", "a{", "a{", true)] // not a repeat: a literal brace in both
    public void Matches_a_value(string op, string pattern, string value, bool expected)
    {
        var matcher = new LabelMatcher(Parse(op), "job", pattern);
        Assert.Equal(expected, matcher.Matches(value));
    }

    [Theory]
    [InlineData("=", "", true)]
    [InlineData("!=", "", false)]
    [InlineData("=~", ".*", true)]
    [InlineData("=~", ".+", false)]
    [InlineData("=~", "|prod", true)]
    [InlineData("=~", "prod", false)]
    [InlineData("!~", "prod", true)]
    [InlineData("!~", ".*", false)]
    [InlineData("!=", "prod", true)]
    public void A_missing_label_matches_as_the_empty_string(string op, string pattern, bool expected)
    {
        var matcher = new LabelMatcher(Parse(op), "env", pattern);
        var labels = Labels.FromPairs(("__name__", "up"), ("job", "node"));
        Assert.Equal(expected, matcher.Matches(labels));
        Assert.Equal(expected, matcher.MatchesEmpty);
    }

    [Fact]
    public void A_present_label_is_matched_by_its_value()
    {
        var labels = Labels.FromPairs(("__name__", "up"), ("env", "prod"));
        Assert.True(LabelMatcher.Regex("env", "pro.").Matches(labels));
        Assert.False(LabelMatcher.Equal("env", "").Matches(labels));
        Assert.True(LabelMatcher.NotEqual("env", "").Matches(labels));
    }

    [Theory]
    [InlineData("(", "job=~\"(\"")]
    [InlineData("[z-a]", "job=~\"[z-a]\"")]
    [InlineData("(a)\\1", "job=~\"(a)\\\\1\"")] // a backreference: RE2 has none
    [InlineData("(?=a)a", "job=~\"(?=a)a\"")] // lookahead: RE2 has none
    [InlineData("a{1001}", "job=~\"a{1001}\"")] // RE2's repeat limit is 1000
    [InlineData("(?<n>a)", "job=~\"(?<n>a)\"")] // Perl's named group: Go 1.19's RE2 refuses it, (?P<n>) is its form
    public void An_invalid_regex_is_refused_with_the_matcher_named(string pattern, string shown)
    {
        var e = Assert.Throws<InvalidMatcherException>(() => LabelMatcher.Regex("job", pattern));
        Assert.StartsWith("invalid regular expression in label matcher " + shown + ": ", e.Message, StringComparison.Ordinal);
        Assert.Throws<InvalidMatcherException>(() => LabelMatcher.NotRegex("job", pattern));
    }

    [Fact]
    public void Equality_operators_accept_any_value_as_a_literal()
    {
        Assert.True(LabelMatcher.Equal("job", "(").Matches("("));
        Assert.True(LabelMatcher.NotEqual("job", "[").Matches("x"));
    }

    [Theory]
    [InlineData("=", "a\"b", "job=\"a\\\"b\"")]
    [InlineData("!=", "x", "job!=\"x\"")]
    [InlineData("=~", "a|b", "job=~\"a|b\"")]
    [InlineData("!~", "a\\.b", "job!~\"a\\\\.b\"")]
    public void Prints_as_promql(string op, string value, string expected) =>
        Assert.Equal(expected, new LabelMatcher(Parse(op), "job", value).ToString());

    [Fact]
    public void Fast_paths_agree_with_the_regex()
    {
        // The literal, alternation and .*/.+ shortcuts must answer as the anchored regex does.
        string[] patterns = [".*", ".+", "a", "a|b|", "api|web-1|", "", "x|x"];
        string[] values = ["", "a", "b", "ab", "api", "web-1", "web", "a\n", "\n", "x", "é"];
        foreach (string pattern in patterns)
        {
            var regex = new System.Text.RegularExpressions.Regex(@"\A(?:" + pattern + @")\z", System.Text.RegularExpressions.RegexOptions.CultureInvariant);
            var matcher = LabelMatcher.Regex("l", pattern);
            foreach (string value in values)
            {
                Assert.True(regex.IsMatch(value) == matcher.Matches(value), $"pattern \"{pattern}\", value \"{value}\"");
            }
        }
    }

    private static LabelMatchType Parse(string op) => op switch
    {
        "=" => LabelMatchType.Equal,
        "!=" => LabelMatchType.NotEqual,
        "=~" => LabelMatchType.Regex,
        _ => LabelMatchType.NotRegex,
    };
}
