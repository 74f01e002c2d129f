using System.Runtime.CompilerServices;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

internal sealed partial class Evaluator
{
    private StepValue EvalAggregate(AggregateExpr agg)
    {
        StepValue? param = agg.Param is null ? null : Eval(agg.Param);
        IReadOnlyList<string> grouping = agg.Without ? [.. agg.Grouping, LabelSets.MetricName] : agg.Grouping;
        var result = agg.Op switch
        {
            AggregateOp.Topk or AggregateOp.Bottomk => TopK(agg, Eval(agg.Expr).Vector, param!.Scalar, grouping),
            AggregateOp.CountValues => CountValues(agg, Eval(agg.Expr).Vector, param!.String),
            AggregateOp.Quantile => Quantile(agg, Eval(agg.Expr).Vector, param!.Scalar, grouping),
            _ => Simple(agg, grouping),
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
        var index = new GroupIndex<List<StepSeries>>(grouping, agg.Without);
        foreach (var s in input)
        {
            int g = index.Find(s.Metric, static _ => []);
            index.Groups[g].Value.Add(s);
        }

        return index.Groups;
    }

    /// <summary>One group's running state: its output series and, per step, the count and running mean.</summary>
    private sealed record GroupState(StepSeries Result, double[] Count, double[] Mean);

    /// <summary>
    /// sum, avg, min, max, count, group, stddev and stdvar, step by step in the order and with the float arithmetic
    /// of Prometheus 2.42's <c>aggregation</c> (plain sums, no Kahan compensation in 2.42; the running mean with its
    /// infinity cases; Welford's variance). The input streams in: each series is folded into its group and released.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<StepSeries> Simple(AggregateExpr agg, IReadOnlyList<string> grouping)
    {
        var index = new GroupIndex<GroupState>(grouping, agg.Without);
        EvalStreaming(agg.Expr, s =>
        {
            Limits.Check();
            int g = index.Find(s.Metric, labels => new GroupState(StepSeries.Rent(labels, Steps, Limits), new double[Steps], new double[Steps]));
            var state = index.Groups[g].Value;
            Accumulate(agg.Op, s, state.Result, state.Count, state.Mean);
            Limits.Free(s.Count);
            s.Release();
        });
        var output = new List<StepSeries>(index.Groups.Count);
        foreach (var (_, state) in index.Groups)
        {
            Finish(agg.Op, state.Result, state.Count, state.Mean);
            state.Result.Recount(Steps);
            Limits.Take(state.Result.Count);
            output.Add(state.Result);
        }

        return output;
    }

    private List<StepSeries> Quantile(AggregateExpr agg, List<StepSeries> input, double[] q, IReadOnlyList<string> grouping)
    {
        var groups = Group(input, agg, grouping);
        var scratch = new double[groups.Count == 0 ? 0 : groups.Max(g => g.Members.Count)];
        var output = new List<StepSeries>(groups.Count);
        foreach (var (labels, members) in groups)
        {
            var result = StepSeries.Rent(labels, Steps, Limits);
            QuantileSteps(members, q, result, scratch);
            result.Recount(Steps);
            Limits.Take(result.Count);
            output.Add(result);
        }

        DiscardAll(input);
        return output;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
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
