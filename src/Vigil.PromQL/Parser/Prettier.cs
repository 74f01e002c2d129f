using System.Runtime.CompilerServices;
using System.Text;

namespace Vigil.PromQL;

/// <summary>
/// Prometheus 2.42's prettier (promql/parser/prettier.go), what <c>/api/v1/format_query</c> answers: an expression
/// whose <see cref="Expr.ToString"/> fits in 100 bytes is printed as that; a longer one is split, each level
/// indented two spaces further:
/// <list type="bullet">
/// <item>an aggregation as <c>sum by (job) (</c>, its parameter and body on their own lines, then <c>)</c>;</item>
/// <item>a binary expression as its left side, the operator (with <c>bool</c> and matching) alone on a line at
/// the parent's indent, then the right side;</item>
/// <item>a call as <c>name(</c>, one argument per line ending in <c>,</c> but the last, then <c>)</c>;</item>
/// <item>parentheses as <c>(</c>, the inside, <c>)</c>;</item>
/// <item>a subquery as its inner expression pretty-printed at the same level, then <c>[range:step]</c> and its
/// modifiers; one that fits is printed with no indent at all (2.42 does so);</item>
/// <item>a unary sign glued to its operand's first line.</item>
/// </list>
/// Selectors, literals and matrix selectors are never split.
/// </summary>
internal static partial class Prettier
{
    /// <summary>prettier.go's <c>maxCharactersPerLine</c>; lengths are in UTF-8 bytes, as Go's <c>len</c>.</summary>
    public const int MaxCharactersPerLine = 100;

    private const string IndentUnit = "  ";

    /// <summary><c>expr.Pretty(0)</c>.</summary>
    public static string Pretty(Expr expr)
    {
        ArgumentNullException.ThrowIfNull(expr);
        var sb = new StringBuilder();
        Write(sb, expr, 0);
        return sb.ToString();
    }

    private static void Write(StringBuilder sb, Expr expr, int level)
    {
        // As deep as ToString goes; a tree the parser accepted but that would overflow here is refused instead.
        RuntimeHelpers.EnsureSufficientExecutionStack();
        string text = expr.ToString();
        bool split = Encoding.UTF8.GetByteCount(text) > MaxCharactersPerLine;
        switch (expr)
        {
            case SubqueryExpr subquery:
                WriteSubquery(sb, subquery, text, split, level);
                return;
            case UnaryExpr unary:
                Indent(sb, level).Append(unary.Op == UnaryOperator.Minus ? '-' : '+').Append(Pretty(unary.Expr, level).Trim());
                return;
        }

        if (!split)
        {
            Indent(sb, level).Append(text);
            return;
        }

        switch (expr)
        {
            case AggregateExpr aggregate:
                WriteAggregate(sb, aggregate, text, level);
                break;
            case BinaryExpr binary:
                WriteBinary(sb, binary, text, level);
                break;
            case Call call:
                Indent(sb, level).Append(call.Function.Name).Append("(\n");
                WriteList(sb, call.Args, level + 1);
                Indent(sb.Append('\n'), level).Append(')');
                break;
            case ParenExpr paren:
                Indent(sb, level).Append("(\n");
                Write(sb, paren.Expr, level + 1);
                Indent(sb.Append('\n'), level).Append(')');
                break;
            default:
                Indent(sb, level).Append(text);
                break;
        }
    }

    private static string Pretty(Expr expr, int level)
    {
        var sb = new StringBuilder();
        Write(sb, expr, level);
        return sb.ToString();
    }

    /// <summary>The head is <c>getAggOpStr</c>: what precedes <c>(</c> in the one-line text (<c>sum by (job) </c>).</summary>
    private static void WriteAggregate(StringBuilder sb, AggregateExpr aggregate, string text, int level)
    {
        int body = aggregate.Expr.ToString().Length + 2 + (aggregate.Param is { } p ? p.ToString().Length + 2 : 0);
        Indent(sb, level).Append(text, 0, text.Length - body).Append("(\n");
        if (aggregate.Param is { } param)
        {
            Write(sb, param, level + 1);
            sb.Append(",\n");
        }

        Write(sb, aggregate.Expr, level + 1);
        Indent(sb.Append('\n'), level).Append(')');
    }

    /// <summary>The operator line is the one-line text between the two sides: <c>+</c>, <c>== bool on (a)</c>, ...</summary>
    private static void WriteBinary(StringBuilder sb, BinaryExpr binary, string text, int level)
    {
        int left = binary.Lhs.ToString().Length;
        int right = binary.Rhs.ToString().Length;
        Write(sb, binary.Lhs, level + 1);
        Indent(sb.Append('\n'), level).Append(text, left + 1, text.Length - left - right - 2).Append('\n');
        Write(sb, binary.Rhs, level + 1);
    }

    private static void WriteSubquery(StringBuilder sb, SubqueryExpr subquery, string text, bool split, int level)
    {
        if (!split)
        {
            sb.Append(text);
            return;
        }

        Write(sb, subquery.Expr, level);
        sb.Append(text, subquery.Expr.ToString().Length, text.Length - subquery.Expr.ToString().Length);
    }

    /// <summary>prettier.go's <c>Expressions.Pretty</c>: each argument at the level, joined by <c>,\n</c>.</summary>
    private static void WriteList(StringBuilder sb, IReadOnlyList<Expr> args, int level)
    {
        for (int i = 0; i < args.Count; i++)
        {
            if (i > 0)
            {
                sb.Append(",\n");
            }

            Write(sb, args[i], level);
        }
    }

    private static StringBuilder Indent(StringBuilder sb, int level)
    {
        for (int i = 0; i < level; i++)
        {
            sb.Append(IndentUnit);
        }

        return sb;
    }
}
