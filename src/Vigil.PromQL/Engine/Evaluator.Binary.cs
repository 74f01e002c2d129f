using System.Runtime.CompilerServices;
namespace Vigil.PromQL.Engine;

internal sealed partial class Evaluator
{
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StepValue EvalBinary(BinaryExpr bin)
    {
        var lhs = Eval(bin.Lhs);
        var rhs = Eval(bin.Rhs);
        if (lhs.Type == ValueType.Scalar && rhs.Type == ValueType.Scalar)
        {
            var l = lhs.Scalar;
            var r = rhs.Scalar;
            for (int i = 0; i < Steps; i++)
            {
                // Between scalars a comparison needs bool (the parser checks), so it always gives 0 or 1.
                l[i] = Apply(bin.Op, l[i], r[i], out bool keep) is var v && bin.Op.IsComparison() ? (keep ? 1 : 0) : v;
            }

            return lhs;
        }

        if (lhs.Type == ValueType.Scalar || rhs.Type == ValueType.Scalar)
        {
            return VectorScalar(bin, lhs.Type == ValueType.Scalar ? rhs : lhs, lhs.Type == ValueType.Scalar ? lhs.Scalar : rhs.Scalar, lhs.Type == ValueType.Scalar);
        }

        var matching = bin.VectorMatching ?? new VectorMatching { Card = VectorMatchCardinality.OneToOne };
        var result = bin.Op switch
        {
            BinaryOperator.And => SetAnd(lhs.Vector, rhs.Vector, matching, keepMatched: true),
            BinaryOperator.Unless => SetAnd(lhs.Vector, rhs.Vector, matching, keepMatched: false),
            BinaryOperator.Or => SetOr(lhs.Vector, rhs.Vector, matching),
            _ => VectorVector(bin, lhs.Vector, rhs.Vector, matching),
        };
        return StepValue.OfVector(result);
    }

    /// <summary>
    /// Prometheus's <c>vectorElemBinop</c>: the value, and for comparisons whether the pair is kept. Go's
    /// <c>math.Mod</c> and <c>math.Pow</c> agree with .NET's <c>%</c> and <c>Math.Pow</c> on NaN and infinities.
    /// </summary>
    public static double Apply(BinaryOperator op, double l, double r, out bool keep)
    {
        keep = true;
        switch (op)
        {
            case BinaryOperator.Add: return l + r;
            case BinaryOperator.Sub: return l - r;
            case BinaryOperator.Mul: return l * r;
            case BinaryOperator.Div: return l / r;
            case BinaryOperator.Pow: return Math.Pow(l, r);
            case BinaryOperator.Mod: return l % r;
            case BinaryOperator.Atan2: return Math.Atan2(l, r);
            case BinaryOperator.Equal: keep = l == r; return l;
            case BinaryOperator.NotEqual: keep = l != r; return l;
            case BinaryOperator.Greater: keep = l > r; return l;
            case BinaryOperator.Less: keep = l < r; return l;
            case BinaryOperator.GreaterOrEqual: keep = l >= r; return l;
            case BinaryOperator.LessOrEqual: keep = l <= r; return l;
            default: throw new QueryException(QueryErrorKind.Internal, $"operator {op.Text()} not allowed here");
        }
    }

    /// <summary>Arithmetic drops the metric name; comparisons keep it unless <c>bool</c> (engine.go, <c>shouldDropMetricName</c>).</summary>
    // 2.42's shouldDropMetricName: the six arithmetic operators; atan2 keeps the name (issue 6 conformance).
    private static bool DropsName(BinaryOperator op) => op is >= BinaryOperator.Add and <= BinaryOperator.Pow;

    /// <summary>
    /// A vector against a scalar, element by element (<c>VectorscalarBinop</c>). A filtering comparison always
    /// keeps the vector's value, even when the scalar is on the left.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StepValue VectorScalar(BinaryExpr bin, StepValue vector, double[] scalar, bool scalarLeft)
    {
        bool comparison = bin.Op.IsComparison();
        bool dropName = DropsName(bin.Op) || bin.ReturnBool;
        var output = new List<StepSeries>(vector.Vector.Count);
        foreach (var s in vector.Vector)
        {
            Limits.Check();
            var values = s.Values;
            var has = s.Has;
            int removed = 0;
            for (int i = 0; i < Steps; i++)
            {
                if (!has[i])
                {
                    continue;
                }

                double v = values[i];
                double result = scalarLeft ? Apply(bin.Op, scalar[i], v, out bool keep) : Apply(bin.Op, v, scalar[i], out keep);
                if (bin.ReturnBool)
                {
                    result = keep ? 1 : 0;
                }
                else if (!keep)
                {
                    has[i] = false;
                    removed++;
                    continue;
                }
                else if (comparison)
                {
                    result = v;
                }

                values[i] = result;
            }

            s.Count -= removed;
            Limits.Free(removed);
            if (s.Count == 0)
            {
                s.Release();
                continue;
            }

            if (dropName)
            {
                s.Metric = LabelSets.DropMetricName(s.Metric);
            }

            output.Add(s);
        }

        return StepValue.OfVector(MergeSameLabels(output));
    }
}
