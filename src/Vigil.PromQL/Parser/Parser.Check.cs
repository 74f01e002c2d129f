namespace Vigil.PromQL;

/// <summary>
/// The type checks run on a tree that parsed (parse.go's <c>checkAST</c>), in its order: children before their
/// parent, an aggregation's vector before its parameter, a call's argument count before its argument types. The
/// first failure is thrown, which is the error Prometheus reports.
/// </summary>
internal sealed partial class Parser
{
    private ValueType Check(Expr node)
    {
        EnsureStack(node.Position);
        switch (node)
        {
            case AggregateExpr aggregate:
                ExpectType(aggregate.Expr, ValueType.Vector, "aggregation expression");
                if (aggregate.Param is not null)
                {
                    ExpectType(aggregate.Param, aggregate.Op.ParamType(), "aggregation parameter");
                }

                break;
            case BinaryExpr binary:
                CheckBinary(binary);
                break;
            case Call call:
                CheckCall(call);
                break;
            case ParenExpr paren:
                Check(paren.Expr);
                break;
            case UnaryExpr unary:
                var operand = Check(unary.Expr);
                if (operand is not (ValueType.Scalar or ValueType.Vector))
                {
                    throw Error(unary.Position, "unary expression only allowed on expressions of type scalar or instant vector, got " + GoText.Quote(operand.Documented()));
                }

                break;
            case SubqueryExpr subquery:
                var inner = Check(subquery.Expr);
                if (inner != ValueType.Vector)
                {
                    throw Error(subquery.Position, $"subquery is only allowed on instant vector, got {inner.Name()} instead");
                }

                break;
            case MatrixSelector matrix:
                Check(matrix.VectorSelector);
                break;
            case VectorSelector selector:
                CheckSelector(selector);
                break;
        }

        return node.Type;
    }

    private void ExpectType(Expr node, ValueType want, string context)
    {
        var type = Check(node);
        if (type != want)
        {
            throw Error(node.Position, $"expected type {want.Documented()} in {context}, got {type.Documented()}");
        }
    }

    private void CheckBinary(BinaryExpr n)
    {
        var lhs = Check(n.Lhs);
        var rhs = Check(n.Rhs);
        var op = n.Op;
        if (n.ReturnBool && !op.IsComparison())
        {
            throw Error(OperatorRange(n), "bool modifier can only be used on comparison operators");
        }

        if (op.IsComparison() && !n.ReturnBool && lhs == ValueType.Scalar && rhs == ValueType.Scalar)
        {
            throw Error(OperatorRange(n), "comparisons between scalars must use BOOL modifier");
        }

        var vm = n.VectorMatching!;
        if (op.IsSetOperator() && vm.Card == VectorMatchCardinality.OneToOne)
        {
            vm.Card = VectorMatchCardinality.ManyToMany;
        }

        if (vm.On && vm.MatchingLabels.FirstOrDefault(vm.Include.Contains) is { } both)
        {
            throw Error(OperatorRange(n), $"label {GoText.Quote(both)} must not occur in ON and GROUP clause at once");
        }

        if (lhs is not (ValueType.Scalar or ValueType.Vector))
        {
            throw Error(n.Lhs.Position, "binary expression must contain only scalar and instant vector types");
        }

        if (rhs is not (ValueType.Scalar or ValueType.Vector))
        {
            throw Error(n.Rhs.Position, "binary expression must contain only scalar and instant vector types");
        }

        if (lhs != ValueType.Vector || rhs != ValueType.Vector)
        {
            // Matching applies between two vectors only; "on ()" with a scalar is tolerated and dropped.
            if (vm.MatchingLabels.Count > 0)
            {
                throw Error(n.Position, "vector matching only allowed between instant vectors");
            }

            n.VectorMatching = null;
        }
        else if (op.IsSetOperator())
        {
            if (vm.Card is VectorMatchCardinality.OneToMany or VectorMatchCardinality.ManyToOne)
            {
                throw Error(n.Position, $"no grouping allowed for {GoText.Quote(op.Text())} operation");
            }

            if (vm.Card != VectorMatchCardinality.ManyToMany)
            {
                throw Error(n.Position, "set operations must always be many-to-many");
            }
        }

        if ((lhs == ValueType.Scalar || rhs == ValueType.Scalar) && op.IsSetOperator())
        {
            throw Error(n.Position, $"set operator {GoText.Quote(op.Text())} not allowed in binary scalar expression");
        }
    }

    /// <summary>From the end of the left side to the start of the right, spaces trimmed: where the operator is written.</summary>
    private PositionRange OperatorRange(BinaryExpr n)
    {
        int start = n.Lhs.Position.End, end = n.Rhs.Position.Start - 1;
        while (start < _input.Length && _input[start] is ' ' or '\t' or '\n' or '\r')
        {
            start++;
        }

        while (end > start && _input[end] is ' ' or '\t' or '\n' or '\r')
        {
            end--;
        }

        return new PositionRange(start, end);
    }

    private void CheckCall(Call call)
    {
        var f = call.Function;
        int count = call.Args.Count;
        string quoted = GoText.Quote(f.Name);
        if (f.Variadic == 0 && count != f.ArgTypes.Count)
        {
            throw Error(call.Position, $"expected {f.ArgTypes.Count} argument(s) in call to {quoted}, got {count}");
        }

        if (count < f.MinArgs)
        {
            throw Error(call.Position, $"expected at least {f.MinArgs} argument(s) in call to {quoted}, got {count}");
        }

        if (count > f.MaxArgs)
        {
            throw Error(call.Position, $"expected at most {f.MaxArgs} argument(s) in call to {quoted}, got {count}");
        }

        for (int i = 0; i < count; i++)
        {
            // Extra arguments of a variadic function take the last argument's type.
            var want = f.ArgTypes[Math.Min(i, f.ArgTypes.Count - 1)];
            ExpectType(call.Args[i], want, "call to function " + quoted);
        }
    }

    private void CheckSelector(VectorSelector selector)
    {
        if (selector.Name.Length > 0)
        {
            // The name's own matcher is last; any __name__ matcher before it sets the name a second time.
            for (int i = 0; i < selector.Matchers.Count - 1; i++)
            {
                if (selector.Matchers[i].Name == "__name__")
                {
                    throw Error(selector.Position, $"metric name must not be set twice: {GoText.Quote(selector.Name)} or {GoText.Quote(selector.Matchers[i].Value)}");
                }
            }

            return;
        }

        // All-empty matchers would select every series, most likely by a typo.
        if (selector.Matchers.All(static m => m.MatchesEmpty))
        {
            throw Error(selector.Position, "vector selector must contain at least one non-empty matcher");
        }
    }
}
