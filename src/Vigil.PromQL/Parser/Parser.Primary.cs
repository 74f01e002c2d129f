using Vigil.Tsdb.Storage;

namespace Vigil.PromQL;

/// <summary>Literals, parentheses, selectors, function calls and aggregations.</summary>
internal sealed partial class Parser
{
    private Expr ParsePrimary()
    {
        var token = Peek();
        switch (token.Kind)
        {
            case TokenKind.Number:
                Next();
                return new NumberLiteral(ParseNumber(token), token.Range);
            case TokenKind.String:
                Next();
                return new StringLiteral(Unquote(token), token.Range);
            case TokenKind.LeftParen:
                Next();
                var inner = ParseExpr(0);
                if (!NextIs(TokenKind.RightParen))
                {
                    throw Unexpected();
                }

                return new ParenExpr(inner, new PositionRange(token.Position, Next().Range.End));
            case TokenKind.LeftBrace:
                return ParseVectorSelector(null);
            case TokenKind.Identifier:
                Next();
                return NextIs(TokenKind.LeftParen) ? ParseCall(token) : ParseVectorSelector(token);
        }

        if (token.Kind.IsAggregator())
        {
            // An aggregator not followed by "(", "by" or "without" is a metric name ("sum" alone selects sum).
            Next();
            return Peek().Kind is TokenKind.LeftParen or TokenKind.By or TokenKind.Without
                ? ParseAggregation(token)
                : ParseVectorSelector(token);
        }

        if (token.Kind.CanBeMetricName())
        {
            Next();
            return ParseVectorSelector(token);
        }

        throw Unexpected();
    }

    /// <summary>
    /// <c>name</c>, <c>name{...}</c> or <c>{...}</c>, the name token already read. The name becomes a
    /// <c>__name__</c> equality matcher after the braces' matchers (parse.go's <c>assembleVectorSelector</c>).
    /// </summary>
    private VectorSelector ParseVectorSelector(Token? name)
    {
        var matchers = new List<LabelMatcher>();
        PositionRange range = name?.Range ?? default;
        if (NextIs(TokenKind.LeftBrace))
        {
            var braces = ParseLabelMatchers(matchers);
            range = name is null ? braces : PositionRange.Merge(range, braces);
        }

        string metric = name?.Text ?? "";
        if (metric.Length > 0)
        {
            matchers.Add(LabelMatcher.Equal("__name__", metric));
        }

        return new VectorSelector { Name = metric, Matchers = matchers, Range = range };
    }

    /// <summary><c>{label op "value", ...}</c>, a trailing comma allowed; returns the range of the braces.</summary>
    private PositionRange ParseLabelMatchers(List<LabelMatcher> matchers)
    {
        int start = Next().Position;
        while (true)
        {
            if (NextIs(TokenKind.RightBrace))
            {
                return new PositionRange(start, Next().Range.End);
            }

            if (!NextIs(TokenKind.Identifier))
            {
                throw Unexpected("label matching", "identifier or \"}\"");
            }

            var label = Next();
            var type = Peek().Kind switch
            {
                TokenKind.Assign => LabelMatchType.Equal,
                TokenKind.NotEqual => LabelMatchType.NotEqual,
                TokenKind.RegexMatch => LabelMatchType.Regex,
                TokenKind.RegexNoMatch => LabelMatchType.NotRegex,
                _ => (LabelMatchType?)null,
            };
            if (type is null)
            {
                throw Unexpected("label matching", "label matching operator");
            }

            Next();
            if (!NextIs(TokenKind.String))
            {
                throw Unexpected("label matching", "string");
            }

            var value = Next();
            try
            {
                matchers.Add(new LabelMatcher(type.Value, label.Text, Unquote(value)));
            }
            catch (InvalidMatcherException e)
            {
                throw Error(PositionRange.Merge(label.Range, value.Range), e.Message);
            }

            switch (Peek().Kind)
            {
                case TokenKind.Comma:
                    Next();
                    break;
                case TokenKind.RightBrace:
                    return new PositionRange(start, Next().Range.End);
                default:
                    throw Unexpected("label matching", "\",\" or \"}\"");
            }
        }
    }

    private Call ParseCall(Token name)
    {
        Next();
        var (args, end) = ParseCallArguments();
        if (!Functions.TryGet(name.Text, out var function))
        {
            throw Error(name.Range, "unknown function with name " + GoText.Quote(name.Text));
        }

        return new Call { Function = function, Args = args, Range = new PositionRange(name.Position, end) };
    }

