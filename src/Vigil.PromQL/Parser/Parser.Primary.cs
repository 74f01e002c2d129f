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

        return new VectorSelector { Name = metric, Matchers = matchers, PosRange = range };
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

        return new Call { Function = function, Args = args, PosRange = new PositionRange(name.Position, end) };
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
}
