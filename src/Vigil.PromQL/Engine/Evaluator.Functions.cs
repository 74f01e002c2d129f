using System.Runtime.CompilerServices;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

internal sealed partial class Evaluator
{
    /// <summary>
    /// A function call. Functions of a range vector go to <see cref="EvalRangeCall"/>; the rest are element-wise
    /// over instant vectors (kernels from promql-funcs) or the engine's own (time, vector, scalar, sort, absent,
    /// timestamp, histogram_quantile, label_replace, label_join).
    /// </summary>
    private StepValue EvalCall(Call call)
    {
        for (int i = 0; i < call.Args.Count; i++)
        {
            if (call.Args[i].Unparenthesized() is MatrixSelector or SubqueryExpr)
            {
                return EvalRangeCall(call, i);
            }
        }

        string name = call.Function.Name;
        switch (name)
        {
            case "time": return StepValue.OfScalar(StepTimes());
            case "pi": return StepValue.OfScalar(Fill(Math.PI));
            case "vector": return StepValue.OfVector([ScalarSeries(Labels.Empty, Eval(call.Args[0]).Scalar)]);
            case "scalar": return ToScalar(Eval(call.Args[0]));
            case "timestamp": return Timestamp(call.Args[0]);
            case "sort" or "sort_desc": return Sort(Eval(call.Args[0]), name == "sort_desc");
            case "absent": return Absent(call.Args[0]);
            case "histogram_quantile": return HistogramQuantile(Eval(call.Args[0]).Scalar, Eval(call.Args[1]));
            case "label_replace": return LabelReplace(call);
            case "label_join": return LabelJoin(call);
            case "round":
                var toNearest = call.Args.Count > 1 ? Eval(call.Args[1]).Scalar : Fill(1);
                return Map(Eval(call.Args[0]), (v, i) => InstantKernels.Round(v, toNearest[i]));
            case "clamp": return Clamp(call);
            case "clamp_min":
                var min = Eval(call.Args[1]).Scalar;
                return Map(Eval(call.Args[0]), (v, i) => InstantKernels.ClampMin(v, min[i]));
            case "clamp_max":
                var max = Eval(call.Args[1]).Scalar;
                return Map(Eval(call.Args[0]), (v, i) => InstantKernels.ClampMax(v, max[i]));
        }

        if (InstantKernels.TryGetTime(name, out var time))
        {
            // The date functions default to vector(time()) (functions.go, dateWrapper).
            var input = call.Args.Count > 0 ? Eval(call.Args[0]) : StepValue.OfVector([ScalarSeries(Labels.Empty, StepTimes())]);
            return Map(input, (v, _) => time(v));
        }

        if (InstantKernels.TryGetMath(name, out var math))
        {
            return Map(Eval(call.Args[0]), (v, _) => math(v));
        }

        throw new QueryException(QueryErrorKind.Internal, $"function {name} is not implemented");
    }

    private double[] StepTimes()
    {
        var times = new double[Steps];
        for (int i = 0; i < Steps; i++)
        {
            times[i] = StepTime(i) / 1000.0;
        }

        return times;
    }

    /// <summary>A series with a value at every step (vector(s), the date functions' default argument).</summary>
    private StepSeries ScalarSeries(Labels labels, double[] values)
    {
        var series = StepSeries.Rent(labels, Steps, Limits);
        Array.Copy(values, series.Values, Steps);
        Array.Fill(series.Has, true, 0, Steps);
        series.Count = Steps;
        Limits.Take(Steps);
        return series;
    }

    /// <summary>
    /// Applies <paramref name="f"/> (value, step) to every sample, dropping the metric name (all of 2.42's
    /// element-wise functions do); series that end up with equal labels join or fail as in range evaluation.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StepValue Map(StepValue input, Func<double, int, double> f)
    {
        foreach (var s in input.Vector)
        {
            for (int i = 0; i < Steps; i++)
            {
                if (s.Has[i])
                {
                    s.Values[i] = f(s.Values[i], i);
                }
            }

            s.Metric = LabelSets.DropMetricName(s.Metric);
        }

        return StepValue.OfVector(MergeSameLabels(input.Vector));
    }

    /// <summary>clamp: nothing at a step where min &gt; max (Prometheus 2.42), else the value clamped.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StepValue Clamp(Call call)
    {
        var input = Eval(call.Args[0]);
        var min = Eval(call.Args[1]).Scalar;
        var max = Eval(call.Args[2]).Scalar;
        foreach (var s in input.Vector)
        {
            for (int i = 0; i < Steps; i++)
            {
                if (s.Has[i] && max[i] < min[i])
                {
                    s.Has[i] = false;
                    s.Count--;
                    Limits.Free(1);
                }
            }
        }

        input.Vector.RemoveAll(s => s.Count == 0 && Release(s));
        return Map(input, (v, i) => InstantKernels.Clamp(v, min[i], max[i]));
    }

    private static bool Release(StepSeries s)
    {
        s.Release();
        return true;
    }

    /// <summary>scalar(v): the only sample's value at each step, NaN when there are none or several.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private StepValue ToScalar(StepValue input)
    {
        var result = new double[Steps];
        var counts = new int[Steps];
        foreach (var s in input.Vector)
        {
            for (int i = 0; i < Steps; i++)
            {
                if (s.Has[i])
                {
                    counts[i]++;
                    result[i] = s.Values[i];
                }
            }
        }

        for (int i = 0; i < Steps; i++)
        {
            if (counts[i] != 1)
            {
                result[i] = double.NaN;
            }
        }

        Discard(input);
        return StepValue.OfScalar(result);
    }
}
