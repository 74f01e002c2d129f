using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

internal sealed partial class Evaluator
{
    private StepValue EvalAggregate(AggregateExpr agg)
    {
        StepValue? param = agg.Param is null ? null : Eval(agg.Param);
        var input = Eval(agg.Expr);
        var grouping = agg.Without ? [.. agg.Grouping, LabelSets.MetricName] : agg.Grouping;
        var result = agg.Op switch
        {
            AggregateOp.Topk or AggregateOp.Bottomk => TopK(agg, input.Vector, param!.Scalar, grouping),
            AggregateOp.CountValues => CountValues(agg, input.Vector, param!.String),
            _ => Simple(agg, input.Vector, param?.Scalar, grouping),
        };
        return StepValue.OfVector(result);
    }

    /// <summary>The output labels of a series' group: <c>by</c> keeps the listed labels, <c>without</c> drops them and the name.</summary>
    private static Labels GroupLabels(Labels metric, AggregateExpr agg, IReadOnlyList<string> grouping) =>
        agg.Without ? LabelSets.Without(metric, grouping) : LabelSets.Keep(metric, grouping);

    /// <summary>Groups in order of first appearance, each with its member series (in input order).</summary>
    private static List<(Labels Labels, List<StepSeries> Members)> Group(
        List<StepSeries> input, AggregateExpr agg, IReadOnlyList<string> grouping)
    {
        var index = new Dictionary<Labels, int>();
        var groups = new List<(Labels, List<StepSeries>)>();
        foreach (var s in input)
        {
            var labels = GroupLabels(s.Metric, agg, grouping);
            if (!index.TryGetValue(labels, out int g))
            {
                index[labels] = g = groups.Count;
                groups.Add((labels, []));
            }

            groups[g].Item2.Add(s);
        }

        return groups;
    }

    /// <summary>
    /// sum, avg, min, max, count, group, stddev, stdvar and quantile, step by step in the order and with the float
    /// arithmetic of Prometheus 2.42's <c>aggregation</c> (plain sums, no Kahan compensation in 2.42; the running
    /// mean with its infinity cases; Welford's variance).
    /// </summary>
    private List<StepSeries> Simple(AggregateExpr agg, List<StepSeries> input, double[]? param, IReadOnlyList<string> grouping)
    {
        var output = new List<StepSeries>();
        var groups = Group(input, agg, grouping);
        var count = new double[Steps];
        var mean = new double[Steps];
        var scratch = agg.Op == AggregateOp.Quantile ? new double[groups.Max(g => g.Members.Count)] : [];
        foreach (var (labels, members) in groups)
        {
            Limits.Check();
            var result = StepSeries.Rent(labels, Steps);
            if (agg.Op == AggregateOp.Quantile)
            {
                QuantileSteps(members, param!, result, scratch);
            }
            else
            {
                Array.Clear(count);
                foreach (var s in members)
                {
                    Accumulate(agg.Op, s, result, count, mean);
                }

                Finish(agg.Op, result, count, mean);
            }

            result.Recount(Steps);
            Limits.Take(result.Count);
            output.Add(result);
        }

        DiscardAll(input);
        return output;
    }

    private void Accumulate(AggregateOp op, StepSeries s, StepSeries result, double[] count, double[] mean)
    {
        var acc = result.Values;
        for (int i = 0; i < Steps; i++)
        {
            if (!s.Has[i])
            {
                continue;
            }

            double v = s.Values[i];
            double n = ++count[i];
            if (n == 1)
            {
                result.Has[i] = true;
                acc[i] = op switch { AggregateOp.Group => 1, AggregateOp.Stddev or AggregateOp.Stdvar => 0, _ => v };
                mean[i] = v;
                continue;
            }

            switch (op)
            {
                case AggregateOp.Sum: acc[i] += v; break;
                case AggregateOp.Max: acc[i] = acc[i] < v || double.IsNaN(acc[i]) ? v : acc[i]; break;
                case AggregateOp.Min: acc[i] = acc[i] > v || double.IsNaN(acc[i]) ? v : acc[i]; break;
                case AggregateOp.Avg: mean[i] = RunningMean(mean[i], v, n); break;
                case AggregateOp.Stddev or AggregateOp.Stdvar:
                    double delta = v - mean[i];
                    mean[i] += delta / n;
                    acc[i] += delta * (v - mean[i]);
                    break;
            }
        }
    }

    /// <summary>2.42's incremental mean: an infinite mean stays when the new value cannot change it.</summary>
    private static double RunningMean(double mean, double v, double n)
    {
        if (double.IsInfinity(mean) && ((double.IsInfinity(v) && (mean > 0) == (v > 0)) || (!double.IsInfinity(v) && !double.IsNaN(v))))
        {
            return mean;
        }

        return mean + ((v / n) - (mean / n));
    }

    private void Finish(AggregateOp op, StepSeries result, double[] count, double[] mean)
    {
        var acc = result.Values;
        for (int i = 0; i < Steps; i++)
        {
            if (count[i] == 0)
            {
                continue;
            }

            acc[i] = op switch
            {
                AggregateOp.Avg => mean[i],
                AggregateOp.Count => count[i],
                AggregateOp.Stdvar => acc[i] / count[i],
                AggregateOp.Stddev => Math.Sqrt(acc[i] / count[i]),
                _ => acc[i],
            };
        }
    }

    private void QuantileSteps(List<StepSeries> members, double[] q, StepSeries result, double[] scratch)
    {
        for (int i = 0; i < Steps; i++)
        {
            int n = 0;
            foreach (var s in members)
            {
                if (s.Has[i])
                {
                    scratch[n++] = s.Values[i];
                }
            }

            if (n > 0)
            {
                result.Has[i] = true;
                result.Values[i] = QuantileKernels.Quantile(q[i], scratch.AsSpan(0, n));
            }
        }
    }
}
