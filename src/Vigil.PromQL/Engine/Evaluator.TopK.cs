using System.Runtime.CompilerServices;
using System.Globalization;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

internal sealed partial class Evaluator
{
    /// <summary>
    /// topk and bottomk: at each step, the k largest (smallest) samples of each group, NaN last either way (2.42's
    /// heaps treat NaN as the first to evict). The samples keep their labels. An instant query lists each group's
    /// picks in order, largest first for topk, groups in order of first appearance, as Prometheus returns them.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<StepSeries> TopK(AggregateExpr agg, List<StepSeries> input, double[] param, IReadOnlyList<string> grouping)
    {
        bool top = agg.Op == AggregateOp.Topk;
        var groups = Group(input, agg, grouping);
        var picked = new Dictionary<StepSeries, bool>(ReferenceEqualityComparer.Instance);
        var picks = new List<StepSeries>();
        var scratch = new List<(double Value, int Index)>();
        Comparison<(double Value, int Index)> order = top ? static (a, b) => CompareForTopK(a, b, true) : static (a, b) => CompareForTopK(a, b, false);
        for (int i = 0; i < Steps; i++)
        {
            long k = ToInt64(param[i]);
            foreach (var (_, members) in groups)
            {
                scratch.Clear();
                for (int m = 0; m < members.Count; m++)
                {
                    if (members[m].Has[i])
                    {
                        scratch.Add((members[m].Values[i], m));
                    }
                }

                scratch.Sort(order);
                for (int j = 0; j < scratch.Count; j++)
                {
                    var s = members[scratch[j].Index];
                    if (j < k)
                    {
                        if (picked.TryAdd(s, true))
                        {
                            picks.Add(s);
                        }
                    }
                    else
                    {
                        s.Has[i] = false;
                        s.Count--;
                        Limits.Free(1);
                    }
                }
            }
        }

        foreach (var s in input)
        {
            if (!picked.ContainsKey(s))
            {
                s.Release();
            }
        }

        return picks;
    }

    private static int CompareForTopK((double Value, int Index) a, (double Value, int Index) b, bool top)
    {
        if (double.IsNaN(a.Value) || double.IsNaN(b.Value))
        {
            int nan = double.IsNaN(a.Value).CompareTo(double.IsNaN(b.Value));
            return nan != 0 ? nan : a.Index.CompareTo(b.Index);
        }

        int c = top ? b.Value.CompareTo(a.Value) : a.Value.CompareTo(b.Value);
        return c != 0 ? c : a.Index.CompareTo(b.Index);
    }

    /// <summary>topk's k, which Prometheus checks fits an int64 ("Scalar value NaN overflows int64").</summary>
    private static long ToInt64(double f)
    {
        // Go's maxInt64 constant as a float: the largest float64 below 2^63.
        if (!(f <= 9223372036854774784.0 && f >= -9223372036854775808.0))
        {
            throw new QueryException(QueryErrorKind.Execution, $"Scalar value {GoText.FormatFloat(f)} overflows int64");
        }

        return (long)f;
    }

    /// <summary>
    /// count_values: counts the samples of each value, the value (Go's shortest 'f' format) put in the label named
    /// by the parameter, which joins the grouping for <c>by</c>. Every distinct value is a series, so a "label
    /// bomb" is bounded by the sample limit like any other result.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<StepSeries> CountValues(AggregateExpr agg, List<StepSeries> input, string label)
    {
        if (!IsValidLabelName(label))
        {
            throw new QueryException(QueryErrorKind.Execution, $"invalid label name {GoText.Quote(label)}");
        }

        IReadOnlyList<string> grouping = agg.Without ? [.. agg.Grouping, LabelSets.MetricName] : [.. agg.Grouping, label];
        var groups = new Dictionary<Labels, StepSeries>();
        var output = new List<StepSeries>();
        foreach (var s in input)
        {
            Limits.Check();
            double last = double.NaN;
            StepSeries? target = null;
            for (int i = 0; i < Steps; i++)
            {
                if (!s.Has[i])
                {
                    continue;
                }

                double v = s.Values[i];
                if (target is null || BitConverter.DoubleToInt64Bits(v) != BitConverter.DoubleToInt64Bits(last))
                {
                    var labels = GroupLabels(LabelSets.With(s.Metric, label, FormatValueLabel(v)), agg, grouping);
                    if (!groups.TryGetValue(labels, out target))
                    {
                        groups[labels] = target = StepSeries.Rent(labels, Steps, Limits);
                        output.Add(target);
                    }

                    last = v;
                }

                if (!target.Has[i])
                {
                    Limits.Take(1);
                }

                target.Set(i, target.Has[i] ? target.Values[i] + 1 : 1);
            }
        }

        DiscardAll(input);
        return output;
    }

    /// <summary>Go's <c>strconv.FormatFloat(v, 'f', -1, 64)</c>: the shortest round-trip digits, never an exponent.</summary>
    public static string FormatValueLabel(double v)
    {
        if (double.IsNaN(v))
        {
            return "NaN";
        }

        if (double.IsInfinity(v))
        {
            return v > 0 ? "+Inf" : "-Inf";
        }

        string r = v.ToString("R", CultureInfo.InvariantCulture);
        int e = r.IndexOf('E', StringComparison.Ordinal);
        if (e < 0)
        {
            return r;
        }

        bool negative = r[0] == '-';
        string mantissa = r[(negative ? 1 : 0)..e].Replace(".", "", StringComparison.Ordinal);
        int exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        int point = 1 + exponent;
        string digits = point <= 0
            ? "0." + new string('0', -point) + mantissa
            : point >= mantissa.Length ? mantissa + new string('0', point - mantissa.Length) : mantissa[..point] + "." + mantissa[point..];
        return negative ? "-" + digits : digits;
    }

    /// <summary>Prometheus's <c>model.LabelName.IsValid</c>: <c>[a-zA-Z_][a-zA-Z0-9_]*</c>.</summary>
    private static bool IsValidLabelName(string name)
    {
        if (name.Length == 0)
        {
            return false;
        }

        for (int i = 0; i < name.Length; i++)
        {
            char c = name[i];
            if (!(c is (>= 'a' and <= 'z') or (>= 'A' and <= 'Z') or '_' || (i > 0 && c is >= '0' and <= '9')))
            {
                return false;
            }
        }

        return true;
    }
}
