namespace Vigil.PromQL;

/// <summary>Offsets, the @ modifier, ranges and subqueries: parse.go's <c>addOffset</c>, <c>setTimestamp</c> and friends.</summary>
internal sealed partial class Parser
{
    private const string ModifierTarget =
        "modifier must be preceded by an instant vector selector or range vector selector or a subquery";

    /// <summary><c>offset 5m</c> or <c>offset -5m</c> after <paramref name="expr"/>, "offset" read.</summary>
    private void ParseOffset(Expr expr)
    {
        bool negative = NextIs(TokenKind.Sub);
        if (negative)
        {
            Next();
        }

        if (!NextIs(TokenKind.Duration))
        {
            throw Unexpected("offset", "duration");
        }

        var token = Next();
        var offset = ParseDuration(token);
        if (negative)
        {
            offset = -offset;
        }

        switch (expr)
        {
            case VectorSelector vs:
                CheckOffsetUnset(vs.Offset, expr);
                vs.Offset = offset;
                vs.PosRange = vs.PosRange with { End = token.Range.End };
                break;
            case MatrixSelector ms:
                CheckOffsetUnset(ms.VectorSelector.Offset, expr);
                ms.VectorSelector.Offset = offset;
                ms.End = token.Range.End;
                break;
            case SubqueryExpr sq:
                CheckOffsetUnset(sq.Offset, expr);
                sq.Offset = offset;
                sq.End = token.Range.End;
                break;
            default:
                throw Error(expr.Position, "offset " + ModifierTarget);
        }
    }

    private void CheckOffsetUnset(TimeSpan offset, Expr expr)
    {
        // A zero offset cannot be written (durations are positive), so zero means none.
        if (offset != TimeSpan.Zero)
        {
            throw Error(expr.Position, "offset may not be set multiple times");
        }
    }

    /// <summary><c>@ 1609746000</c>, <c>@ -1.5</c>, <c>@ start()</c> or <c>@ end()</c> after <paramref name="expr"/>, "@" read.</summary>
    private void ParseAt(Expr expr)
    {
        var token = Peek();
        if (token.Kind is TokenKind.Start or TokenKind.End)
        {
            Next();
            if (!NextIs(TokenKind.LeftParen))
            {
                throw Unexpected("@", "timestamp");
            }

            Next();
            if (!NextIs(TokenKind.RightParen))
            {
                throw Unexpected("@", "timestamp");
            }

            int end = Next().Range.End;
            SetAt(expr, null, token.Kind == TokenKind.Start ? AtModifier.Start : AtModifier.End, end);
            return;
        }

        bool negative = token.Kind == TokenKind.Sub;
        if (token.Kind is TokenKind.Add or TokenKind.Sub)
        {
            Next();
        }

        if (!NextIs(TokenKind.Number))
        {
            throw Unexpected("@", "timestamp");
        }

        var number = Next();
        double seconds = ParseNumber(number);
        if (negative)
        {
            seconds = -seconds;
        }

        // Prometheus checks the bounds first and still goes on, so this error wins over a misplaced @.
        if (!double.IsFinite(seconds) || seconds >= 9.223372036854775807e18 || seconds <= -9.223372036854775808e18)
        {
            throw Error(expr.Position, "timestamp out of bounds for @ modifier: " + GoText.FormatFixed(seconds, 6));
        }

        SetAt(expr, FromFloatSeconds(seconds), AtModifier.None, number.Range.End);
    }

    /// <summary>
    /// Prometheus's <c>timestamp.FromFloatSeconds</c>: <c>int64(math.Round(s * 1000))</c>, halves away from zero.
    /// Go on amd64 turns a product beyond int64 into MinInt64, and Prometheus 2.42 prints that back
    /// (<c>foo @ 1e18</c> formats as <c>foo @ -9223372036854776.000</c>); kept, so format_query agrees.
    /// </summary>
    private static long FromFloatSeconds(double seconds)
    {
        double ms = Math.Round(seconds * 1000, MidpointRounding.AwayFromZero);
        return ms is >= -9.223372036854775808e18 and < 9.223372036854775808e18 ? (long)ms : long.MinValue;
    }

