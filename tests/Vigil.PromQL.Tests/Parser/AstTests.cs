using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Tests;

/// <summary>What the tree holds for the engine: matchers, modifiers, matching, grouping, arguments and positions.</summary>
public sealed class AstTests
{
    [Fact]
    public void Selector_matchers_in_written_order_then_the_name()
    {
        var vs = Assert.IsType<VectorSelector>(Parser.Parse("""http_requests{job="api", code=~"5..", path!="/", env!~"dev|test"}"""));
        Assert.Equal("http_requests", vs.Name);
        Assert.Equal(
            ["job=\"api\"", "code=~\"5..\"", "path!=\"/\"", "env!~\"dev|test\"", "__name__=\"http_requests\""],
            vs.Matchers.Select(m => m.ToString()));
        Assert.Equal(
            [LabelMatchType.Equal, LabelMatchType.Regex, LabelMatchType.NotEqual, LabelMatchType.NotRegex, LabelMatchType.Equal],
            vs.Matchers.Select(m => m.Type));
        Assert.True(vs.Matchers[1].Matches("503"));
        Assert.False(vs.Matchers[1].Matches("5030")); // anchored, as in Prometheus
        Assert.Equal(new PositionRange(0, 65), vs.Position);
    }

    [Fact]
    public void Selector_without_a_name()
    {
        var vs = Assert.IsType<VectorSelector>(Parser.Parse("""{__name__=~"a|b"}"""));
        Assert.Equal("", vs.Name);
        Assert.Equal(("__name__", "a|b"), (vs.Matchers.Single().Name, vs.Matchers.Single().Value));
    }

    [Theory]
    [InlineData("up offset 5m", 300_000L, null, "None")]
    [InlineData("up offset -1h30m", -5_400_000L, null, "None")]
    [InlineData("up @ 1609746000", 0L, 1_609_746_000_000L, "None")]
    [InlineData("up @ 1.2345", 0L, 1_235L, "None")] // milliseconds, rounded half away from zero
    [InlineData("up @ -1.2345", 0L, -1_235L, "None")]
    [InlineData("up @ 0.0005", 0L, 1L, "None")]
    [InlineData("up @ start() offset 1m", 60_000L, null, "Start")]
    [InlineData("up offset 1m @ end()", 60_000L, null, "End")]
    public void Offset_and_at_modifiers(string query, long offsetMs, long? timestamp, string startOrEnd)
    {
        var vs = Assert.IsType<VectorSelector>(Parser.Parse(query));
        Assert.Equal(TimeSpan.FromMilliseconds(offsetMs), vs.Offset);
        Assert.Equal(timestamp, vs.Timestamp);
        Assert.Equal(startOrEnd, vs.StartOrEnd.ToString());
        Assert.Equal(query.Length, vs.Position.End);
    }

    [Fact]
    public void Range_selector_keeps_its_modifiers_on_the_selector()
    {
        const string query = "up{job=\"a\"}[1h30m] @ 100 offset -5m";
        var ms = Assert.IsType<MatrixSelector>(Parser.Parse(query));
        Assert.Equal(TimeSpan.FromMinutes(90), ms.Range);
        Assert.Equal(100_000L, ms.VectorSelector.Timestamp);
        Assert.Equal(TimeSpan.FromMinutes(-5), ms.VectorSelector.Offset);
        Assert.Equal(new PositionRange(0, query.Length), ms.Position);
        Assert.Equal(new PositionRange(0, 11), ms.VectorSelector.Position);
    }

    [Fact]
    public void Subquery_range_step_and_modifiers()
    {
        var sq = Assert.IsType<SubqueryExpr>(Parser.Parse("rate(up[5m])[1h:30s] @ end() offset 1m"));
        Assert.IsType<Call>(sq.Expr);
        Assert.Equal((TimeSpan.FromHours(1), TimeSpan.FromSeconds(30)), (sq.Range, sq.Step));
        Assert.Equal((AtModifier.End, TimeSpan.FromMinutes(1)), (sq.StartOrEnd, sq.Offset));
        Assert.Equal(TimeSpan.Zero, Assert.IsType<SubqueryExpr>(Parser.Parse("up[5m:]")).Step);
    }

    [Fact]
    public void Vector_matching()
    {
        var b = Assert.IsType<BinaryExpr>(Parser.Parse("a / on(job, instance) group_left(team) b"));
        Assert.Equal(BinaryOperator.Div, b.Op);
        Assert.NotNull(b.VectorMatching);
        Assert.Equal(VectorMatchCardinality.ManyToOne, b.VectorMatching.Card);
        Assert.True(b.VectorMatching.On);
        Assert.Equal(["job", "instance"], b.VectorMatching.MatchingLabels);
        Assert.Equal(["team"], b.VectorMatching.Include);

        b = Assert.IsType<BinaryExpr>(Parser.Parse("a - ignoring(x) group_right b"));
        Assert.Equal((VectorMatchCardinality.OneToMany, false), (b.VectorMatching!.Card, b.VectorMatching.On));
        Assert.Empty(b.VectorMatching.Include);

        b = Assert.IsType<BinaryExpr>(Parser.Parse("a > bool b"));
        Assert.True(b.ReturnBool);
        Assert.Equal(VectorMatchCardinality.OneToOne, b.VectorMatching!.Card);
    }

