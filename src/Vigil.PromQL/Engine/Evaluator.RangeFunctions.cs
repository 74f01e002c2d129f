using System.Runtime.CompilerServices;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

internal sealed partial class Evaluator
{
    /// <summary>
    /// A function of a range vector (rate, *_over_time, ...), series by series and step by step (engine.go's
    /// <c>Call</c> with a matrix argument): the window [t − offset − range, t − offset] slides over each series
    /// once, and the kernel sees its points. The metric name is dropped except by last_over_time.
    /// </summary>
    /// <remarks>
    /// With a <paramref name="sink"/> each series streams there. <paramref name="nameIrrelevant"/> says the consumer
    /// (an aggregation not grouping by <c>__name__</c>) ignores the metric name: the name is then left on instead
    /// of copying every label set without it, and equal label sets are still refused as if it were gone.
    /// </remarks>
    private StepValue EvalRangeCall(Call call, int matrixIndex, Action<StepSeries>? sink = null, bool nameIrrelevant = false)
    {
        var arg = call.Args[matrixIndex].Unparenthesized();
        var scalars = new double[call.Args.Count][];
        for (int i = 0; i < call.Args.Count; i++)
        {
            if (i != matrixIndex)
            {
                scalars[i] = Eval(call.Args[i]).Scalar;
            }
        }

        // 2.42 quirk: predict_linear is "unsafe" under @, so it is not evaluated once as a step-invariant call;
        // its @ is turned into an offset from the first step, so later steps' windows slide past the @ time
        // (over data selected only up to it, for a range selector). Checked against a real 2.42.
        bool slides = call.Function.Name == "predict_linear";
        var (source, window) = OpenRangeSource(arg, call.Function.Name, slides);
        using (source)
        {
            using var kernel = new RangeKernel(call.Function.Name, scalars, matrixIndex);
            var output = call.Function.Name == "absent_over_time"
                ? AbsentOverTime(source, window, arg)
                : ApplyRangeKernel(kernel, source, window, sink, nameIrrelevant && !kernel.KeepsName, OneMetricName(arg));
            AddWarnings(source.Warnings);
            return StepValue.OfVector(output);
        }
    }

    private (RangeSource Source, WindowSpec Window) OpenRangeSource(Expr arg, string func, bool slides)
    {
        if (arg is MatrixSelector ms)
        {
            var vs = ms.VectorSelector;
            long range = (long)ms.Range.TotalMilliseconds;
            var spec = new WindowSpec(range, (long)vs.Offset.TotalMilliseconds, AtTime(vs.Timestamp, vs.StartOrEnd), slides, Start);
            return (new RangeSource(Select(vs, range, func)), spec);
        }

        var sq = (SubqueryExpr)arg;
        var points = EvalSubquery(sq, slides);
        var window = new WindowSpec((long)sq.Range.TotalMilliseconds, (long)sq.Offset.TotalMilliseconds, AtTime(sq.Timestamp, sq.StartOrEnd), slides, Start);
        return (new RangeSource(points, Limits), window);
    }

    /// <summary>Where a range function's window ends at each step: the step (or the @ time) minus the offset.</summary>
    private readonly record struct WindowSpec(long Range, long Offset, long? At, bool Slides, long Start)
    {
        public long MaxT(long ts) => (At is long at ? at + (Slides ? ts - Start : 0) : ts) - Offset;
    }

    /// <summary>A selector whose series all share one metric name (an equality matcher on it), so dropping it cannot make two equal.</summary>
    private static bool OneMetricName(Expr arg) =>
        arg is MatrixSelector ms && ms.VectorSelector.Matchers.Any(static m => m.Type == LabelMatchType.Equal && m.Name == LabelSets.MetricName);

