using System.Runtime.CompilerServices;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

internal sealed partial class Evaluator
{
    /// <summary>
    /// Arithmetic and comparisons between two vectors with one-to-one, many-to-one (<c>group_left</c>) or
    /// one-to-many (<c>group_right</c>) matching (engine.go, <c>VectorBinop</c>), at every step. For one-to-many
    /// the sides are swapped so that the "one" side is always indexed, and swapped back for the operands.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private List<StepSeries> VectorVector(BinaryExpr bin, List<StepSeries> lhs, List<StepSeries> rhs, VectorMatching vm)
    {
        bool swap = vm.Card == VectorMatchCardinality.OneToMany;
        var (many, one) = swap ? (rhs, lhs) : (lhs, rhs);
        var oneBySig = IndexOneSide(one, vm, swap ? "left" : "right");
        var pairing = new Pairing(this, bin, vm, swap);
        foreach (var m in many)
        {
            Limits.Check();
            var sig = Signature(m.Metric, vm);
            if (oneBySig.TryGetValue(sig, out var group))
            {
                foreach (var o in group)
                {
                    pairing.Pair(m, o, sig);
                }
            }
        }

        DiscardAll(lhs);
        DiscardAll(rhs);
        return pairing.Output;
    }

    /// <summary>
    /// The "one" side by signature. Two of its series with one signature are fine as long as they never have a
    /// value at the same step; when they do, Prometheus's many-to-many error names both.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private Dictionary<Labels, List<StepSeries>> IndexOneSide(List<StepSeries> one, VectorMatching vm, string side)
    {
        var bySig = new Dictionary<Labels, List<StepSeries>>(one.Count);
        foreach (var s in one)
        {
            var sig = Signature(s.Metric, vm);
            if (!bySig.TryGetValue(sig, out var group))
            {
                bySig[sig] = [s];
                continue;
            }

            foreach (var other in group)
            {
                for (int i = 0; i < Steps; i++)
                {
                    if (s.Has[i] && other.Has[i])
                    {
                        var matched = vm.On ? LabelSets.Keep(s.Metric, vm.MatchingLabels) : sig;
                        throw new QueryException(
                            QueryErrorKind.Execution,
                            $"found duplicate series for the match group {matched} on the {side} hand-side of the operation: " +
                            $"[{s.Metric}, {other.Metric}];many-to-many matching not allowed: matching labels must be unique on one side");
                    }
                }
            }

            group.Add(s);
        }

        return bySig;
    }

    /// <summary>The output of one vector-vector operation, built pair by pair, with Prometheus's duplicate checks per step.</summary>
    private sealed class Pairing(Evaluator ev, BinaryExpr bin, VectorMatching vm, bool swap)
    {
        private readonly Dictionary<Labels, StepSeries> _byMetric = [];
        private readonly Dictionary<Labels, Labels> _creatorSig = [];
        private readonly Dictionary<Labels, bool[]> _matchedSteps = [];

        public List<StepSeries> Output { get; } = [];

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public void Pair(StepSeries m, StepSeries o, Labels sig)
        {
            Labels? metric = null;
            StepSeries? target = null;
            int steps = ev.Steps;
            for (int i = 0; i < steps; i++)
            {
                if (!m.Has[i] || !o.Has[i])
                {
                    continue;
                }

                var (l, r) = swap ? (o.Values[i], m.Values[i]) : (m.Values[i], o.Values[i]);
                double v = Apply(bin.Op, l, r, out bool keep);
                if (bin.ReturnBool)
                {
                    v = keep ? 1 : 0;
                }
                else if (!keep)
                {
                    continue;
                }

                metric ??= ResultMetric(m.Metric, o.Metric);
                target ??= Target(metric, sig);
                if (vm.Card == VectorMatchCardinality.OneToOne)
                {
                    MarkMatched(sig, i);
                }

                if (target.Has[i])
                {
                    bool sameGroup = _creatorSig[metric].Equals(sig);
                    throw new QueryException(QueryErrorKind.Execution, sameGroup && vm.Card != VectorMatchCardinality.OneToOne
                        ? "multiple matches for labels: grouping labels must ensure unique matches"
                        : "vector cannot contain metrics with the same labelset");
                }

                target.Set(i, v);
                ev.Limits.Take(1);
            }
        }

        /// <summary>One-to-one: a second left series matching the same right one at a step needs group_left.</summary>
        private void MarkMatched(Labels sig, int step)
        {
            if (!_matchedSteps.TryGetValue(sig, out var matched))
            {
                _matchedSteps[sig] = matched = new bool[ev.Steps];
            }

            if (matched[step])
            {
                throw new QueryException(
                    QueryErrorKind.Execution, "multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)");
            }

            matched[step] = true;
        }

        private StepSeries Target(Labels metric, Labels sig)
        {
            if (!_byMetric.TryGetValue(metric, out var target))
            {
                _byMetric[metric] = target = StepSeries.Rent(metric, ev.Steps, ev.Limits);
                _creatorSig[metric] = sig;
                Output.Add(target);
            }

            return target;
        }

        /// <summary>engine.go's <c>resultMetric</c>: the "many" side's labels, trimmed by matching, plus group_x's labels from the "one" side.</summary>
        private Labels ResultMetric(Labels many, Labels one)
        {
            var metric = DropsName(bin.Op) || bin.ReturnBool ? LabelSets.DropMetricName(many) : many;
            if (vm.Card == VectorMatchCardinality.OneToOne)
            {
                metric = vm.On ? LabelSets.Keep(metric, vm.MatchingLabels) : LabelSets.Without(metric, vm.MatchingLabels);
            }

            foreach (var name in vm.Include)
            {
                metric = LabelSets.With(metric, name, one.Get(name));
            }

            return metric;
        }
    }
}
