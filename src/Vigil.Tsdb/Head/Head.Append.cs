using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb;

/// <summary>The append rules (Prometheus's <c>head_append.go</c>, <c>memSeries.appendable</c>).</summary>
internal sealed partial class Head
{
    /// <summary>
    /// Appends one sample to a series from <see cref="GetOrCreate"/>. Returns <see cref="AppendError.None"/> when it
    /// is stored or repeats a stored sample exactly. Throws <see cref="UnknownSeriesException"/> when the head no
    /// longer has the series (see that exception). Allocates nothing unless it cuts a chunk.
    /// </summary>
    public AppendError Append(SeriesRef series, long timestampMs, double value)
    {
        var s = _series.GetByRef(series.Value);
        if (s is null)
        {
            ThrowUnknownSeries(series);
        }

        ulong bits = BitConverter.DoubleToUInt64Bits(value);
        lock (s.Lock)
        {
            if (s.Deleted)
            {
                ThrowUnknownSeries(series);
            }

            return AppendLocked(s, timestampMs, bits);
        }
    }

    /// <summary>
    /// The rules, in Prometheus's order. The caller holds the series lock and has checked it is not deleted.
    /// </summary>
    /// <remarks>
    /// <list type="bullet">
    /// <item>Before <see cref="MinValidTime"/>: out of bounds, whatever else holds (the range a block will own).</item>
    /// <item>Newer than the series' newest, or the series has no in-order sample: appended.</item>
    /// <item>Same timestamp as the newest: accepted and dropped when the value bits are equal (a retry, or
    /// federation; bits, so that a stale-marker NaN equals itself), else a duplicate.</item>
    /// <item>Older, with no window: out of order. With a window: too old when more than the window behind the
    /// head's newest sample (the head's, not the series', as in Prometheus), else stored out of order. Unlike
    /// Prometheus, which would store it and let reads pick one, a timestamp the series already holds (in or out
    /// of order) is an accepted no-op with equal bits and a duplicate otherwise, so retries stay harmless.</item>
    /// </list>
    /// Prometheus's appender also refuses samples older than half a chunk range behind the head's newest while
    /// out-of-order is off (<c>appendableMinValidTime</c>), to keep appends out of a block being compacted. Vigil
    /// has no compaction yet; its compactor will raise <see cref="MinValidTime"/> before it cuts a block instead.
    /// </remarks>
    internal AppendError AppendLocked(MemSeries s, long t, ulong bits)
    {
        if (t < Volatile.Read(ref _minValidTime))
        {
            return AppendError.OutOfBounds;
        }

        if (!s.HasInOrder || t > s.LastTimestamp)
        {
            if (s.AppendInOrder(t, bits, Options.ChunkRange, Options.SamplesPerChunk, _chunkFile) != 0)
            {
                Interlocked.Increment(ref _chunkCount);
            }

            // Reads first: the compare-exchange loops run only when a bound moves.
            if (t > Volatile.Read(ref _maxTime))
            {
                RaiseTo(ref _maxTime, t);
            }

            if (t < Volatile.Read(ref _minTime))
            {
                LowerTo(ref _minTime, t);
            }

            return AppendError.None;
        }

        if (t == s.LastTimestamp)
        {
            return bits == s.LastValueBits ? AppendError.None : AppendError.DuplicateSampleForTimestamp;
        }

        AppendError error = CheckOutOfOrderWindow(t, MaxTime);
        if (error != AppendError.None)
        {
            return error;
        }

        switch (s.InsertOutOfOrder(t, bits, _chunkFile))
        {
            case OutOfOrderInsert.Inserted:
                Interlocked.Increment(ref _outOfOrderSamples);
                return AppendError.None;
            case OutOfOrderInsert.AlreadyStored:
                return AppendError.None;
            default:
                return AppendError.DuplicateSampleForTimestamp;
        }
    }

    /// <summary>For a sample older than its series' newest: out of order, too old, or none (it may be stored).</summary>
    internal AppendError CheckOutOfOrderWindow(long t, long headMaxTime)
    {
        long window = Options.OutOfOrderTimeWindow;
        if (window == 0)
        {
            return AppendError.OutOfOrder;
        }

        // headMaxTime >= t here, so the difference fits an unsigned long even across the whole range of long.
        return unchecked((ulong)(headMaxTime - t)) > (ulong)window ? AppendError.TooOld : AppendError.None;
    }
}