    /// <summary>With a <paramref name="sink"/>, each output series goes there as soon as it is complete.</summary>
    /// <param name="oneName">The input series share their metric name: being distinct, they stay distinct without it.</param>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<StepSeries> ApplyRangeKernel(
        RangeKernel kernel, RangeSource source, WindowSpec spec, Action<StepSeries>? sink, bool keepNameForSink, bool oneName)
    {
        var output = new List<StepSeries>();

        // The duplicate check below is needed only where dropping the name can make two input series equal. Its set
        // grows to one entry per series, a large-object-heap array at 10,000 series (issue 6's instant queries).
        bool namesKept = kernel.KeepsName && !keepNameForSink;
        var seen = oneName || namesKept ? null : new HashSet<Labels>(keepNameForSink ? NameBlindComparer.Instance : EqualityComparer<Labels>.Default);
        long range = spec.Range;
        using var window = new RangeWindow(Limits);
        while (source.MoveNext(window))
        {
            Limits.Check();
            var metric = kernel.KeepsName || keepNameForSink ? source.Labels : LabelSets.DropMetricName(source.Labels);
            StepSeries? series = null;
            for (int i = 0; i < Steps; i++)
            {
                long ts = StepTime(i);
                long maxt = spec.MaxT(ts);
                var points = window.Advance(maxt - range, maxt);
                if (points.Length > 0 && kernel.TryApply(points, maxt - range, maxt, ts, i, out double v))
                {
                    series ??= StepSeries.Rent(metric, Steps, Limits);
                    series.Set(i, v);
                }
            }

            if (series is null)
            {
                continue;
            }

            // 2.42 refuses a range function's output with two equal label sets, whatever their steps.
            if (seen is not null && !seen.Add(series.Metric))
            {
                series.Release();
                ReleaseAll(output);
                throw DuplicateLabelset();
            }

            Limits.Take(series.Count);
            if (sink is null)
            {
                output.Add(series);
            }
            else
            {
                sink(series);
            }
        }

        return output;
    }

    /// <summary>
    /// absent_over_time: 1 at the steps where no series has a point in its window, labelled from the selector's
    /// equality matchers (<c>createLabelsForAbsentFunction</c>); nothing elsewhere.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<StepSeries> AbsentOverTime(RangeSource source, WindowSpec spec, Expr arg)
    {
        var present = new bool[Steps];
        using var window = new RangeWindow(Limits);
        while (source.MoveNext(window))
        {
            for (int i = 0; i < Steps; i++)
            {
                long maxt = spec.MaxT(StepTime(i));
                present[i] |= window.Advance(maxt - spec.Range, maxt).Length > 0;
            }
        }

        return AbsentSeries(present, arg is MatrixSelector ms ? ms.VectorSelector : null);
    }

    /// <summary>The series of absent and absent_over_time: 1 wherever nothing was <paramref name="present"/>.</summary>
    private List<StepSeries> AbsentSeries(bool[] present, VectorSelector? vs)
    {
        var series = StepSeries.Rent(vs is null ? Labels.Empty : AbsentLabels(vs), Steps, Limits);
        for (int i = 0; i < Steps; i++)
        {
            if (!present[i])
            {
                series.Set(i, 1);
            }
        }

        if (series.Count == 0)
        {
            series.Release();
            return [];
        }

        Limits.Take(series.Count);
        return [series];
    }

    /// <summary>Labels from the equality matchers, except the name; a label matched twice or otherwise is left out.</summary>
    private static Labels AbsentLabels(VectorSelector vs)
    {
        var labels = new Dictionary<string, string>(StringComparer.Ordinal);
        var drop = new HashSet<string>(StringComparer.Ordinal);
        foreach (var m in vs.Matchers)
        {
            if (m.Name == LabelSets.MetricName)
            {
                continue;
            }

            if (m.Type == LabelMatchType.Equal && !labels.ContainsKey(m.Name))
            {
                labels[m.Name] = m.Value;
            }
            else
            {
                drop.Add(m.Name);
            }
        }

        return Labels.FromPairs([.. labels.Where(kv => !drop.Contains(kv.Key)).Select(kv => (kv.Key, kv.Value))]);
    }
}
