using Vigil.PromQL.Engine;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Tests;

/// <summary>label_replace and label_join on one series, with Go's regexp and template semantics.</summary>
public sealed class LabelKernelsTests
{
    private static readonly Labels s_series = Labels.FromPairs(
        ("__name__", "up"), ("job", "api-server"), ("service", "a:c"), ("tag", "x"));

    [Theory]
    [InlineData("foo", "$1", "service", "(.*):.*", "{__name__=\"up\", foo=\"a\", job=\"api-server\", service=\"a:c\", tag=\"x\"}")]
    [InlineData("foo", "${2}-${1}", "service", "(.*):(.*)", "{__name__=\"up\", foo=\"c-a\", job=\"api-server\", service=\"a:c\", tag=\"x\"}")]
    // "$1x" names the group "1x", which does not exist: the expansion is empty, so dst is not set (or removed).
    [InlineData("foo", "$1x", "service", "(.*):.*", "{__name__=\"up\", job=\"api-server\", service=\"a:c\", tag=\"x\"}")]
    [InlineData("tag", "$1x", "service", "(.*):.*", "{__name__=\"up\", job=\"api-server\", service=\"a:c\"}")]
    [InlineData("foo", "${1}x", "service", "(.*):.*", "{__name__=\"up\", foo=\"ax\", job=\"api-server\", service=\"a:c\", tag=\"x\"}")]
    // No match (the regex is anchored at both ends): unchanged.
    [InlineData("foo", "$1", "service", "a", "{__name__=\"up\", job=\"api-server\", service=\"a:c\", tag=\"x\"}")]
    [InlineData("tag", "", "job", "nomatch", "{__name__=\"up\", job=\"api-server\", service=\"a:c\", tag=\"x\"}")]
    // A missing source is "", which "" and ".*" match: a constant can be set, or a label removed.
    [InlineData("new", "v", "missing", "", "{__name__=\"up\", job=\"api-server\", new=\"v\", service=\"a:c\", tag=\"x\"}")]
    [InlineData("tag", "", "missing", ".*", "{__name__=\"up\", job=\"api-server\", service=\"a:c\"}")]
    // Overwriting, including the metric name.
    [InlineData("job", "$1", "job", "api-(.*)", "{__name__=\"up\", job=\"server\", service=\"a:c\", tag=\"x\"}")]
    [InlineData("__name__", "renamed", "__name__", "up", "{__name__=\"renamed\", job=\"api-server\", service=\"a:c\", tag=\"x\"}")]
    // Named groups are numbered left to right as in Go (.NET would number the unnamed group first).
    [InlineData("foo", "$1/$2/$name", "service", "(?P<name>.*):(.*)", "{__name__=\"up\", foo=\"a/c/a\", job=\"api-server\", service=\"a:c\", tag=\"x\"}")]
    [InlineData("foo", "${name}$$", "service", "(?P<name>.*):(.*)", "{__name__=\"up\", foo=\"a$\", job=\"api-server\", service=\"a:c\", tag=\"x\"}")]
    // A '$' that starts no reference is kept; out-of-range and leading-zero numbers expand to nothing.
    [InlineData("foo", "$-${x", "service", "(.*):.*", "{__name__=\"up\", foo=\"$-${x\", job=\"api-server\", service=\"a:c\", tag=\"x\"}")]
    [InlineData("foo", "<$7><$01>$0", "service", "(.*):.*", "{__name__=\"up\", foo=\"<><>a:c\", job=\"api-server\", service=\"a:c\", tag=\"x\"}")]
    // RE2 details: \d is ASCII, POSIX classes and \pL work, the user's alternation stays inside the anchors.
    [InlineData("foo", "$1", "service", "([[:alpha:]]):\\pL", "{__name__=\"up\", foo=\"a\", job=\"api-server\", service=\"a:c\", tag=\"x\"}")]
    [InlineData("foo", "yes", "job", "api|server|api-server", "{__name__=\"up\", foo=\"yes\", job=\"api-server\", service=\"a:c\", tag=\"x\"}")]
    public void Replace(string dst, string replacement, string src, string regex, string expected)
    {
        var compiled = LabelKernels.CompileReplaceRegex(regex);
        Assert.Equal(expected, LabelKernels.Replace(s_series, dst, replacement, src, compiled).ToString());
    }

