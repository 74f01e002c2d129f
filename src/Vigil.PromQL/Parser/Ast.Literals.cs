using System.Text;

namespace Vigil.PromQL;

/// <summary>A number: <c>1</c>, <c>0x1f</c>, <c>1e3</c>, <c>Inf</c>, <c>NaN</c>; a leading minus is folded in (<c>-1</c>).</summary>
internal sealed class NumberLiteral(double value, PositionRange position) : Expr
{
    public double Value => value;

    public override ValueType Type => ValueType.Scalar;

    public override PositionRange Position => position;

    /// <summary>Go's <c>%v</c> (Prometheus prints <c>fmt.Sprint(val)</c>): <c>1000</c>, <c>1e+06</c>, <c>+Inf</c>.</summary>
    public override void AppendTo(StringBuilder sb) => sb.Append(GoText.FormatFloat(value));
}

/// <summary>A string, unquoted: <c>"a\n"</c>, <c>'a'</c> or <c>`a`</c> in the query.</summary>
internal sealed class StringLiteral(string value, PositionRange position) : Expr
{
    public string Value => value;

    public override ValueType Type => ValueType.String;

    public override PositionRange Position => position;

    /// <summary>Always double quotes, Go's escapes (<c>%q</c>).</summary>
    public override void AppendTo(StringBuilder sb) => GoText.AppendQuoted(sb, value);
}

/// <summary>An expression in parentheses; kept, so that printing gives them back.</summary>
internal sealed class ParenExpr(Expr expr, PositionRange position) : Expr
{
    public Expr Expr => expr;

    public override ValueType Type => expr.Type;

    public override PositionRange Position => position;

    public override void AppendTo(StringBuilder sb)
    {
        sb.Append('(');
        expr.AppendTo(sb);
        sb.Append(')');
    }
}

/// <summary>
/// <c>-expr</c> or <c>+expr</c> of anything but a number literal (which takes the sign itself). It binds like
/// <c>*</c>: <c>-a * b</c> is <c>(-a) * b</c>, but <c>-a ^ b</c> is <c>-(a ^ b)</c>, as in Prometheus's grammar.
/// </summary>
internal sealed class UnaryExpr(UnaryOperator op, Expr expr, int start) : Expr
{
    public UnaryOperator Op => op;

    public Expr Expr => expr;

    public override ValueType Type => expr.Type;

    public override PositionRange Position => new(start, expr.Position.End);

    public override void AppendTo(StringBuilder sb)
    {
        sb.Append(op == UnaryOperator.Minus ? '-' : '+');
        expr.AppendTo(sb);
    }
}
