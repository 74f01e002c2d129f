using System.Runtime.CompilerServices;
using Vigil.Tsdb.Storage;

namespace Vigil.PromQL.Engine;

internal sealed partial class Evaluator
{
    /// <summary>The time an <c>@</c> modifier fixes, if any: a number, or the outermost query's start or end.</summary>
    public long? AtTime(long? timestamp, AtModifier startOrEnd) => startOrEnd switch
    {
        AtModifier.Start => QueryStart,
        AtModifier.End => QueryEnd,
        _ => timestamp,
    };

    /// <summary>
    /// Selects a selector's series over the whole evaluation: from the first step minus the lookback (or the
    /// range) to the last step, shifted by the offset; with @, around that time only (engine.go,
    /// <c>getTimeRangesForSelector</c>).
    /// </summary>
    public ISeriesSet Select(VectorSelector vs, long range, string? func)
    {
        long offset = (long)vs.Offset.TotalMilliseconds;
        long start = Start, end = End;
        if (AtTime(vs.Timestamp, vs.StartOrEnd) is long at)
        {
            (start, end) = (at, at);
        }

        start -= (range == 0 ? LookbackMs : range) + offset;
        end -= offset;
        var hints = new SelectHints { Start = start, End = end, Step = Steps > 1 ? Interval : 0, Range = range, Func = func };
        var matchers = vs.Matchers as LabelMatcher[] ?? [.. vs.Matchers];
        return Querier.Select(start, end, hints, matchers);
    }

    /// <summary>The selector's reference time at a step: the step (or the @ time) minus the offset.</summary>
    private long RefTime(VectorSelector vs, long? at, int step) =>
        (at ?? StepTime(step)) - (long)vs.Offset.TotalMilliseconds;

    private StepValue EvalVectorSelector(VectorSelector vs) => StepValue.OfVector(SelectInstant(vs, false));

    /// <summary>
    /// Each series' newest sample within the lookback delta before each step ([t − lookback, t], closed as in 2.42);
    /// a stale marker as that newest sample ends the series there. With <paramref name="timestamps"/>, the
    /// sample's own time goes there instead of its value (for <c>timestamp()</c>). With a <paramref name="sink"/>,
    /// each series goes there as soon as it is filled (and the returned list stays empty).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public List<StepSeries> SelectInstant(VectorSelector vs, bool timestamps, Action<StepSeries>? sink = null)
    {
        long? at = AtTime(vs.Timestamp, vs.StartOrEnd);
        var result = new List<StepSeries>();
        using var set = Select(vs, 0, null);
        ISampleIterator? iterator = null;
        while (set.MoveNext())
        {
            Limits.Check();
            iterator = set.Current.Iterator(iterator);
            var series = StepSeries.Rent(set.Current.Labels, Steps, Limits);
            FillInstant(iterator, vs, at, series, timestamps);
            if (series.Count == 0)
            {
                series.Release();
                continue;
            }

            Limits.Take(series.Count);
            if (sink is null)
            {
                result.Add(series);
            }
            else
            {
                sink(series);
            }
        }

        AddWarnings(set.Warnings);
        return result;
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private void FillInstant(ISampleIterator it, VectorSelector vs, long? at, StepSeries series, bool timestamps)
    {
        var cursor = new LookbackCursor(it);
        int steps = at is null ? Steps : 1;
        for (int step = 0; step < steps; step++)
        {
            long refTime = RefTime(vs, at, step);
            if (cursor.TryAt(refTime, LookbackMs, out var point))
            {
                series.Set(step, timestamps ? point.T / 1000.0 : point.F);
            }
        }

        if (at is not null && series.Count == 1)
        {
            // Under @ every step sees the same sample.
            Array.Fill(series.Values, series.Values[0], 0, Steps);
            Array.Fill(series.Has, true, 0, Steps);
            series.Count = Steps;
        }
    }

    /// <summary>An instant query of a range selector: each series' points in [t − offset − range, t − offset].</summary>
    private List<Series> EvalMatrixSelectorPoints(MatrixSelector ms)
    {
        long range = (long)ms.Range.TotalMilliseconds;
        long maxt = RefTime(ms.VectorSelector, AtTime(ms.VectorSelector.Timestamp, ms.VectorSelector.StartOrEnd), 0);
        var result = new List<Series>();
        using var set = Select(ms.VectorSelector, range, null);
        using var window = new RangeWindow(Limits);
        ISampleIterator? iterator = null;
        while (set.MoveNext())
        {
            Limits.Check();
            iterator = set.Current.Iterator(iterator);
            window.Reset(iterator);
            var points = window.Advance(maxt - range, maxt);
            if (points.Length > 0)
            {
                var copy = points.ToArray();
                window.Clear();
                Limits.Take(copy.Length);
                result.Add(new Series(set.Current.Labels, copy));
            }
        }

        AddWarnings(set.Warnings);
        return result;
    }
}

/// <summary>
/// Walks a series forward to find, for increasing reference times, the newest sample at or before each one
/// (Prometheus's <c>vectorSelectorSingle</c> over a memoized iterator). Skips with <c>Seek</c> across gaps wider
/// than the lookback.
/// </summary>
internal struct LookbackCursor(ISampleIterator iterator)
{
    private FPoint _previous;
    private FPoint _next;
    private bool _hasPrevious;
    private bool _pending;
    private bool _exhausted;

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public bool TryAt(long refTime, long lookback, out FPoint point)
    {
        long from = refTime - lookback;
        if (!_pending && !_exhausted && (!_hasPrevious || _previous.T < from))
        {
            // Nothing held is recent enough: jump instead of reading every sample in between.
            _hasPrevious = false;
            Load(iterator.Seek(from));
        }

        while (true)
        {
            if (!_pending)
            {
                if (_exhausted)
                {
                    break;
                }

                Load(iterator.Next());
                continue;
            }

            if (_next.T > refTime)
            {
                break;
            }

            (_previous, _hasPrevious, _pending) = (_next, true, false);
        }

        point = _previous;
        return _hasPrevious && _previous.T >= from && !RangeWindow.IsStale(_previous.F);
    }

    private void Load(bool ok)
    {
        if (ok)
        {
            var (t, v) = iterator.At();
            (_next, _pending) = (new FPoint(t, v), true);
        }
        else
        {
            _exhausted = true;
        }
    }
}