    [Theory]
    [InlineData("a and b")]
    [InlineData("a or on(x) b")]
    [InlineData("a unless ignoring(y) b")]
    public void Set_operators_match_many_to_many(string query) =>
        Assert.Equal(VectorMatchCardinality.ManyToMany, Assert.IsType<BinaryExpr>(Parser.Parse(query)).VectorMatching!.Card);

    [Theory]
    [InlineData("1 + a")]
    [InlineData("a * on() 2")]
    [InlineData("1 + 2")]
    public void Matching_is_dropped_when_a_side_is_a_scalar(string query) =>
        Assert.Null(Assert.IsType<BinaryExpr>(Parser.Parse(query)).VectorMatching);

    [Fact]
    public void Aggregations()
    {
        var a = Assert.IsType<AggregateExpr>(Parser.Parse("topk(5, up) without (instance)"));
        Assert.Equal(AggregateOp.Topk, a.Op);
        Assert.Equal(5, Assert.IsType<NumberLiteral>(a.Param).Value);
        Assert.Equal("up", Assert.IsType<VectorSelector>(a.Expr).Name);
        Assert.True(a.Without);
        Assert.Equal(["instance"], a.Grouping);
        Assert.Equal(new PositionRange(0, 30), a.Position);

        a = Assert.IsType<AggregateExpr>(Parser.Parse("SUM BY (job, on) (up)"));
        Assert.Equal((AggregateOp.Sum, false, null), (a.Op, a.Without, a.Param));
        Assert.Equal(["job", "on"], a.Grouping);

        a = Assert.IsType<AggregateExpr>(Parser.Parse("count_values(\"v\", up)"));
        Assert.Equal("v", Assert.IsType<StringLiteral>(a.Param).Value);
        Assert.Empty(a.Grouping);
    }

    [Fact]
    public void Calls()
    {
        var c = Assert.IsType<Call>(Parser.Parse("label_join(up, \"dst\", \",\", \"a\", \"b\")"));
        Assert.Equal("label_join", c.Function.Name);
        Assert.Equal(5, c.Args.Count);
        Assert.Equal("b", Assert.IsType<StringLiteral>(c.Args[4]).Value);
        Assert.Empty(Assert.IsType<Call>(Parser.Parse("time()")).Args);
    }

    [Fact]
    public void Positions_cover_each_node()
    {
        const string query = "sum(rate(x[5m])) by (job) / -scalar(y)";
        var b = Assert.IsType<BinaryExpr>(Parser.Parse(query));
        Assert.Equal("sum(rate(x[5m])) by (job)", query[b.Lhs.Position.Start..b.Lhs.Position.End]);
        Assert.Equal("-scalar(y)", query[b.Rhs.Position.Start..b.Rhs.Position.End]);
        Assert.Equal(new PositionRange(0, query.Length), b.Position);
        var call = Assert.IsType<Call>(Assert.IsType<AggregateExpr>(b.Lhs).Expr);
        Assert.Equal("rate(x[5m])", query[call.Position.Start..call.Position.End]);
    }

    [Fact]
    public void Unparenthesized_removes_every_layer()
    {
        var e = Parser.Parse("((up))");
        Assert.IsType<ParenExpr>(e);
        Assert.IsType<VectorSelector>(e.Unparenthesized());
    }

    [Fact]
    public void Errors_carry_line_column_and_detail()
    {
        var e = Assert.Throws<PromQLParseException>(() => Parser.Parse("up{job=\"é\"}\n  + on(x) bool b"));
        Assert.Equal((2, 11), (e.Line, e.Column));
        Assert.Equal("unexpected <bool>", e.Detail);
        Assert.Equal(new PositionRange(22, 26), e.Position);
        Assert.Equal("2:11: parse error: unexpected <bool>", e.Message);
    }

    [Fact]
    public void Deep_nesting_is_an_error_not_a_crash()
    {
        string deep = new string('(', 200_000) + "1" + new string(')', 200_000);
        var e = Assert.Throws<PromQLParseException>(() => Parser.Parse(deep));
        Assert.Contains("expression nested too deeply", e.Message, StringComparison.Ordinal);

        string moderate = new string('(', 500) + "1" + new string(')', 500);
        Assert.Equal(moderate, Parser.Parse(moderate).ToString());
    }
}
