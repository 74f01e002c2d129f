using System.Diagnostics.CodeAnalysis;
using Vigil.Tsdb.Feed;
using Vigil.Tsdb.Index;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb;

/// <summary>
/// The in-memory part of the TSDB (Prometheus's <c>tsdb.Head</c>): series with Gorilla XOR chunks, their postings
/// index, and out-of-order samples within <see cref="HeadOptions.OutOfOrderTimeWindow"/>. It is filled by the WAL
/// feeders (<see cref="ISampleSink"/>) and by appenders (<see cref="IAppendable"/>), and read by queriers
/// (<see cref="IQueryableStorage"/>). Thread-safe throughout.
/// </summary>
/// <remarks>
/// Split like Prometheus's head: this file holds state and series lookup, <c>Head.Append.cs</c> the append rules,
/// <c>Head.Read.cs</c> selection for queriers, <c>Head.Truncate.cs</c> dropping old data. Appending to an existing
/// series and iterating query results allocate nothing per sample (docs/benchmarks.md).
/// </remarks>
internal sealed partial class Head : ISampleSink, IAppendable, IQueryableStorage, IDisposable
{
    private readonly StripeSeries _series;
    private readonly MemPostings _postings = new();
    private long _minTime = long.MaxValue;
    private long _maxTime = long.MinValue;
    private long _minValidTime = long.MinValue;
    private long _seriesCount;
    private long _chunkCount;
    private long _outOfOrderSamples;
    private long _refusedAtCommit;
    private readonly HeadChunkFile _chunkFile;

    public Head(HeadOptions? options = null)
    {
        Options = options ?? HeadOptions.Default;
        Options.Validate();
        _series = new StripeSeries(_postings);
        _chunkFile = Options.ChunkDirectory is { } directory ? HeadChunkFile.Open(directory) : HeadChunkFile.InMemory();
    }

    public HeadOptions Options { get; }

    /// <summary>
    /// Oldest in-order timestamp, <see cref="long.MaxValue"/> before the first sample. A lower bound after a
    /// truncation (Prometheus sets it to the truncation point), never above any stored in-order sample.
    /// </summary>
    public long MinTime => Volatile.Read(ref _minTime);

    /// <summary>Newest in-order timestamp, <see cref="long.MinValue"/> before the first sample; the anchor of the out-of-order window.</summary>
    public long MaxTime => Volatile.Read(ref _maxTime);

    /// <summary>Samples before this are refused as out of bounds; raised by <see cref="TruncateBefore"/>.</summary>
    public long MinValidTime => Volatile.Read(ref _minValidTime);

    /// <summary>Series in the head (Prometheus's <c>prometheus_tsdb_head_series</c>).</summary>
    public long SeriesCount => Volatile.Read(ref _seriesCount);

    /// <summary>In-order chunks in the head, open ones included (<c>prometheus_tsdb_head_chunks</c>).</summary>
    public long ChunkCount => Volatile.Read(ref _chunkCount);

    /// <summary>
    /// Samples stored out of order since start (<c>prometheus_tsdb_head_out_of_order_samples_appended_total</c>).
    /// Refused samples are counted by whoever appended them.
    /// </summary>
    public long OutOfOrderSamples => Volatile.Read(ref _outOfOrderSamples);

    /// <summary>
    /// Samples an appender accepted at <see cref="IAppender.Append"/> that another writer made invalid before the
    /// commit (as in Prometheus, a commit applies what it can and counts the rest).
    /// </summary>
    public long RefusedAtCommit => Volatile.Read(ref _refusedAtCommit);

    internal MemPostings Postings => _postings;

    /// <summary>Throws <see cref="ArgumentException"/> for an empty label set, which no series may have.</summary>
    public SeriesRef GetOrCreate(Labels labels) => GetOrCreate(labels, out _);

    /// <inheritdoc cref="GetOrCreate(Labels)"/>
    public SeriesRef GetOrCreate(Labels labels, out InternedLabels interned)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.Count == 0)
        {
            throw new ArgumentException(AppendException.Describe(AppendError.InvalidLabels), nameof(labels));
        }

        var series = GetOrCreateSeries(labels);
        interned = series.Labels;
        return new SeriesRef(series.Ref);
    }

    public IAppender Appender() => new HeadAppender(this);

    /// <summary>Returns the open chunks' pooled buffers. The head must not be used afterwards.</summary>
    public void Dispose()
    {
        foreach (var series in _series.Snapshot())
        {
            lock (series.Lock)
            {
                series.Release();
            }
        }

        _postings.Dispose();
        _chunkFile.Dispose();
    }

    /// <summary>Keeps the closed chunks a reader may see readable until disposed (see <see cref="HeadChunkFile"/>).</summary>
    internal IDisposable AcquireChunkLease() => _chunkFile.AcquireLease();

    /// <summary>Where the closed chunks are; readers resolve a series' chunk chain through it.</summary>
    internal HeadChunkFile Chunks => _chunkFile;

    /// <summary>Segments of <see cref="HeadOptions.ChunkDirectory"/> on disk; 0 without one.</summary>
    internal int ChunkSegmentCount => _chunkFile.SegmentCount;

    internal MemSeries GetOrCreateSeries(Labels labels)
    {
        var series = _series.GetOrCreate(labels, out bool created);
        if (created)
        {
            Interlocked.Increment(ref _seriesCount);
        }

        return series;
    }

    /// <summary>The live series with this ref, or null.</summary>
    internal MemSeries? GetSeries(SeriesRef seriesRef) => _series.GetByRef(seriesRef.Value) is { Deleted: false } s ? s : null;

    internal void CountRefusedAtCommit() => Interlocked.Increment(ref _refusedAtCommit);

    [DoesNotReturn]
    private static void ThrowUnknownSeries(SeriesRef seriesRef) => throw new UnknownSeriesException(seriesRef);

    private static void LowerTo(ref long field, long value)
    {
        long current = Volatile.Read(ref field);
        while (value < current)
        {
            long seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    private static void RaiseTo(ref long field, long value)
    {
        long current = Volatile.Read(ref field);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref field, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