    private void SetAt(Expr expr, long? timestamp, AtModifier startOrEnd, int end)
    {
        switch (expr)
        {
            case VectorSelector vs:
                CheckAtUnset(vs.Timestamp, vs.StartOrEnd, expr);
                (vs.Timestamp, vs.StartOrEnd) = (timestamp, startOrEnd);
                vs.PosRange = vs.PosRange with { End = end };
                break;
            case MatrixSelector ms:
                CheckAtUnset(ms.VectorSelector.Timestamp, ms.VectorSelector.StartOrEnd, expr);
                (ms.VectorSelector.Timestamp, ms.VectorSelector.StartOrEnd) = (timestamp, startOrEnd);
                ms.End = end;
                break;
            case SubqueryExpr sq:
                CheckAtUnset(sq.Timestamp, sq.StartOrEnd, expr);
                (sq.Timestamp, sq.StartOrEnd) = (timestamp, startOrEnd);
                sq.End = end;
                break;
            default:
                throw Error(expr.Position, "@ " + ModifierTarget);
        }
    }

    private void CheckAtUnset(long? timestamp, AtModifier startOrEnd, Expr expr)
    {
        if (timestamp is not null || startOrEnd != AtModifier.None)
        {
            throw Error(expr.Position, "@ <timestamp> may not be set multiple times");
        }
    }

    /// <summary><c>[5m]</c> after a selector, or <c>[5m:]</c> / <c>[5m:1m]</c> after any expression; "[" read.</summary>
    private Expr ParseRangeOrSubquery(Expr expr, Token leftBracket)
    {
        // The lexer reads a duration (or fails) right after "[", so only a duration can be next.
        if (!NextIs(TokenKind.Duration))
        {
            throw Unexpected("subquery selector", "duration");
        }

        var range = ParseDuration(Next());
        if (NextIs(TokenKind.RightBracket))
        {
            var rightBracket = Next();
            return NewMatrixSelector(expr, range, PositionRange.Merge(leftBracket.Range, rightBracket.Range));
        }

        if (!NextIs(TokenKind.Colon))
        {
            throw Unexpected("subquery or range", "\":\" or \"]\"");
        }

        Next();
        var step = TimeSpan.Zero;
        if (NextIs(TokenKind.Duration))
        {
            step = ParseDuration(Next());
            if (!NextIs(TokenKind.RightBracket))
            {
                throw Unexpected("subquery selector", "\"]\"");
            }
        }
        else if (!NextIs(TokenKind.RightBracket))
        {
            throw Unexpected("subquery selector", "duration or \"]\"");
        }

        return new SubqueryExpr { Expr = expr, Range = range, Step = step, End = Next().Range.End };
    }

    /// <summary>
    /// A range applies to a plain selector only; modifiers come after it (<c>foo[5m] offset 1m</c>). Prometheus
    /// 2.42 checks offset and a numeric @ here, not <c>@ start()</c>, so <c>foo @ start() [5m]</c> is accepted.
    /// </summary>
    private MatrixSelector NewMatrixSelector(Expr expr, TimeSpan range, PositionRange brackets)
    {
        if (expr is not VectorSelector vs)
        {
            throw Error(brackets, "ranges only allowed for vector selectors");
        }

        if (vs.Offset != TimeSpan.Zero)
        {
            throw Error(brackets, "no offset modifiers allowed before range");
        }

        if (vs.Timestamp is not null)
        {
            throw Error(brackets, "no @ modifiers allowed before range");
        }

        return new MatrixSelector { VectorSelector = vs, Range = range, End = brackets.End };
    }

    /// <summary>A duration token's value; zero is refused, as parse.go's <c>parseDuration</c> does.</summary>
    private TimeSpan ParseDuration(Token token)
    {
        if (!PromDuration.TryParse(token.Text, out var duration, out string? error))
        {
            throw Error(token.Range, error!);
        }

        return duration != TimeSpan.Zero ? duration : throw Error(token.Range, "duration must be greater than 0");
    }
}
