using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Index;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb;

/// <summary>
/// A chunk the head cut, as a reader sees it: its bytes in <see cref="HeadChunkFile"/> (never written again, so
/// readers need no lock) and its time range.
/// </summary>
internal readonly record struct ClosedChunk(ReadOnlyMemory<byte> Bytes, long MinTime, long MaxTime);

/// <summary>
/// One head series (Prometheus's <c>memSeries</c>): closed chunks, the open chunk being appended to, and the
/// out-of-order samples. Everything mutable is guarded by <see cref="Lock"/>; the head takes it per append.
/// </summary>
internal sealed partial class MemSeries
{
    // The closed chunks are a chain in HeadChunkFile, newest first: each chunk's header holds the ref of the one
    // before. The series keeps only the newest ref and how many are kept (issue 5).
    private ulong _newestClosed = HeadChunkFile.NoChunk;
    private int _closedCount;
    // The open chunk inline (a struct): its newest sample is the series' newest in-order one, and the open chunk's
    // end time (issue 5, RSS per active series).
    private XorAppender _open;
    private long _openMinTime;
    private long _nextCutAt;
    private OutOfOrderSamples? _outOfOrder;
    private int _touched;

    /// <param name="labels">The index's shared pairs (<see cref="Index.MemPostings.Add"/>).</param>
    /// <param name="labelsHash">
    /// <see cref="Storage.Labels.GetHashCode"/> of the labels the series was created from, which
    /// <see cref="InternedLabels.ComputeHash"/> would compute again.
    /// </param>
    public MemSeries(ulong seriesRef, InternedLabels labels, int labelsHash) => (Ref, Labels, LabelsHash) = (seriesRef, labels, labelsHash);

    public ulong Ref { get; }

    /// <summary>
    /// The labels as the index's shared pairs: a reference per label, where a <see cref="Storage.Labels"/> of the
    /// series' own was ~128 bytes per series (issue 5, RSS per active series). <see cref="ToLabels"/> builds one for readers.
    /// </summary>
    public InternedLabels Labels { get; }

    /// <summary><see cref="Storage.Labels.GetHashCode"/> of the series' labels, kept for the labels stripes.</summary>
    public int LabelsHash { get; }

    /// <summary>The series' labels for a reader of the storage contract; allocates.</summary>
    public Labels ToLabels() => Labels.ToLabels(LabelsHash);

    /// <summary>
    /// The series itself, locked with <see cref="Monitor"/>: an uncontended monitor lives in the object header, where a
    /// <see cref="System.Threading.Lock"/> per series was another ~40-byte object for each of 100k series (issue 5, RSS
    /// per active series). Nothing else locks a <see cref="MemSeries"/>.
    /// </summary>
    public object Lock => this;

    /// <summary>Set under both the labels stripe lock and <see cref="Lock"/> when the head forgets the series.</summary>
    public bool Deleted { get; set; }

    /// <summary>
    /// Set by every <see cref="Head.GetOrCreate"/> of the series, taken (read and cleared at once) by every
    /// truncation: a series that someone just asked for may be about to get samples, so truncation keeps it one
    /// more round even if it is empty.
    /// </summary>
    public bool IsTouched => Volatile.Read(ref _touched) != 0;

    public void MarkTouched() => Volatile.Write(ref _touched, 1);

    /// <summary>Clears the touched mark and says whether it was set; atomic, as <see cref="MarkTouched"/> needs no lock.</summary>
    public bool TakeTouched() => Interlocked.Exchange(ref _touched, 0) != 0;

    /// <summary>Whether the series holds any in-order sample (so <see cref="LastTimestamp"/> is meaningful).</summary>
    /// <remarks>
    /// The open chunk is never empty while closed chunks are kept: a cut starts the next chunk with the sample
    /// that caused it, and truncation drops the open chunk only after every closed one.
    /// </remarks>
    public bool HasInOrder => _open.Count > 0;

    public long LastTimestamp => _open.LastTimestamp;

    public ulong LastValueBits => _open.LastValueBits;

    public bool IsEmpty => !HasInOrder && (_outOfOrder is null || _outOfOrder.Count == 0);

    /// <summary>
    /// Appends a sample newer than <see cref="LastTimestamp"/>; returns 1 when that started a chunk, else 0.
    /// Allocates only when the open chunk's buffer grows, or shrinks at a cut (see <see cref="XorAppender.Reset"/>), or
    /// when a cut fills a <see cref="HeadChunkFile"/> page.
    /// </summary>
    /// <param name="chunks">Where a cut chunk goes.</param>
    public int AppendInOrder(long t, ulong bits, long chunkRange, int samplesPerChunk, HeadChunkFile chunks)
    {
        if (!_open.IsStarted)
        {
            _open.Start(64);
        }

        int started = 0;
        int n = _open.Count;
        if (n == 0)
        {
            StartChunk(t, chunkRange);
            started = 1;
        }
        else
        {
            // Prometheus's appendPreprocessor: at a quarter of the target, predict the cut time that splits what is
            // left of the chunk range into chunks of equal size; cut there, at the range's end, or at twice the target.
            if (n == samplesPerChunk / 4)
            {
                _nextCutAt = ChunkEndTime(_openMinTime, _open.LastTimestamp, _nextCutAt);
            }

            if (t >= _nextCutAt || n >= 2 * samplesPerChunk)
            {
                Cut(chunks);
                StartChunk(t, chunkRange);
                started = 1;
            }
        }

        _open.Append(t, bits);
        return started;
    }

