using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

internal sealed partial class Evaluator
{
    /// <summary>
    /// Evaluates a subquery's inner expression on its own steps (engine.go, <c>SubqueryExpr</c>): every multiple of
    /// the subquery step from the first step's window start to the last step (with @, around that time), shifted
    /// by the offset. The result is each series' points at those steps, in time order.
    /// </summary>
    /// <remarks>With <paramref name="slides"/> (predict_linear's @ quirk) an @ subquery covers the query's length after the @ time.</remarks>
    private List<Series> EvalSubquery(SubqueryExpr sq, bool slides = false)
    {
        long offset = (long)sq.Offset.TotalMilliseconds;
        long range = (long)sq.Range.TotalMilliseconds;
        long step = (long)(sq.Step == TimeSpan.Zero ? Options.DefaultSubqueryStep : sq.Step).TotalMilliseconds;
        var (start, end) = AtTime(sq.Timestamp, sq.StartOrEnd) is long at ? (at, at + (slides ? End - Start : 0)) : (Start, End);
        long from = start - offset - range;
        long innerStart = step * (from / step);
        if (innerStart < from)
        {
            innerStart += step;
        }

        long innerEnd = end - offset;
        if (innerEnd < innerStart)
        {
            return [];
        }

        var inner = new Evaluator(Querier, Options, Limits, innerStart, innerEnd, step, QueryStart, QueryEnd, _warnings);
        var value = inner.Eval(sq.Expr);
        var result = new List<Series>(value.Vector.Count);
        foreach (var s in value.Vector)
        {
            result.Add(new Series(s.Metric, inner.ToPoints(s)));
        }

        return result;
    }

    /// <summary>A subquery as the query's own result (an instant query): all its points, still counted as held.</summary>
    private List<Series> EvalSubqueryPoints(SubqueryExpr sq) => EvalSubquery(sq);

    /// <summary>The series a range function reads: a range selector's (from storage) or a subquery's (in memory).</summary>
    private sealed class RangeSource : IDisposable
    {
        private readonly ISeriesSet? _set;
        private readonly List<Series>? _series;
        private ISampleIterator? _iterator;
        private int _index = -1;

        public RangeSource(ISeriesSet set) => _set = set;

        private readonly QueryLimits? _limits;

        /// <summary>A subquery's points, counted as held until disposed (engine.go frees them after the call).</summary>
        public RangeSource(List<Series> series, QueryLimits limits) => (_series, _limits) = (series, limits);

        public Labels Labels { get; private set; } = Labels.Empty;

        /// <summary>Moves to the next series and points <paramref name="window"/> at it.</summary>
        public bool MoveNext(RangeWindow window)
        {
            if (_set is not null)
            {
                if (!_set.MoveNext())
                {
                    return false;
                }

                Labels = _set.Current.Labels;
                _iterator = _set.Current.Iterator(_iterator);
                window.Reset(_iterator);
                return true;
            }

            if (++_index >= _series!.Count)
            {
                return false;
            }

            Labels = _series[_index].Metric;
            var points = (FPoint[])_series[_index].Points;
            window.Reset(points, points.Length);
            return true;
        }

        public IReadOnlyList<string> Warnings => _set?.Warnings ?? [];

        public void Dispose()
        {
            _set?.Dispose();
            foreach (var s in _series ?? [])
            {
                _limits!.Free(s.Points.Count);
            }
        }
    }
}
