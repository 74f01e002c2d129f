using Vigil.Tsdb.Index;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb.Tests.Index;

public sealed class MemPostingsTests
{
    /// <summary>1 up/api/prod, 2 up/web/dev, 3 up/db (no env), 4 down/api/prod.</summary>
    private static readonly (ulong Ref, Labels Labels)[] Series =
    [
        (1, Labels.FromPairs(("__name__", "up"), ("job", "api"), ("env", "prod"))),
        (2, Labels.FromPairs(("__name__", "up"), ("job", "web"), ("env", "dev"))),
        (3, Labels.FromPairs(("__name__", "up"), ("job", "db"))),
        (4, Labels.FromPairs(("__name__", "down"), ("job", "api"), ("env", "prod"))),
    ];

    [Theory]
    [InlineData("job=api", "1 4")]
    [InlineData("job!=api", "2 3")]
    [InlineData("env=", "3")] // = "" selects the series without the label
    [InlineData("env!=", "1 2 4")]
    [InlineData("env=~prod|", "1 3 4")] // the empty alternative keeps the series without env
    [InlineData("env=~prod|dev", "1 2 4")]
    [InlineData("env!~prod", "2 3")]
    [InlineData("env!~prod|", "2")]
    [InlineData("env=~.*", "1 2 3 4")]
    [InlineData("env=~.+", "1 2 4")]
    [InlineData("env!~.*", "")]
    [InlineData("env!~.+", "3")]
    [InlineData("job=~a.*", "1 4")] // a real regex: every value is tested
    [InlineData("job!~a.*|w.*", "3")]
    [InlineData("job=~(api|web)", "1 2 4")]
    [InlineData("__name__=up env!=prod", "2 3")]
    [InlineData("__name__=up job=~api|db env=", "3")]
    [InlineData("nope=x", "")]
    [InlineData("nope=", "1 2 3 4")]
    [InlineData("nope!=x", "1 2 3 4")]
    [InlineData("nope=~x|", "1 2 3 4")]
    [InlineData("nope=~.+", "")]
    [InlineData("env= job=", "")]
    [InlineData("", "1 2 3 4")] // no matchers: every series
    public void Matchers_select_as_prometheus_does(string selector, string expected)
    {
        var matchers = Parse(selector);
        foreach (bool fastPaths in new[] { true, false })
        {
            using var postings = Build(fastPaths, Series);
            Assert.Equal(expected, string.Join(" ", postings.PostingsForMatchers(matchers)));
        }

        var brute = Series.Where(s => matchers.All(m => m.Matches(s.Labels))).Select(s => s.Ref);
        Assert.Equal(expected, string.Join(" ", brute));
    }

    [Fact]
    public void Refs_arriving_out_of_order_are_kept_sorted()
    {
        using var postings = new MemPostings();
        var labels = Labels.FromPairs(("a", "1"));
        foreach (ulong r in new ulong[] { 5, 3, 4, 9, 1, 7 })
        {
            postings.Add(r, labels);
        }

        Assert.Equal([1UL, 3, 4, 5, 7, 9], postings.Get("a", "1"));
        Assert.Equal([1UL, 3, 4, 5, 7, 9], postings.All());
    }

    [Fact]
    public void Delete_removes_refs_and_prunes_empty_values_and_names()
    {
        using var postings = Build(true, Series);
        postings.Delete(Interned([Series[1], Series[2]]));
        Assert.Equal([1UL, 4], postings.All());
        Assert.Equal(["api"], postings.LabelValues("job"));
        Assert.Equal(["prod"], postings.LabelValues("env"));
        Assert.Equal(["__name__", "env", "job"], postings.LabelNames());
        Assert.Equal([1UL], postings.PostingsForMatchers(LabelMatcher.Equal("__name__", "up")));

        postings.Delete(Interned([Series[0], Series[3]]));
        Assert.Empty(postings.All());
        Assert.Empty(postings.LabelNames());
        Assert.Equal(0, postings.SeriesCount);
    }

    [Fact]
    public void Label_names_and_values_are_sorted_ordinally()
    {
        using var postings = Build(true, Series);
        Assert.Equal(["__name__", "env", "job"], postings.LabelNames());
        Assert.Equal(["api", "db", "web"], postings.LabelValues("job"));
        Assert.Empty(postings.LabelValues("nope"));
    }

    internal static MemPostings Build(bool fastPaths, IEnumerable<(ulong Ref, Labels Labels)> series)
    {
        var postings = new MemPostings(fastPaths);
        foreach (var (r, labels) in series)
        {
            postings.Add(r, labels);
        }

        return postings;
    }

    /// <summary>What a deletion passes: the labels as pairs (their content is what counts, not whose they are).</summary>
    internal static List<(ulong Ref, InternedLabels Labels)> Interned(IEnumerable<(ulong Ref, Labels Labels)> series) =>
        series.Select(static s => (s.Ref, InternedLabels.Uninterned(s.Labels))).ToList();

    [Fact]
    public void Series_with_a_pair_share_one_pair_object_holding_the_first_series_strings()
    {
        using var postings = new MemPostings();
        var first = postings.Add(1, Labels.FromPairs(("__name__", "up"), ("job", new string("api".AsSpan()))));
        var second = postings.Add(2, Labels.FromPairs(("__name__", "up"), ("job", new string("api".AsSpan()))));
        var other = postings.Add(3, Labels.FromPairs(("__name__", "up"), ("job", "web")));

        Assert.Same(first.Pairs[0], second.Pairs[0]);
        Assert.Same(first.Pairs[1], second.Pairs[1]);
        Assert.Same(first.Pairs[0], other.Pairs[0]);
        Assert.NotSame(first.Pairs[1], other.Pairs[1]);
        Assert.Equal("web", other.Get("job"));
        Assert.Equal(Labels.FromPairs(("__name__", "up"), ("job", "api")), second.ToLabels());
        Assert.Equal(Labels.FromPairs(("__name__", "up"), ("job", "api")).GetHashCode(), second.ComputeHash());
    }

    /// <summary>Space-separated <c>name=value</c>, <c>name!=value</c>, <c>name=~re</c>, <c>name!~re</c>.</summary>
    private static LabelMatcher[] Parse(string selector) =>
        selector.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(term =>
        {
            foreach (var (op, type) in new[] { ("!~", LabelMatchType.NotRegex), ("=~", LabelMatchType.Regex), ("!=", LabelMatchType.NotEqual), ("=", LabelMatchType.Equal) })
            {
                int i = term.IndexOf(op, StringComparison.Ordinal);
                if (i > 0)
                {
                    return new LabelMatcher(type, term[..i], term[(i + op.Length)..]);
                }
            }

            throw new FormatException(term);
        }).ToArray();
}
