using Vigil.Tsdb.Blocks;
using Vigil.Tsdb.Chunks;
using Vigil.Tsdb.Feed;
using Vigil.Tsdb.Querying;
using Vigil.Tsdb.Storage;

namespace Vigil.Tsdb;

/// <summary>Settings of the embedded TSDB, from the <c>storage</c> section.</summary>
/// <param name="Directory">Where blocks live (<c>&lt;data&gt;/tsdb</c>).</param>
/// <param name="OutOfOrderTimeWindowMs">out_of_order_time_window in milliseconds; 0 rejects out-of-order samples.</param>
/// <param name="RetentionMs">retention_time in milliseconds; 0 keeps blocks forever.</param>
/// <param name="RetentionBytes">retention_size; 0 means no limit.</param>
internal sealed record LocalStorageOptions(string Directory, long OutOfOrderTimeWindowMs, long RetentionMs = 0, long RetentionBytes = 0)
{
    /// <summary>How often the head is checked for a block to cut, compaction and retention.</summary>
    public TimeSpan MaintenanceInterval { get; init; } = TimeSpan.FromMinutes(1);

    /// <summary>The head's chunk range, which is also the span of a block cut from it (2 h, as Prometheus).</summary>
    public long ChunkRangeMs { get; init; } = HeadOptions.DefaultChunkRange;

    /// <summary>
    /// Samples per head chunk. Default 20, not Prometheus's 120: the open chunk is the only part of a series' samples
    /// kept on the heap (closed ones go to <c>chunks_head</c>), and all series scraped at one interval have theirs
    /// full at the same time, so its size is what the heap holds per series at the peak (issue 5, RSS per active
    /// series: 171 bytes a series at 30 samples, 146 at 20, at 100k node_exporter series). The price is in
    /// <c>chunks_head</c>: a 24-byte header and a first sample of ~10 bytes per chunk, about 1.7 bytes per sample at
    /// 20. Blocks are unaffected: a block cut joins head chunks into chunks of up to
    /// <see cref="HeadOptions.BlockSamplesPerChunk"/> samples.
    /// </summary>
    public int HeadSamplesPerChunk { get; init; } = 20;

    /// <summary>
    /// <c>block_chunk_encoding</c>: the chunks of blocks cut from the head and of compacted blocks. Vigil-decimal
    /// by default (issue 5's bytes-per-sample target); XOR keeps blocks readable by Prometheus's tools.
    /// </summary>
    public ChunkEncoding BlockChunkEncoding { get; init; } = ChunkEncoding.VigilDecimal;

    /// <summary>How blocks are written, from <see cref="BlockChunkEncoding"/>.</summary>
    internal BlockWriteOptions BlockWrite => new() { Encoding = BlockChunkEncoding };
}

/// <summary>What maintenance did; counted for the self-metrics.</summary>
internal sealed class StorageCounters
{
    private long _blocksCut;
    private long _compactions;
    private long _compactionFailures;
    private long _retentionDeletions;
    private long _compactionTicks;

    public long BlocksCut => Interlocked.Read(ref _blocksCut);

    public long Compactions => Interlocked.Read(ref _compactions);

    public long CompactionFailures => Interlocked.Read(ref _compactionFailures);

    public long RetentionDeletions => Interlocked.Read(ref _retentionDeletions);

    /// <summary>Time spent compacting, successful or not.</summary>
    public TimeSpan CompactionTime => TimeSpan.FromTicks(Interlocked.Read(ref _compactionTicks));

    internal void CompactionTook(TimeSpan duration) => Interlocked.Add(ref _compactionTicks, duration.Ticks);

    internal void CutBlock() => Interlocked.Increment(ref _blocksCut);

    internal void Compacted(int count) => Interlocked.Add(ref _compactions, count);

    internal void CompactionFailed() => Interlocked.Increment(ref _compactionFailures);

    internal void Retained(int count) => Interlocked.Add(ref _retentionDeletions, count);
}

