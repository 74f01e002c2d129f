using Vigil.Tsdb.Index;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb;

/// <summary>
/// The head's series, by labels and by ref, in lock stripes (Prometheus's <c>stripeSeries</c>), so that appends
/// and lookups from many feeders rarely contend. Refs increase with creation, so postings lists stay sorted by
/// appending.
/// </summary>
/// <remarks>
/// Lock order, never reversed: labels stripe, then series lock, then ref stripe, then the postings' lock. Creation
/// takes the labels stripe and, inside it, the postings' write lock and the ref stripe, so a series is in the index
/// and findable by ref before anyone can find it by labels. Appends take only a ref stripe (released) and then
/// the series lock.
/// </remarks>
internal sealed class StripeSeries
{
    /// <summary>1024 stripes. Prometheus uses 16384; the head is fed by a handful of threads, so fewer do.</summary>
    internal const int StripeBits = 10;
    private const int Stripes = 1 << StripeBits;

    private readonly LabelsStripe[] _byLabels = new LabelsStripe[Stripes];
    private readonly RefStripe[] _byRef = new RefStripe[Stripes];
    private readonly MemPostings _postings;
    private long _lastRef;

    public StripeSeries(MemPostings postings)
    {
        _postings = postings;
        for (int i = 0; i < Stripes; i++)
        {
            _byLabels[i] = new LabelsStripe();
            _byRef[i] = new RefStripe();
        }
    }

    public MemSeries? GetByRef(ulong seriesRef)
    {
        var stripe = _byRef[(int)(seriesRef & (Stripes - 1))];
        lock (stripe.Lock)
        {
            return stripe.Series.Get(seriesRef);
        }
    }

    /// <summary>The live series with <paramref name="labels"/>, created (and indexed) if there is none; marks it touched.</summary>
    public MemSeries GetOrCreate(Labels labels, out bool created)
    {
        var stripe = _byLabels[labels.GetHashCode() & (Stripes - 1)];
        lock (stripe.Lock)
        {
            if (stripe.Series.Get(labels) is { Deleted: false } existing)
            {
                existing.MarkTouched();
                created = false;
                return existing;
            }

            // Indexed first, as the series keeps the index's shared pairs; a query that finds the ref in the index
            // before the ref stripe has it skips it, as it would a series forgotten meanwhile. It has no sample yet.
            ulong seriesRef = (ulong)Interlocked.Increment(ref _lastRef);
            var series = new MemSeries(seriesRef, _postings.Add(seriesRef, labels), labels.GetHashCode());
            series.MarkTouched();
            var refStripe = _byRef[(int)(series.Ref & (Stripes - 1))];
            lock (refStripe.Lock)
            {
                refStripe.Series.Set(series.Ref, series);
            }

            stripe.Series.Set(labels, series);
            created = true;
            return series;
        }
    }

    /// <summary>
    /// Forgets <paramref name="series"/> if, under its labels stripe and its own lock, <paramref name="canDelete"/>
    /// still holds: a concurrent <see cref="GetOrCreate"/> either ran first (and touched it) or will create a new
    /// series. The caller removes it from the postings.
    /// </summary>
    public bool TryDelete(MemSeries series, Func<MemSeries, bool> canDelete)
    {
        var stripe = _byLabels[series.LabelsHash & (Stripes - 1)];
        lock (stripe.Lock)
        {
            lock (series.Lock)
            {
                if (series.Deleted || !canDelete(series))
                {
                    return false;
                }

                series.Deleted = true;
                series.Release();
            }

            stripe.Series.Remove(series);

            var refStripe = _byRef[(int)(series.Ref & (Stripes - 1))];
            lock (refStripe.Lock)
            {
                refStripe.Series.Remove(series);
            }

            return true;
        }
    }

    /// <summary>Every live series at the time each stripe is visited.</summary>
    public List<MemSeries> Snapshot()
    {
        var all = new List<MemSeries>();
        foreach (var stripe in _byRef)
        {
            lock (stripe.Lock)
            {
                stripe.Series.CopyTo(all);
            }
        }

        return all;
    }

    private sealed class LabelsStripe
    {
        public Lock Lock { get; } = new();

        public SeriesSlots<Labels, SeriesLabelsKey> Series { get; } = new();
    }

    private sealed class RefStripe
    {
        public Lock Lock { get; } = new();

        public SeriesSlots<ulong, SeriesRefKey> Series { get; } = new();
    }
}
