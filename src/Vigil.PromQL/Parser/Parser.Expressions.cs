namespace Vigil.PromQL;

/// <summary>Binary operators by precedence climbing, unary signs, and the postfix modifiers.</summary>
internal sealed partial class Parser
{
    /// <summary>Binds like <c>*</c> (the grammar's <c>%prec MUL</c>): only <c>^</c> binds tighter.</summary>
    private const int UnaryOperandPrecedence = 6;

    /// <summary>An expression whose binary operators all bind at least as tightly as <paramref name="minPrecedence"/>.</summary>
    private Expr ParseExpr(int minPrecedence)
    {
        EnsureStack(Peek().Range);
        var lhs = ParseUnary();
        while (TryGetBinaryOperator(Peek().Kind, out var op) && op.Precedence() >= minPrecedence)
        {
            Next();
            var (returnBool, matching) = ParseBinaryModifiers();
            var rhs = ParseExpr(op.IsRightAssociative() ? op.Precedence() : op.Precedence() + 1);
            lhs = new BinaryExpr { Op = op, Lhs = lhs, Rhs = rhs, ReturnBool = returnBool, VectorMatching = matching };
        }

        return lhs;
    }

    /// <summary>
    /// <c>-x</c> and <c>+x</c>. A sign before a number literal becomes part of the number, as in Prometheus, so
    /// <c>-1</c> prints as <c>-1</c> and <c>+1</c> as <c>1</c>; before anything else it is a <see cref="UnaryExpr"/>.
    /// </summary>
    private Expr ParseUnary()
    {
        var sign = Peek();
        if (sign.Kind is not (TokenKind.Add or TokenKind.Sub))
        {
            return ParsePostfix(ParsePrimary());
        }

        Next();
        var operand = ParseExpr(UnaryOperandPrecedence);
        if (operand is NumberLiteral number)
        {
            double value = sign.Kind == TokenKind.Sub ? -number.Value : number.Value;
            return new NumberLiteral(value, new PositionRange(sign.Position, number.Position.End));
        }

        return new UnaryExpr(sign.Kind == TokenKind.Sub ? UnaryOperator.Minus : UnaryOperator.Plus, operand, sign.Position);
    }

    /// <summary>
    /// Offsets, @ and ranges bind tighter than any operator (generated_parser.y gives OFFSET and LEFT_BRACKET the
    /// highest precedence): <c>a + b offset 5m</c> offsets <c>b</c>, <c>-a[5m]</c> negates a range.
    /// </summary>
    private Expr ParsePostfix(Expr expr)
    {
        while (true)
        {
            switch (Peek().Kind)
            {
                case TokenKind.Offset:
                    Next();
                    ParseOffset(expr);
                    break;
                case TokenKind.At:
                    Next();
                    ParseAt(expr);
                    break;
                case TokenKind.LeftBracket:
                    expr = ParseRangeOrSubquery(expr, Next());
                    break;
                default:
                    return expr;
            }
        }
    }

    /// <summary>
    /// What may follow a binary operator, in the grammar's order: <c>bool</c>, then <c>on (...)</c> or
    /// <c>ignoring (...)</c>, then <c>group_left</c> or <c>group_right</c> with optional labels.
    /// </summary>
    private (bool ReturnBool, VectorMatching Matching) ParseBinaryModifiers()
    {
        bool returnBool = false;
        if (NextIs(TokenKind.Bool))
        {
            Next();
            returnBool = true;
        }

        var matching = new VectorMatching { Card = VectorMatchCardinality.OneToOne };
        if (Peek().Kind is not (TokenKind.On or TokenKind.Ignoring))
        {
            return (returnBool, matching);
        }

        matching.On = Next().Kind == TokenKind.On;
        matching.MatchingLabels = ParseGroupingLabels();
        if (Peek().Kind is TokenKind.GroupLeft or TokenKind.GroupRight)
        {
            matching.Card = Next().Kind == TokenKind.GroupLeft
                ? VectorMatchCardinality.ManyToOne
                : VectorMatchCardinality.OneToMany;

            // "(" after group_left is always its label list, never the right-hand side: "a * on(x) group_left (b)"
            // still needs a right-hand side. Anything that cannot start one is a grouping error in yacc's recovery.
            if (NextIs(TokenKind.LeftParen))
            {
                matching.Include = ParseGroupingLabels();
            }
            else if (!CanStartExpression(Peek().Kind))
            {
                throw Unexpected("grouping opts", "\"(\"");
            }
        }

        return (returnBool, matching);
    }

    private static bool CanStartExpression(TokenKind kind) => kind.CanBeMetricName() || kind is TokenKind.Number
        or TokenKind.String or TokenKind.LeftParen or TokenKind.LeftBrace or TokenKind.Add or TokenKind.Sub;

    private static bool TryGetBinaryOperator(TokenKind kind, out BinaryOperator op)
    {
        (bool found, op) = kind switch
        {
            TokenKind.Add => (true, BinaryOperator.Add),
            TokenKind.Sub => (true, BinaryOperator.Sub),
            TokenKind.Mul => (true, BinaryOperator.Mul),
            TokenKind.Div => (true, BinaryOperator.Div),
            TokenKind.Mod => (true, BinaryOperator.Mod),
            TokenKind.Pow => (true, BinaryOperator.Pow),
            TokenKind.Atan2 => (true, BinaryOperator.Atan2),
            TokenKind.EqualEqual => (true, BinaryOperator.Equal),
            TokenKind.NotEqual => (true, BinaryOperator.NotEqual),
            TokenKind.Greater => (true, BinaryOperator.Greater),
            TokenKind.Less => (true, BinaryOperator.Less),
            TokenKind.GreaterOrEqual => (true, BinaryOperator.GreaterOrEqual),
            TokenKind.LessOrEqual => (true, BinaryOperator.LessOrEqual),
            TokenKind.And => (true, BinaryOperator.And),
            TokenKind.Or => (true, BinaryOperator.Or),
            TokenKind.Unless => (true, BinaryOperator.Unless),
            _ => (false, default),
        };
        return found;
    }
}
