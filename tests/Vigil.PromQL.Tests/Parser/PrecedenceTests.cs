using System.Text;

namespace Vigil.PromQL.Tests;

/// <summary>
/// The tree's shape, fully parenthesised: operator precedence (weakest first: <c>or</c>; <c>and unless</c>;
/// comparisons; <c>+ -</c>; <c>* / % atan2</c>; <c>^</c>), left associativity except for <c>^</c>, unary signs
/// binding like <c>*</c>, and modifiers binding tighter than any operator.
/// </summary>
public sealed class PrecedenceTests
{
    [Theory]
    [InlineData("a + b * c", "(a + (b * c))")]
    [InlineData("a * b + c", "((a * b) + c)")]
    [InlineData("a - b - c", "((a - b) - c)")]
    [InlineData("a - b + c", "((a - b) + c)")]
    [InlineData("a / b * c % d atan2 e", "((((a / b) * c) % d) atan2 e)")]
    [InlineData("a atan2 b + c", "((a atan2 b) + c)")]
    [InlineData("a + b atan2 c", "(a + (b atan2 c))")]
    [InlineData("2 ^ 3 ^ 2", "(2 ^ (3 ^ 2))")]
    [InlineData("a ^ b * c", "((a ^ b) * c)")]
    [InlineData("a * b ^ c", "(a * (b ^ c))")]
    [InlineData("a + b > c - d", "((a + b) > (c - d))")]
    [InlineData("a == b > c", "((a == b) > c)")]
    [InlineData("a > b and c", "((a > b) and c)")]
    [InlineData("a and b > c", "(a and (b > c))")]
    [InlineData("a and b unless c", "((a and b) unless c)")]
    [InlineData("a unless b and c", "((a unless b) and c)")]
    [InlineData("a or b and c", "(a or (b and c))")]
    [InlineData("a and b or c and d", "((a and b) or (c and d))")]
    [InlineData("a or b or c", "((a or b) or c)")]
    [InlineData("a or b unless c", "(a or (b unless c))")]
    [InlineData("a + b * c ^ d ^ e > f or g", "(((a + (b * (c ^ (d ^ e)))) > f) or g)")]
    [InlineData("(a + b) * c", "(((a + b)) * c)")]
    [InlineData("-a", "(-a)")]
    [InlineData("-a * b", "((-a) * b)")]
    [InlineData("-a + b", "((-a) + b)")]
    [InlineData("-a ^ b", "(-(a ^ b))")]
    [InlineData("a * -b", "(a * (-b))")]
    [InlineData("a * -b ^ c", "(a * (-(b ^ c)))")]
    [InlineData("a ^ -b", "(a ^ (-b))")]
    [InlineData("2 ^ -3 ^ 2", "(2 ^ (-(3 ^ 2)))")]
    [InlineData("- -a", "(-(-a))")]
    [InlineData("+a - b", "((+a) - b)")]
    [InlineData("-1 ^ 2", "(-(1 ^ 2))")]
    [InlineData("-1 * 2", "(-1 * 2)")]
    [InlineData("a > bool b + c", "(a > bool (b + c))")]
    [InlineData("a + on(x) b * c", "(a + on(x) (b * c))")]
    [InlineData("a + b offset 5m", "(a + b offset 5m)")]
    [InlineData("-a offset 5m", "(-a offset 5m)")]
    [InlineData("a * b @ 1", "(a * b @ 1.000)")]
    [InlineData("-a @ 1 offset 5m", "(-a @ 1.000 offset 5m)")]
    [InlineData("(a + b * c)[5m:] @ 1", "((a + (b * c)))[5m:] @ 1000")]
    public void Binds_as_Prometheus_does(string query, string shape) => Assert.Equal(shape, Shape(Parser.Parse(query)));

    [Theory]
    [InlineData("1 + 2", "scalar")]
    [InlineData("1 + a", "vector")]
    [InlineData("a + 1", "vector")]
    [InlineData("-(1 * 2) ^ 3", "scalar")]
    [InlineData("a[5m]", "matrix")]
    [InlineData("a[5m:1m]", "matrix")]
    [InlineData("(a[5m])", "matrix")]
    [InlineData("\"s\"", "string")]
    [InlineData("scalar(a)", "scalar")]
    [InlineData("sum(a)", "vector")]
    public void Knows_each_expression_type(string query, string type) => Assert.Equal(type, Parser.Parse(query).Type.Name());

    /// <summary>Every operator with its operands in parentheses; selectors as written but with times in ms.</summary>
    private static string Shape(Expr e)
    {
        var sb = new StringBuilder();
        Append(e);
        return sb.ToString();

        void Append(Expr x)
        {
            switch (x)
            {
                case BinaryExpr b:
                    sb.Append('(');
                    Append(b.Lhs);
                    sb.Append(' ').Append(b.Op.Text()).Append(b.ReturnBool ? " bool" : "");
                    if (b.VectorMatching is { On: true } vm)
                    {
                        sb.Append(" on(").AppendJoin(",", vm.MatchingLabels).Append(')');
                    }

                    sb.Append(' ');
                    Append(b.Rhs);
                    sb.Append(')');
                    break;
                case UnaryExpr u:
                    sb.Append('(').Append(u.Op == UnaryOperator.Minus ? '-' : '+');
                    Append(u.Expr);
                    sb.Append(')');
                    break;
                case ParenExpr p:
                    sb.Append('(');
                    Append(p.Expr);
                    sb.Append(')');
                    break;
                case SubqueryExpr s:
                    Append(s.Expr);
                    sb.Append('[').Append(PromDuration.Format(s.Range)).Append(":]");
                    if (s.Timestamp is long t)
                    {
                        sb.Append(" @ ").Append(t);
                    }

                    break;
                default:
                    sb.Append(x);
                    break;
            }
        }
    }
}
