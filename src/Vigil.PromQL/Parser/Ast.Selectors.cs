using System.Text;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL;

/// <summary>
/// An instant vector selector: <c>name{matchers} @ t offset d</c>. <see cref="Matchers"/> are the storage's, in
/// the order written, with the name's <c>__name__="name"</c> matcher last when a name is written before the braces
/// (as Prometheus appends it), so they go to <see cref="IQuerier.Select"/> as they are.
/// </summary>
internal sealed class VectorSelector : Expr
{
    /// <summary>The metric name written before the braces, or empty.</summary>
    public required string Name { get; init; }

    public required IReadOnlyList<LabelMatcher> Matchers { get; init; }

    /// <summary>The offset as written (negative looks ahead); zero when none. Prometheus's <c>OriginalOffset</c>.</summary>
    public TimeSpan Offset { get; set; }

    /// <summary>The @ modifier's time in milliseconds, when one is written as a number.</summary>
    public long? Timestamp { get; set; }

    /// <summary>The @ modifier's <c>start()</c> or <c>end()</c>, when written.</summary>
    public AtModifier StartOrEnd { get; set; }

    public required PositionRange PosRange { get; set; }

    public override ValueType Type => ValueType.Vector;

    public override PositionRange Position => PosRange;

    public override void AppendTo(StringBuilder sb)
    {
        AppendSelector(sb);
        Modifiers.Append(sb, Timestamp, StartOrEnd, Offset);
    }

    /// <summary>
    /// The name and the matchers without the name's own, sorted by their text (Go's <c>sort.Strings</c>) and
    /// joined by commas without spaces, as Prometheus 2.42 prints them: <c>foo{a="1",b!~"2"}</c>.
    /// </summary>
    internal void AppendSelector(StringBuilder sb)
    {
        sb.Append(Name);
        var shown = new List<string>(Matchers.Count);
        foreach (var m in Matchers)
        {
            if (m.Name == "__name__" && m.Type == LabelMatchType.Equal && m.Value == Name)
            {
                continue;
            }

            shown.Add(FormatMatcher(m));
        }

        if (shown.Count == 0)
        {
            return;
        }

        shown.Sort(GoText.CompareCodePoints);
        sb.Append('{').AppendJoin(',', shown).Append('}');
    }

    /// <summary>Go's <c>Matcher.String</c>: the value quoted by <c>%q</c>, which differs from <see cref="LabelMatcher.ToString"/> for control characters.</summary>
    private static string FormatMatcher(LabelMatcher m)
    {
        var sb = new StringBuilder(m.Name).Append(m.Type switch
        {
            LabelMatchType.Equal => "=",
            LabelMatchType.NotEqual => "!=",
            LabelMatchType.Regex => "=~",
            _ => "!~",
        });
        GoText.AppendQuoted(sb, m.Value);
        return sb.ToString();
    }
}

/// <summary>A range vector selector: <c>selector[range]</c>; offset and @ are kept on its <see cref="VectorSelector"/>.</summary>
internal sealed class MatrixSelector : Expr
{
    public required VectorSelector VectorSelector { get; init; }

    public required TimeSpan Range { get; init; }

    /// <summary>Where the selector ends: after "]", or after a later offset or @.</summary>
    public required int End { get; set; }

    public override ValueType Type => ValueType.Matrix;

    public override PositionRange Position => new(VectorSelector.Position.Start, End);

    /// <summary>Range before the modifiers, wherever they were written: <c>foo[5m] @ 1.000 offset 1m</c>.</summary>
    public override void AppendTo(StringBuilder sb)
    {
        VectorSelector.AppendSelector(sb);
        sb.Append('[').Append(PromDuration.Format(Range)).Append(']');
        Modifiers.Append(sb, VectorSelector.Timestamp, VectorSelector.StartOrEnd, VectorSelector.Offset);
    }
}

/// <summary>A subquery: <c>expr[range:step] @ t offset d</c>; a zero <see cref="Step"/> means the default step.</summary>
internal sealed class SubqueryExpr : Expr
{
    public required Expr Expr { get; init; }

    public required TimeSpan Range { get; init; }

    public required TimeSpan Step { get; init; }

    public TimeSpan Offset { get; set; }

    public long? Timestamp { get; set; }

    public AtModifier StartOrEnd { get; set; }

    public required int End { get; set; }

    public override ValueType Type => ValueType.Matrix;

    public override PositionRange Position => new(Expr.Position.Start, End);

    public override void AppendTo(StringBuilder sb)
    {
        Expr.AppendTo(sb);
        sb.Append('[').Append(PromDuration.Format(Range)).Append(':');
        if (Step != TimeSpan.Zero)
        {
            sb.Append(PromDuration.Format(Step));
        }

        sb.Append(']');
        Modifiers.Append(sb, Timestamp, StartOrEnd, Offset);
    }
}

/// <summary>How Prometheus prints the @ and offset modifiers: @ first, then offset, whatever the order written.</summary>
internal static class Modifiers
{
    public static void Append(StringBuilder sb, long? timestamp, AtModifier startOrEnd, TimeSpan offset)
    {
        if (timestamp is long t)
        {
            // Go's "%.3f" of float64(t)/1000: huge times print the float's digits, not the integer's.
            sb.Append(" @ ").Append(GoText.FormatFixed(t / 1000.0, 3));
        }
        else if (startOrEnd != AtModifier.None)
        {
            sb.Append(startOrEnd == AtModifier.Start ? " @ start()" : " @ end()");
        }

        if (offset > TimeSpan.Zero)
        {
            sb.Append(" offset ").Append(PromDuration.Format(offset));
        }
        else if (offset < TimeSpan.Zero)
        {
            sb.Append(" offset -").Append(PromDuration.Format(-offset));
        }
    }
}