    /// <summary>The arguments after "(" up to ")", for calls and aggregations; returns where ")" ends.</summary>
    private (List<Expr> Args, int End) ParseCallArguments()
    {
        var args = new List<Expr>();
        if (NextIs(TokenKind.RightParen))
        {
            return (args, Next().Range.End);
        }

        while (true)
        {
            args.Add(ParseExpr(0));
            switch (Peek().Kind)
            {
                case TokenKind.RightParen:
                    return (args, Next().Range.End);
                case TokenKind.Comma:
                    // yacc reduces the trailing-comma rule by default for any token that cannot start an
                    // argument, so "f(x, on)" and "f(x,,y)" report the comma too, not the token after it.
                    var comma = Next();
                    if (!CanStartExpression(Peek().Kind))
                    {
                        throw Error(comma.Range, "trailing commas not allowed in function call args");
                    }

                    break;
                default:
                    throw Unexpected();
            }
        }
    }

    /// <summary>
    /// <c>op [by|without (labels)] (args) [by|without (labels)]</c>, the operator read and "(", "by" or "without"
    /// next. The argument count is checked as the grammar's action does (<c>newAggregateExpr</c>), the types later.
    /// </summary>
    private AggregateExpr ParseAggregation(Token op)
    {
        _aggregationDepth++;
        IReadOnlyList<string> grouping = [];
        bool without = false, groupingFirst = false;
        if (Peek().Kind is TokenKind.By or TokenKind.Without)
        {
            without = Next().Kind == TokenKind.Without;
            grouping = ParseGroupingLabels();
            groupingFirst = true;
        }

        if (!NextIs(TokenKind.LeftParen))
        {
            throw Unexpected();
        }

        Next();
        var (args, end) = ParseCallArguments();
        if (!groupingFirst && Peek().Kind is TokenKind.By or TokenKind.Without)
        {
            without = Next().Kind == TokenKind.Without;
            grouping = ParseGroupingLabels(out end);
        }

        _aggregationDepth--;
        var aggregateOp = ToAggregateOp(op.Kind);
        var range = new PositionRange(op.Position, end);
        if (args.Count == 0)
        {
            throw Error(range, "no arguments for aggregate expression provided");
        }

        int expected = aggregateOp.HasParam() ? 2 : 1;
        if (args.Count != expected)
        {
            throw Error(range, $"wrong number of arguments for aggregate expression provided, expected {expected}, got {args.Count}");
        }

        return new AggregateExpr
        {
            Op = aggregateOp,
            Param = expected == 2 ? args[0] : null,
            Expr = args[expected - 1],
            Grouping = grouping,
            Without = without,
            Range = range,
        };
    }

    private IReadOnlyList<string> ParseGroupingLabels() => ParseGroupingLabels(out _);

    /// <summary>
    /// <c>(label, ...)</c> after by, without, on, ignoring, group_left or group_right; a trailing comma allowed.
    /// Keywords are labels here (<c>by (on, sum)</c>), a name with a colon is not.
    /// </summary>
    private List<string> ParseGroupingLabels(out int end)
    {
        if (!NextIs(TokenKind.LeftParen))
        {
            throw Unexpected("grouping opts", "\"(\"");
        }

        Next();
        var labels = new List<string>();
        if (NextIs(TokenKind.RightParen))
        {
            end = Next().Range.End;
            return labels;
        }

        while (true)
        {
            var label = Peek();
            if (!label.Kind.CanBeGroupingLabel())
            {
                throw Unexpected("grouping opts", "label");
            }

            Next();
            if (!IsLabelName(label.Text))
            {
                throw Unexpected(label, "grouping opts", "label");
            }

            labels.Add(label.Text);
            switch (Peek().Kind)
            {
                case TokenKind.Comma:
                    Next();
                    if (NextIs(TokenKind.RightParen))
                    {
                        end = Next().Range.End;
                        return labels;
                    }

                    break;
                case TokenKind.RightParen:
                    end = Next().Range.End;
                    return labels;
                default:
                    throw Unexpected("grouping opts", "\",\" or \")\"");
            }
        }
    }

    private static bool IsLabelName(string text) =>
        text.Length > 0 && (char.IsAsciiLetter(text[0]) || text[0] == '_')
        && text.AsSpan(1).IndexOfAnyExcept(LabelNameChars) < 0;

    private static readonly System.Buffers.SearchValues<char> LabelNameChars =
        System.Buffers.SearchValues.Create("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_");

    private static AggregateOp ToAggregateOp(TokenKind kind) => kind switch
    {
        TokenKind.Sum => AggregateOp.Sum,
        TokenKind.Avg => AggregateOp.Avg,
        TokenKind.Count => AggregateOp.Count,
        TokenKind.Min => AggregateOp.Min,
        TokenKind.Max => AggregateOp.Max,
        TokenKind.Group => AggregateOp.Group,
        TokenKind.Stddev => AggregateOp.Stddev,
        TokenKind.Stdvar => AggregateOp.Stdvar,
        TokenKind.Topk => AggregateOp.Topk,
        TokenKind.Bottomk => AggregateOp.Bottomk,
        TokenKind.CountValues => AggregateOp.CountValues,
        _ => AggregateOp.Quantile,
    };
}
