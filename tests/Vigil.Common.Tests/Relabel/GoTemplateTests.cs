using System.Text.RegularExpressions;
using Vigil.Common.Config;
using Vigil.Common.Relabel;

namespace Vigil.Common.Tests.Relabel;

/// <summary>Go's regexp.Expand rules, checked against a regex compiled the way the config compiles it.</summary>
public sealed class GoTemplateTests
{
    [Theory]
    [InlineData("(.*)", "foo", "plain", "plain")]
    [InlineData("(.*)", "foo", "$1", "foo")]
    [InlineData("(.*)", "foo", "${1}", "foo")]
    [InlineData("(.*)", "foo", "$1x", "")]
    [InlineData("(.*)", "foo", "${1}x", "foox")]
    [InlineData("(.*)", "foo", "$1.x", "foo.x")]
    [InlineData("(.*)", "foo", "$$", "$")]
    [InlineData("(.*)", "foo", "$$$1", "$foo")]
    [InlineData("(.*)", "foo", "$", "$")]
    [InlineData("(.*)", "foo", "$-", "$-")]
    [InlineData("(.*)", "foo", "${", "${")]
    [InlineData("(.*)", "foo", "${1", "${1")]
    [InlineData("(.*)", "foo", "${1}}", "foo}")]
    [InlineData("(.*)", "foo", "${-1}", "${-1}")]
    [InlineData("(.*)", "foo", "$0$1", "foofoo")]
    [InlineData("(.*)", "foo", "$00", "")]
    [InlineData("(.*)", "foo", "$2", "")]
    [InlineData("(.*)", "foo", "$123456789012", "")]
    [InlineData("(.*)", "foo", "$é", "")] // Go reads Unicode letters as part of the name
    [InlineData("(?P<e_1>.*)", "foo", "${e_1}", "foo")]
    [InlineData("(a)(?P<n>b)(c)", "abc", "$1$2$3|$n", "abc|b")]
    [InlineData("(?P<x>a)|(?P<y>b)", "b", "[$1][$2][$x][$y]", "[][b][][b]")]
    [InlineData("[(](a)[)]", "(a)", "$1", "a")] // parentheses inside a class are not groups
    [InlineData(@"\((a)\)", "(a)", "$1", "a")]
    [InlineData("[]a](b)", "]b", "$1", "b")]
    [InlineData("(?i)(?:x)(a)", "xA", "$1", "A")]
    public void Expands(string regex, string input, string template, string expected)
    {
        var compiled = RelabelConfig.Compile(regex);
        var match = compiled.Match(input);
        Assert.True(match.Success);
        Assert.Equal(expected, GoTemplate.Expand(template, compiled, match));
    }

    [Fact]
    public void TemplateWithoutDollarIsReturnedAsIs()
    {
        var regex = RelabelConfig.Compile("(.*)");
        const string template = "no_references";
        Assert.Same(template, GoTemplate.Expand(template, regex, regex.Match("x")));
    }

    [Fact]
    public void GroupNumberingFollowsRe2()
    {
        var groups = GoCaptureGroups.For(new Regex("(?<a>x)(y)(?<b>z)(w)", RegexOptions.None));
        Assert.Equal(5, groups.Count);
        Assert.Equal("a", groups.Name(1));
        Assert.Null(groups.Name(2));
        Assert.Equal("b", groups.Name(3));

        var match = new Regex("(?<a>x)(y)(?<b>z)(w)").Match("xyzw");
        Assert.Equal(["x", "y", "z", "w"], Enumerable.Range(1, 4).Select(i => match.Groups[groups.DotnetNumber(i)].Value));
    }
}