/// <summary>
/// The process's embedded TSDB (issue 5): one head, filled by a feeder per instance run from that instance's WAL,
/// and the immutable blocks in <c>&lt;data&gt;/tsdb</c>. Maintenance cuts every chunk range of head data into a
/// block once the head spans one and a half ranges (as Prometheus's head compaction), compacts blocks, and applies
/// retention. It outlives instance runs, so it keeps each instance's feed state. Queries go through the storage
/// contract only: blocks first, then the head, merged.
/// </summary>
internal sealed partial class LocalStorage : IQueryableStorage, IDisposable
{
    private readonly Dictionary<string, FeedState> _feeds = new(StringComparer.Ordinal);
    private readonly Action<string> _log;
    private readonly Compactor _compactor;
    private readonly SemaphoreSlim _maintenance = new(1, 1);
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private long _cutBefore = long.MinValue;

    public LocalStorage(LocalStorageOptions options, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        Options = options;
        _log = log ?? (_ => { });
        Blocks = BlockDirectory.Open(options.Directory, message => _log("tsdb: " + message));
        _compactor = new Compactor(Blocks, new CompactorOptions { Write = options.BlockWrite });
        Head = new Head(new HeadOptions
        {
            OutOfOrderTimeWindow = options.OutOfOrderTimeWindowMs,
            ChunkRange = options.ChunkRangeMs,
            SamplesPerChunk = options.HeadSamplesPerChunk,
            ChunkDirectory = Path.Combine(options.Directory, "chunks_head"),
        });

        // Whatever a block holds is not taken again from a WAL replay (Prometheus's minValidTime at start-up).
        Head.RaiseMinValidTime(PersistedBefore);
    }

    public LocalStorageOptions Options { get; }

    public Head Head { get; }

    public BlockDirectory Blocks { get; }

    public StorageCounters Counters { get; } = new();

    /// <summary>Samples before this time are in blocks (the newest block's end); long.MinValue when there are none.</summary>
    public long PersistedBefore
    {
        get
        {
            // Read by every WAL feeder once per samples record: a plain loop over the (few) blocks.
            long max = long.MinValue;
            foreach (var block in Blocks.Blocks)
            {
                max = Math.Max(max, block.Meta.MaxTime);
            }

            return max;
        }
    }

    public IQuerier Querier() => Querier(long.MinValue, long.MaxValue);

    /// <summary>The blocks and the head that overlap [<paramref name="mint"/>, <paramref name="maxt"/>].</summary>
    public IQuerier Querier(long mint, long maxt)
    {
        // Blocks first: for a timestamp both hold, the merge keeps the first querier's sample, and a block is final.
        var queriers = Blocks.BlockQueriers(mint, maxt);
        queriers.Add(Head.Querier(mint, maxt));
        return new MergeQuerier(queriers);
    }

    /// <summary>Starts the background maintenance (block cutting, compaction, retention).</summary>
    public void Start()
    {
        if (_loop is not null)
        {
            throw new InvalidOperationException("storage maintenance was already started");
        }

        _loop = Task.Run(() => MaintainLoopAsync(_stop.Token));
    }

    /// <summary>
    /// A feeder for one run of <paramref name="instance"/>, continuing the previous run's feed when the WAL directory
    /// is the same, and starting afresh (a new ref space) when it moved.
    /// </summary>
    public WalFeeder CreateFeeder(string instance, string walDirectory, Action<string> warn)
    {
        FeedState state;
        lock (_feeds)
        {
            if (!_feeds.TryGetValue(instance, out state!) || !string.Equals(state.WalDirectory, walDirectory, StringComparison.Ordinal))
            {
                state = new FeedState(walDirectory);
                _feeds[instance] = state;
            }
        }

        return new WalFeeder(state, Head, warn, persistedBefore: () => PersistedBefore);
    }

    /// <summary>One round of maintenance: cut what the head has ready, compact, apply retention. Serialized.</summary>
    public async Task MaintainAsync()
    {
        await _maintenance.WaitAsync().ConfigureAwait(false);
        try
        {
            while (CutOneBlock())
            {
            }

            Compact();
            ApplyRetention();
        }
        finally
        {
            _maintenance.Release();
        }
    }

