using System.Text;

namespace Vigil.PromQL;

/// <summary>The type of a PromQL expression's value (Prometheus's <c>parser.ValueType</c>).</summary>
internal enum ValueType : byte
{
    None,
    Scalar,
    Vector,
    Matrix,
    String,
}

/// <summary>The @ modifier's preprocessors: <c>@ start()</c> and <c>@ end()</c> of the query's range.</summary>
internal enum AtModifier : byte
{
    None,
    Start,
    End,
}

internal enum UnaryOperator : byte
{
    Plus,
    Minus,
}

internal static class ValueTypes
{
    /// <summary>Prometheus's name of the type (<c>matrix</c>), as the query API's <c>resultType</c> spells it.</summary>
    public static string Name(this ValueType type) => type switch
    {
        ValueType.Scalar => "scalar",
        ValueType.Vector => "vector",
        ValueType.Matrix => "matrix",
        ValueType.String => "string",
        _ => "none",
    };

    /// <summary>The name the documentation uses (<c>range vector</c>), as type errors print it (<c>DocumentedType</c>).</summary>
    public static string Documented(this ValueType type) => type switch
    {
        ValueType.Vector => "instant vector",
        ValueType.Matrix => "range vector",
        _ => type.Name(),
    };
}

/// <summary>
/// A node of the PromQL syntax tree (Prometheus's <c>parser.Expr</c>). <see cref="ToString"/> prints PromQL the
/// way Prometheus 2.42's <c>String()</c> does: canonical spacing, sorted matchers, <c>sum by (a) (x)</c>, durations
/// normalised (<c>90d</c>), numbers as Go prints floats. /api/v1/format_query answers with this text when it
/// fits in 100 characters; longer ones Prometheus breaks over lines (its prettier, not yet ported).
/// </summary>
/// <remarks>
/// The parser sets modifiers (offset, @, end positions) after building a node, as Prometheus's does; once
/// <see cref="Parser.Parse"/> returns, nothing changes a tree, and it may be shared between threads.
/// </remarks>
internal abstract class Expr
{
    public abstract ValueType Type { get; }

    /// <summary>Where the expression is in the query, as UTF-16 indexes.</summary>
    public abstract PositionRange Position { get; }

    public sealed override string ToString()
    {
        var sb = new StringBuilder();
        AppendTo(sb);
        return sb.ToString();
    }

    /// <summary>Appends <see cref="ToString"/>'s text; one builder for the whole tree.</summary>
    public abstract void AppendTo(StringBuilder sb);

    /// <summary>The expression inside any number of parentheses (Prometheus's <c>UnwrapParenExpr</c>).</summary>
    public Expr Unparenthesized()
    {
        Expr e = this;
        while (e is ParenExpr paren)
        {
            e = paren.Expr;
        }

        return e;
    }
}