    /// <summary>Stores a sample older than <see cref="LastTimestamp"/>, unless the series holds that timestamp already.</summary>
    public OutOfOrderInsert InsertOutOfOrder(long t, ulong bits, HeadChunkFile chunks)
    {
        if (TryFindInOrder(t, chunks, out ulong stored))
        {
            return stored == bits ? OutOfOrderInsert.AlreadyStored : OutOfOrderInsert.Conflict;
        }

        _outOfOrder ??= new OutOfOrderSamples();
        return _outOfOrder.Insert(t, bits);
    }

    /// <summary>The value bits stored at <paramref name="t"/>, in order or out of order.</summary>
    public bool TryFind(long t, HeadChunkFile chunks, out ulong bits) =>
        TryFindInOrder(t, chunks, out bits) || (_outOfOrder is not null && _outOfOrder.TryGet(t, out bits));

    /// <summary>
    /// Drops the in-order chunks that end before <paramref name="mint"/> and the out-of-order samples before it;
    /// returns how many chunks went. A chunk that straddles <paramref name="mint"/> stays whole, as in Prometheus.
    /// <paramref name="minInOrderTime"/> is the oldest in-order timestamp left, meaningful when
    /// <see cref="HasInOrder"/>: the walk over the kept chunks finds it, so the series need not keep it.
    /// </summary>
    public int TruncateBefore(long mint, HeadChunkFile chunks, out long minInOrderTime)
    {
        _outOfOrder?.RemoveBefore(mint);
        int kept = 0;
        minInOrderTime = _openMinTime;
        var chain = Chain(chunks);
        while (chain.MoveNext() && chain.Current.MaxTime >= mint)
        {
            kept++;
            minInOrderTime = chain.Current.MinTime;
        }

        // Only the count shrinks: the kept chunks' refs are unchanged, and walks stop after that many.
        int drop = _closedCount - kept;
        _closedCount = kept;
        if (kept == 0)
        {
            _newestClosed = HeadChunkFile.NoChunk;
        }

        if (_open.Count > 0 && _open.LastTimestamp < mint)
        {
            // The open chunk is the newest, so nothing is left in order; the next sample starts afresh, as for a
            // series Prometheus's head has no chunk for.
            _open.Reset(compact: true);
            drop++;
        }

        return drop;
    }

    /// <summary>Drops the open chunk's buffer; the series is being forgotten.</summary>
    public void Release() => _open.Dispose();

    /// <summary>Prometheus's <c>rangeForTimestamp</c>: the end of the chunk range that holds <paramref name="t"/>.</summary>
    internal static long RangeEnd(long t, long chunkRange) => (t / chunkRange * chunkRange) + chunkRange;

    /// <summary>
    /// Prometheus's <c>computeChunkEndTime</c> with a ratio of 4: given a chunk from <paramref name="start"/> whose
    /// newest sample is at <paramref name="current"/> after a quarter of its target, the time at which to cut so
    /// that the rest of the range up to <paramref name="max"/> splits into equal chunks.
    /// </summary>
    internal static long ChunkEndTime(long start, long current, long max)
    {
        double n = (max - start) / ((current - start + 1) * 4.0);
        return n <= 1 ? max : (long)(start + ((max - start) / Math.Floor(n)));
    }

    private void StartChunk(long t, long chunkRange)
    {
        _openMinTime = t;
        _nextCutAt = RangeEnd(t, chunkRange);
    }

    private void Cut(HeadChunkFile chunks)
    {
        _newestClosed = chunks.Add(_open.Bytes, _openMinTime, _open.LastTimestamp, _newestClosed);
        _closedCount++;
        _open.Reset(compact: true);
    }

    /// <summary>The kept closed chunks, newest first.</summary>
    private ClosedChain Chain(HeadChunkFile chunks) => new(chunks, _newestClosed, _closedCount);

    /// <summary>Walks a series' closed chunks from the newest, no further than the count it kept.</summary>
    private struct ClosedChain(HeadChunkFile chunks, ulong newest, int count)
    {
        private ulong _next = newest;
        private int _left = count;

        public ClosedChunk Current { get; private set; }

        public bool MoveNext()
        {
            if (_left == 0)
            {
                return false;
            }

            _left--;
            Current = chunks.Read(_next, out _next);
            return true;
        }
    }
}