    public void Dispose()
    {
        _stop.Cancel();
        try
        {
            _loop?.GetAwaiter().GetResult();
        }
        catch (OperationCanceledException)
        {
            // Stopping.
        }

        Head.Dispose();
        Blocks.Dispose();
        _stop.Dispose();
        _maintenance.Dispose();
    }

    /// <summary>
    /// Cuts the oldest chunk range of the head into a block once the head spans one and a half ranges, so the range
    /// is behind every series' active chunk (Prometheus's Head.compactable), and once the out-of-order window has
    /// passed it too: a block's range refuses late samples from then on, so cutting earlier would shorten a window
    /// longer than half a range. (Prometheus keeps such samples in out-of-order head chunks and writes them as
    /// overlapping blocks; here the head keeps the range until the window is past, which costs chunks_head space,
    /// not memory per series.) Late samples for the range are refused first.
    /// </summary>
    private bool CutOneBlock()
    {
        long range = Options.ChunkRangeMs;
        long minTime = Head.MinTime, maxTime = Head.MaxTime;
        if (maxTime == long.MinValue || maxTime - minTime <= range / 2 * 3)
        {
            return false;
        }

        long mint = Math.Max(FloorTo(minTime, range), Math.Max(PersistedBefore, _cutBefore));
        long maxt = FloorTo(mint, range) + range;
        if (maxt > maxTime - Math.Max(range / 2, Options.OutOfOrderTimeWindowMs))
        {
            return false;
        }

        _cutBefore = maxt;
        Head.RaiseMinValidTime(maxt);
        var block = Blocks.WriteBlock(Head.ChunksInRange(mint, maxt), mint, maxt, Options.BlockWrite);
        Head.TruncateBefore(maxt);
        if (block is not null)
        {
            Counters.CutBlock();
            _log($"tsdb: wrote {block}");
        }

        return true;
    }

    private void Compact()
    {
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            Counters.Compacted(_compactor.CompactAll());
        }
#pragma warning disable CA1031 // A failed compaction leaves its sources in place (the new block never renamed in); the next round retries.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            Counters.CompactionFailed();
            _log("tsdb: compaction failed: " + ex.Message);
        }
        finally
        {
            Counters.CompactionTook(System.Diagnostics.Stopwatch.GetElapsedTime(started));
        }
    }

    /// <summary>Prometheus's retention: whole blocks, oldest first, by age relative to the newest block and by total size.</summary>
    private void ApplyRetention()
    {
        var blocks = Blocks.Blocks;
        if (blocks.Count == 0)
        {
            return;
        }

        var doomed = new List<Block>();
        if (Options.RetentionMs > 0)
        {
            long newest = PersistedBefore;
            doomed.AddRange(blocks.Where(b => newest - b.Meta.MaxTime >= Options.RetentionMs));
        }

        if (Options.RetentionBytes > 0)
        {
            long total = blocks.Where(b => !doomed.Contains(b)).Sum(b => b.Size);
            foreach (var block in blocks.Where(b => !doomed.Contains(b)).OrderBy(b => b.Meta.MinTime))
            {
                if (total <= Options.RetentionBytes)
                {
                    break;
                }

                doomed.Add(block);
                total -= block.Size;
            }
        }

        if (doomed.Count > 0)
        {
            Blocks.Delete(doomed, "beyond retention");
            Counters.Retained(doomed.Count);
        }
    }

    private async Task MaintainLoopAsync(CancellationToken stop)
    {
        using var timer = new PeriodicTimer(Options.MaintenanceInterval);
        while (await timer.WaitForNextTickAsync(stop).ConfigureAwait(false))
        {
            try
            {
                await MaintainAsync().ConfigureAwait(false);
            }
#pragma warning disable CA1031 // A failing round (a full disk) is reported; the head keeps the data and the next round retries.
            catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
            {
                _log("tsdb: maintenance failed: " + ex.Message);
            }
        }
    }

    private static long FloorTo(long t, long range) => t >= 0 ? t - (t % range) : t - (((t % range) + range) % range);
}
