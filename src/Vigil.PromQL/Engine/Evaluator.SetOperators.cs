using System.Runtime.CompilerServices;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

internal sealed partial class Evaluator
{
    /// <summary>
    /// The labels two series are matched on (engine.go, <c>signatureFunc</c>): those listed in <c>on</c>, or all but
    /// those in <c>ignoring</c> and the metric name.
    /// </summary>
    private static Labels Signature(Labels metric, VectorMatching vm) =>
        vm.On ? LabelSets.Keep(metric, vm.MatchingLabels) : LabelSets.Without(LabelSets.Without(metric, vm.MatchingLabels), [LabelSets.MetricName]);

    /// <summary>For each signature of <paramref name="series"/>, the steps at which any series with it has a value.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Dictionary<Labels, bool[]> PresenceBySignature(List<StepSeries> series, VectorMatching vm)
    {
        var presence = new Dictionary<Labels, bool[]>(series.Count);
        foreach (var s in series)
        {
            var sig = Signature(s.Metric, vm);
            if (!presence.TryGetValue(sig, out var steps))
            {
                presence[sig] = steps = new bool[Steps];
            }

            for (int i = 0; i < Steps; i++)
            {
                steps[i] |= s.Has[i];
            }
        }

        return presence;
    }

    /// <summary>
    /// <c>and</c> (<paramref name="keepMatched"/>) and <c>unless</c>: at each step, the left side's samples whose
    /// signature the right side has (or has not) at that step, labels unchanged (<c>VectorAnd</c>, <c>VectorUnless</c>).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<StepSeries> SetAnd(List<StepSeries> lhs, List<StepSeries> rhs, VectorMatching vm, bool keepMatched)
    {
        var right = PresenceBySignature(rhs, vm);
        DiscardAll(rhs);
        var output = new List<StepSeries>(lhs.Count);
        foreach (var s in lhs)
        {
            Limits.Check();
            right.TryGetValue(Signature(s.Metric, vm), out var present);
            int removed = 0;
            for (int i = 0; i < Steps; i++)
            {
                if (s.Has[i] && (present is not null && present[i]) != keepMatched)
                {
                    s.Has[i] = false;
                    removed++;
                }
            }

            s.Count -= removed;
            Limits.Free(removed);
            KeepOrRelease(s, output);
        }

        return output;
    }

    /// <summary>
    /// <c>or</c>: at each step, every left sample, then the right samples whose signature the left side lacks at
    /// that step (<c>VectorOr</c>). Series of both sides with equal labels become one, as Prometheus's range
    /// evaluation joins output series by labels.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<StepSeries> SetOr(List<StepSeries> lhs, List<StepSeries> rhs, VectorMatching vm)
    {
        var left = PresenceBySignature(lhs, vm);
        var output = new List<StepSeries>(lhs.Count + rhs.Count);
        output.AddRange(lhs);
        foreach (var s in rhs)
        {
            if (left.TryGetValue(Signature(s.Metric, vm), out var present))
            {
                int removed = 0;
                for (int i = 0; i < Steps; i++)
                {
                    if (s.Has[i] && present[i])
                    {
                        s.Has[i] = false;
                        removed++;
                    }
                }

                s.Count -= removed;
                Limits.Free(removed);
            }

            KeepOrRelease(s, output);
        }

        return MergeSameLabels(output);
    }

    private void KeepOrRelease(StepSeries s, List<StepSeries> output)
    {
        if (s.Count > 0)
        {
            output.Add(s);
        }
        else
        {
            s.Release();
        }
    }

    private void DiscardAll(List<StepSeries> series)
    {
        foreach (var s in series)
        {
            Limits.Free(s.Count);
            s.Release();
        }
    }

    /// <summary>
    /// Joins output series with equal labels into one, as Prometheus's <c>rangeEval</c> collects its per-step
    /// outputs by label hash: fine while they never have a value at the same step, "vector cannot contain metrics
    /// with the same labelset" when they do. Keeps the order of first appearance.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public List<StepSeries> MergeSameLabels(List<StepSeries> series)
    {
        if (series.Count < 2)
        {
            return series;
        }

        var first = new Dictionary<Labels, StepSeries>(series.Count);
        List<StepSeries>? merged = null;
        foreach (var s in series)
        {
            if (!first.TryGetValue(s.Metric, out var into))
            {
                first[s.Metric] = s;
                merged?.Add(s);
                continue;
            }

            merged ??= series.TakeWhile(x => !ReferenceEquals(x, s)).ToList();
            for (int i = 0; i < Steps; i++)
            {
                if (s.Has[i])
                {
                    if (into.Has[i])
                    {
                        ReleaseAll(series);
                        throw DuplicateLabelset();
                    }

                    into.Set(i, s.Values[i]);
                }
            }

            s.Release();
        }

        return merged ?? series;
    }
}
