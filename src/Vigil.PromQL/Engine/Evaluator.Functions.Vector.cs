using System.Runtime.CompilerServices;
using System.Globalization;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

internal sealed partial class Evaluator
{
    /// <summary>
    /// timestamp(v): of a selector, each sample's own time (2.42 special-cases it, since evaluated vectors carry the
    /// step time); of anything else, the step time. The metric name is dropped.
    /// </summary>
    private StepValue Timestamp(Expr arg)
    {
        if (arg.Unparenthesized() is VectorSelector vs)
        {
            var selected = SelectInstant(vs, timestamps: true);
            foreach (var s in selected)
            {
                s.Metric = LabelSets.DropMetricName(s.Metric);
            }

            return StepValue.OfVector(MergeSameLabels(selected));
        }

        return Map(Eval(arg), (_, i) => StepTime(i) / 1000.0);
    }

    /// <summary>
    /// sort and sort_desc order an instant query's result by value, NaN last either way (2.42 sorts the reverse
    /// heap order and reverses it, "NaN should sort to the bottom"; checked against a real 2.42); in a range query
    /// they change nothing, since the matrix is sorted by labels.
    /// </summary>
    private StepValue Sort(StepValue input, bool descending)
    {
        if (Steps != 1)
        {
            return input;
        }

        var comparer = Comparer<double>.Create((a, b) =>
        {
            if (double.IsNaN(a) || double.IsNaN(b))
            {
                return double.IsNaN(a).CompareTo(double.IsNaN(b));
            }

            return descending ? b.CompareTo(a) : a.CompareTo(b);
        });
        return StepValue.OfVector([.. input.Vector.OrderBy(s => s.Values[0], comparer)]);
    }

    private StepValue Absent(Expr arg)
    {
        var input = Eval(arg);
        var present = new bool[Steps];
        foreach (var s in input.Vector)
        {
            for (int i = 0; i < Steps; i++)
            {
                present[i] |= s.Has[i];
            }
        }

        Discard(input);
        return StepValue.OfVector(AbsentSeries(present, arg.Unparenthesized() as VectorSelector));
    }

    /// <summary>
    /// histogram_quantile over classic buckets: series grouped by their labels without <c>le</c>, each group's
    /// buckets at each step handed to the kernel; series whose <c>le</c> does not parse are skipped, as in 2.42.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StepValue HistogramQuantile(double[] q, StepValue input)
    {
        var groups = new Dictionary<Labels, List<(double UpperBound, StepSeries Series)>>();
        var order = new List<Labels>();
        foreach (var s in input.Vector)
        {
            if (!GoFloat.TryParse(s.Metric.Get("le"), out double upper))
            {
                continue;
            }

            var key = LabelSets.Without(s.Metric, LabelSets.BucketOnly);
            if (!groups.TryGetValue(key, out var list))
            {
                groups[key] = list = [];
                order.Add(key);
            }

            list.Add((upper, s));
        }

        var output = new List<StepSeries>(order.Count);
        var buckets = new List<QuantileKernels.Bucket>();
        foreach (var key in order)
        {
            var members = groups[key];
            var result = StepSeries.Rent(LabelSets.Without(key, LabelSets.NameOnly), Steps, Limits);
            for (int i = 0; i < Steps; i++)
            {
                buckets.Clear();
                foreach (var (upper, s) in members)
                {
                    if (s.Has[i])
                    {
                        buckets.Add(new QuantileKernels.Bucket(upper, s.Values[i]));
                    }
                }

                if (buckets.Count > 0)
                {
                    var span = System.Runtime.InteropServices.CollectionsMarshal.AsSpan(buckets);
                    result.Set(i, QuantileKernels.BucketQuantile(q[i], span));
                }
            }

            Limits.Take(result.Count);
            KeepOrRelease(result, output);
        }

        Discard(input);
        return StepValue.OfVector(MergeSameLabels(output));
    }


    private StepValue LabelReplace(Call call)
    {
        var input = Eval(call.Args[0]);
        string dst = Eval(call.Args[1]).String, replacement = Eval(call.Args[2]).String;
        string src = Eval(call.Args[3]).String, regexText = Eval(call.Args[4]).String;
        var regex = LabelKernels.CompileReplaceRegex(regexText);
        LabelKernels.ValidateLabelName("label_replace", dst);
        foreach (var s in input.Vector)
        {
            s.Metric = LabelKernels.Replace(s.Metric, dst, replacement, src, regex);
        }

        return StepValue.OfVector(MergeSameLabels(input.Vector));
    }

    private StepValue LabelJoin(Call call)
    {
        var input = Eval(call.Args[0]);
        string dst = Eval(call.Args[1]).String, separator = Eval(call.Args[2]).String;
        var sources = new string[call.Args.Count - 3];
        for (int i = 0; i < sources.Length; i++)
        {
            sources[i] = Eval(call.Args[i + 3]).String;
            LabelKernels.ValidateSourceLabelName(sources[i]);
        }

        LabelKernels.ValidateLabelName("label_join", dst);
        foreach (var s in input.Vector)
        {
            s.Metric = LabelKernels.Join(s.Metric, dst, separator, sources);
        }

        return StepValue.OfVector(MergeSameLabels(input.Vector));
    }
}
