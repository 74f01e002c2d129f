using System.Text;

namespace Vigil.PromQL;

internal enum BinaryOperator : byte
{
    Add,
    Sub,
    Mul,
    Div,
    Mod,
    Pow,
    Atan2,
    Equal,
    NotEqual,
    Greater,
    Less,
    GreaterOrEqual,
    LessOrEqual,
    And,
    Or,
    Unless,
}

/// <summary>How the series of two vectors pair up (Prometheus's <c>VectorMatchCardinality</c>).</summary>
internal enum VectorMatchCardinality : byte
{
    OneToOne,

    /// <summary><c>group_left</c>: many series on the left to one on the right.</summary>
    ManyToOne,

    /// <summary><c>group_right</c>.</summary>
    OneToMany,

    /// <summary>The set operators <c>and</c>, <c>or</c>, <c>unless</c>, always.</summary>
    ManyToMany,
}

internal static class BinaryOperators
{
    public static string Text(this BinaryOperator op) => op switch
    {
        BinaryOperator.Add => "+",
        BinaryOperator.Sub => "-",
        BinaryOperator.Mul => "*",
        BinaryOperator.Div => "/",
        BinaryOperator.Mod => "%",
        BinaryOperator.Pow => "^",
        BinaryOperator.Atan2 => "atan2",
        BinaryOperator.Equal => "==",
        BinaryOperator.NotEqual => "!=",
        BinaryOperator.Greater => ">",
        BinaryOperator.Less => "<",
        BinaryOperator.GreaterOrEqual => ">=",
        BinaryOperator.LessOrEqual => "<=",
        BinaryOperator.And => "and",
        BinaryOperator.Or => "or",
        _ => "unless",
    };

    public static bool IsComparison(this BinaryOperator op) => op is >= BinaryOperator.Equal and <= BinaryOperator.LessOrEqual;

    public static bool IsSetOperator(this BinaryOperator op) => op is >= BinaryOperator.And;

    /// <summary>
    /// Binding strength, weakest first, as generated_parser.y lists them: <c>or</c>; <c>and unless</c>;
    /// comparisons; <c>+ -</c>; <c>* / % atan2</c>; <c>^</c>. All bind left to right except <c>^</c>.
    /// </summary>
    public static int Precedence(this BinaryOperator op) => op switch
    {
        BinaryOperator.Or => 1,
        BinaryOperator.And or BinaryOperator.Unless => 2,
        >= BinaryOperator.Equal and <= BinaryOperator.LessOrEqual => 3,
        BinaryOperator.Add or BinaryOperator.Sub => 4,
        BinaryOperator.Pow => 6,
        _ => 5,
    };

    public static bool IsRightAssociative(this BinaryOperator op) => op == BinaryOperator.Pow;
}

/// <summary>
/// The vector matching of a binary expression (Prometheus's <c>VectorMatching</c>): <c>on (a)</c> or
/// <c>ignoring (a)</c>, and <c>group_left (b)</c> / <c>group_right (b)</c> with the labels to include.
/// </summary>
internal sealed class VectorMatching
{
    public VectorMatchCardinality Card { get; set; }

    /// <summary>The labels of <c>on</c> or <c>ignoring</c>; empty when neither is written.</summary>
    public IReadOnlyList<string> MatchingLabels { get; set; } = [];

    /// <summary>True for <c>on</c>, false for <c>ignoring</c> (or nothing).</summary>
    public bool On { get; set; }

    /// <summary>The labels of <c>group_left</c>/<c>group_right</c> copied from the "one" side.</summary>
    public IReadOnlyList<string> Include { get; set; } = [];
}

/// <summary>
/// <c>lhs op bool on (l) group_left (i) rhs</c>. The type checks drop <see cref="VectorMatching"/> when a side is a
/// scalar (it only applies between two vectors) and make set operators many-to-many, as Prometheus's do.
/// </summary>
internal sealed class BinaryExpr : Expr
{
    public required BinaryOperator Op { get; init; }

    public required Expr Lhs { get; init; }

    public required Expr Rhs { get; init; }

    /// <summary>The <c>bool</c> modifier: a comparison returns 0 or 1 instead of filtering.</summary>
    public bool ReturnBool { get; init; }

    public VectorMatching? VectorMatching { get; set; }

    /// <summary>Scalar only when both sides are; a vector otherwise (Prometheus's <c>BinaryExpr.Type</c>).</summary>
    public override ValueType Type =>
        Lhs.Type == ValueType.Scalar && Rhs.Type == ValueType.Scalar ? ValueType.Scalar : ValueType.Vector;

    public override PositionRange Position => PositionRange.Merge(Lhs.Position, Rhs.Position);

    public override void AppendTo(StringBuilder sb)
    {
        Lhs.AppendTo(sb);
        sb.Append(' ').Append(Op.Text());
        if (ReturnBool)
        {
            sb.Append(" bool");
        }

        // Printed when "on" or labels were written: "ignoring ()" says nothing and is left out, "on ()" is kept.
        if (VectorMatching is { } vm && (vm.MatchingLabels.Count > 0 || vm.On))
        {
            sb.Append(vm.On ? " on (" : " ignoring (").AppendJoin(", ", vm.MatchingLabels).Append(')');
            if (vm.Card is VectorMatchCardinality.ManyToOne or VectorMatchCardinality.OneToMany)
            {
                sb.Append(vm.Card == VectorMatchCardinality.ManyToOne ? " group_left (" : " group_right (")
                    .AppendJoin(", ", vm.Include).Append(')');
            }
        }

        sb.Append(' ');
        Rhs.AppendTo(sb);
    }
}
