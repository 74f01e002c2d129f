using System.Text;

namespace Vigil.PromQL;

internal enum AggregateOp : byte
{
    Sum,
    Avg,
    Count,
    Min,
    Max,
    Group,
    Stddev,
    Stdvar,
    Topk,
    Bottomk,
    CountValues,
    Quantile,
}

internal static class AggregateOps
{
    public static string Text(this AggregateOp op) => op switch
    {
        AggregateOp.Sum => "sum",
        AggregateOp.Avg => "avg",
        AggregateOp.Count => "count",
        AggregateOp.Min => "min",
        AggregateOp.Max => "max",
        AggregateOp.Group => "group",
        AggregateOp.Stddev => "stddev",
        AggregateOp.Stdvar => "stdvar",
        AggregateOp.Topk => "topk",
        AggregateOp.Bottomk => "bottomk",
        AggregateOp.CountValues => "count_values",
        _ => "quantile",
    };

    /// <summary>The aggregations that take a parameter before the vector (<c>topk(5, x)</c>).</summary>
    public static bool HasParam(this AggregateOp op) =>
        op is AggregateOp.Topk or AggregateOp.Bottomk or AggregateOp.CountValues or AggregateOp.Quantile;

    /// <summary>The parameter's type: a string label name for <c>count_values</c>, a scalar for the others.</summary>
    public static ValueType ParamType(this AggregateOp op) =>
        op == AggregateOp.CountValues ? ValueType.String : ValueType.Scalar;
}

/// <summary><c>op by (labels) (param, expr)</c> or <c>op without (labels) (expr)</c>, the grouping before or after the body.</summary>
internal sealed class AggregateExpr : Expr
{
    public required AggregateOp Op { get; init; }

    public required Expr Expr { get; init; }

    /// <summary>The parameter of <c>topk</c>, <c>bottomk</c>, <c>quantile</c>, <c>count_values</c>; null for the others.</summary>
    public Expr? Param { get; init; }

    public IReadOnlyList<string> Grouping { get; init; } = [];

    /// <summary>True for <c>without</c>; false for <c>by</c> or no grouping.</summary>
    public bool Without { get; init; }

    public required PositionRange PosRange { get; init; }

    public override ValueType Type => ValueType.Vector;

    public override PositionRange Position => PosRange;

    /// <summary>Grouping first, always: <c>sum by (a) (x)</c>; <c>by ()</c> disappears, <c>without ()</c> stays.</summary>
    public override void AppendTo(StringBuilder sb)
    {
        sb.Append(Op.Text());
        if (Without || Grouping.Count > 0)
        {
            sb.Append(Without ? " without (" : " by (").AppendJoin(", ", Grouping).Append(") ");
        }

        sb.Append('(');
        if (Param is not null)
        {
            Param.AppendTo(sb);
            sb.Append(", ");
        }

        Expr.AppendTo(sb);
        sb.Append(')');
    }
}

/// <summary>A function call; the arguments have been checked against <see cref="FunctionInfo.ArgTypes"/>.</summary>
internal sealed class Call : Expr
{
    public required FunctionInfo Function { get; init; }

    public required IReadOnlyList<Expr> Args { get; init; }

    public required PositionRange PosRange { get; init; }

    public override ValueType Type => Function.ReturnType;

    public override PositionRange Position => PosRange;

    public override void AppendTo(StringBuilder sb)
    {
        sb.Append(Function.Name).Append('(');
        for (int i = 0; i < Args.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(", ");
            }

            Args[i].AppendTo(sb);
        }

        sb.Append(')');
    }
}
