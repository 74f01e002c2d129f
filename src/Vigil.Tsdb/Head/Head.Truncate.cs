using Vigil.Tsdb.Index;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb;

/// <summary>Dropping old data (Prometheus's <c>Head.truncateMemory</c> and <c>stripeSeries.gc</c>).</summary>
internal sealed partial class Head
{
    /// <summary>
    /// Refuses samples before <paramref name="t"/> from now on, without dropping anything: the first step of cutting a
    /// block of data before <paramref name="t"/>, so no late sample can land in a range being written.
    /// </summary>
    public void RaiseMinValidTime(long t) => RaiseTo(ref _minValidTime, t);

    /// <summary>
    /// Drops the in-order chunks that end before <paramref name="mint"/> and the out-of-order samples before it,
    /// forgets the series left without samples, and refuses samples before <paramref name="mint"/> from now on
    /// (<see cref="MinValidTime"/>). Safe to call while appends and queries run. Called once a block holds the data.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>A chunk that straddles <paramref name="mint"/> stays whole (Prometheus drops whole chunks only), so
    /// queries may still see a few samples before <paramref name="mint"/>.</item>
    /// <item>A series is forgotten only if no <see cref="GetOrCreate"/> asked for it since the previous truncation.
    /// Prometheus forgets an empty series at once, but its appenders hold a series through their commit; a WAL
    /// feeder holds refs for longer, and a series it was just handed must not vanish before its first sample.</item>
    /// <item>As in Prometheus, <see cref="MinTime"/> becomes <paramref name="mint"/> (or older, if a straddling chunk
    /// keeps older samples) and <see cref="MaxTime"/> is raised to at least <paramref name="mint"/>, once the head has
    /// had samples.</item>
    /// </list>
    /// </remarks>
    public void TruncateBefore(long mint)
    {
        // First, so that no append races below mint while the series are visited.
        RaiseTo(ref _minValidTime, mint);

        long droppedChunks = 0;
        long remainingMin = long.MaxValue;
        var emptied = new List<MemSeries>();
        foreach (var series in _series.Snapshot())
        {
            bool wasTouched = series.TakeTouched();
            lock (series.Lock)
            {
                if (series.Deleted)
                {
                    continue;
                }

                droppedChunks += series.TruncateBefore(mint, _chunkFile, out long minInOrder);
                if (series.HasInOrder)
                {
                    remainingMin = Math.Min(remainingMin, minInOrder);
                }
                else if (series.IsEmpty && !wasTouched)
                {
                    emptied.Add(series);
                }
            }
        }

        Interlocked.Add(ref _chunkCount, -droppedChunks);
        ForgetEmptySeries(emptied);
        _chunkFile.TruncateBefore(mint);

        if (MaxTime != long.MinValue)
        {
            // Appends from now on are at or after mint, so raising to min(mint, oldest kept) can hide no sample.
            RaiseTo(ref _minTime, Math.Min(mint, remainingMin));
            RaiseTo(ref _maxTime, mint);
        }
    }

    private void ForgetEmptySeries(List<MemSeries> candidates)
    {
        var deleted = new List<(ulong Ref, InternedLabels Labels)>(candidates.Count);
        foreach (var series in candidates)
        {
            // Rechecked under the labels stripe: a GetOrCreate since the visit touched it, or an append filled it.
            if (_series.TryDelete(series, static s => s.IsEmpty && !s.IsTouched))
            {
                deleted.Add((series.Ref, series.Labels));
            }
        }

        _postings.Delete(deleted);
        Interlocked.Add(ref _seriesCount, -deleted.Count);
    }
}
