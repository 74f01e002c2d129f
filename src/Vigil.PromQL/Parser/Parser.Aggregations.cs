namespace Vigil.PromQL;

/// <summary>Aggregations and the label lists of by, without, on, ignoring and group_left/group_right.</summary>
internal sealed partial class Parser
{
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
            PosRange = range,
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