    [Theory]
    [InlineData("a\n", "a", false)]    // Go's '$' is the end of the text, not before a final newline.
    [InlineData("a\n", "a$", false)]
    [InlineData("a\n", "a\n", true)]
    [InlineData("٣", "\\d", false)]    // RE2's \d is ASCII only.
    [InlineData("7", "\\d", true)]
    // Wrapped as one string, as 2.42 does: ^(?:a)|(b)$, whose second branch is anchored only at the end
    // (2.42 answers dst="b" for "xb").
    [InlineData("ab", "a)|(b", true)]
    [InlineData("xb", "a)|(b", true)]
    [InlineData("bx", "a)|(b", false)]
    [InlineData("a\nb", "(?m)a$\nb", true)]   // With (?m), '$' is an end of line.
    [InlineData("[x]", "\\[[\\w]\\]", true)]
    public void Matches_as_Go_regexp_does(string value, string regex, bool matches)
    {
        var labels = Labels.FromPairs(("src", value));
        var result = LabelKernels.Replace(labels, "dst", "hit", "src", LabelKernels.CompileReplaceRegex(regex));
        Assert.Equal(matches, result.Has("dst"));
    }

    [Theory]
    [InlineData("(")]
    [InlineData("a**")]
    [InlineData("(?<name>a)")] // Perl's named group, which Go 1.19 refuses.
    [InlineData("(?=a)")]      // No lookaround in RE2.
    [InlineData("\\")]
    [InlineData("[[:bogus:]]")]
    public void Invalid_regexes_are_execution_errors(string regex)
    {
        var error = Assert.Throws<QueryException>(() => LabelKernels.CompileReplaceRegex(regex));
        Assert.Equal(QueryErrorKind.Execution, error.Kind);
        Assert.Equal("invalid regular expression in label_replace(): " + regex, error.Message);
    }

    [Theory]
    [InlineData("1a")]
    [InlineData("")]
    [InlineData("a-b")]
    [InlineData("ä")]
    public void Invalid_label_names_are_execution_errors(string name)
    {
        var error = Assert.Throws<QueryException>(() => LabelKernels.ValidateLabelName("label_replace", name));
        Assert.Equal(QueryErrorKind.Execution, error.Kind);
        Assert.Equal("invalid destination label name in label_replace(): " + name, error.Message);
        error = Assert.Throws<QueryException>(() => LabelKernels.ValidateSourceLabelName(name));
        Assert.Equal("invalid source label name in label_join(): " + name, error.Message);
    }

    [Theory]
    [InlineData("_")]
    [InlineData("__name__")]
    [InlineData("a1_B")]
    public void Valid_label_names_pass(string name)
    {
        LabelKernels.ValidateLabelName("label_join", name);
        LabelKernels.ValidateSourceLabelName(name);
    }

    [Theory]
    [InlineData("joined", "-", "job,tag", "{__name__=\"up\", job=\"api-server\", joined=\"api-server-x\", service=\"a:c\", tag=\"x\"}")]
    [InlineData("joined", ", ", "tag,missing,tag", "{__name__=\"up\", job=\"api-server\", joined=\"x, , x\", service=\"a:c\", tag=\"x\"}")]
    [InlineData("tag", "", "service", "{__name__=\"up\", job=\"api-server\", service=\"a:c\", tag=\"a:c\"}")]
    // An empty join removes the destination, and no sources at all is an empty join.
    [InlineData("tag", "", "missing", "{__name__=\"up\", job=\"api-server\", service=\"a:c\"}")]
    [InlineData("tag", "-", "", "{__name__=\"up\", job=\"api-server\", service=\"a:c\"}")]
    [InlineData("joined", "", "missing,other", "{__name__=\"up\", job=\"api-server\", service=\"a:c\", tag=\"x\"}")]
    public void Join(string dst, string separator, string sources, string expected)
    {
        string[] srcs = sources.Length == 0 ? [] : sources.Split(',');
        Assert.Equal(expected, LabelKernels.Join(s_series, dst, separator, srcs).ToString());
    }

    [Fact]
    public void Unchanged_labels_are_the_same_instance()
    {
        Assert.Same(s_series, LabelKernels.Join(s_series, "tag", "", ["tag"]));
        Assert.Same(s_series, LabelKernels.Replace(s_series, "foo", "$1", "service", LabelKernels.CompileReplaceRegex("nomatch")));
    }
}
