using System.Buffers;
using System.Collections.Concurrent;
using Vigil.Scrape.Loop;
using Vigil.Wal;

namespace Vigil.Instances;

/// <summary>
/// A scrape loop's appender over its instance's WAL. A scrape's samples are buffered and
/// committed together; series new to the WAL get refs and their records under the series lock,
/// exactly as the remote-write receiver does, so a series record always precedes its samples.
/// Each <see cref="ScrapedSeries"/> caches its ref, so a known series costs no lookup.
/// </summary>
/// <remarks>
/// Buffers live only from a scrape's first sample to its commit: the pending samples in a pooled array and the
/// record bytes in a batch from a small shared pool. A thousand loops scrape at different moments, so they share a
/// few buffers instead of each keeping its largest scrape's (issue 4's 1,000 x 1,000 memory target).
/// </remarks>
internal sealed class WalScrapeAppender : IScrapeAppender
{
    private const int MinimumPending = 64;
    private const int PooledBatches = 16;

    private static readonly ConcurrentBag<WalBatch> Batches = [];

    private readonly Wal.Wal _wal;
    private (ScrapedSeries Series, long TimestampMs, double Value)[] _pending = [];
    private int _count;
    private int _sizeHint = MinimumPending;

    public WalScrapeAppender(Wal.Wal wal)
    {
        _wal = wal;
    }

    public void Append(ScrapedSeries series, long timestampMs, double value)
    {
        if (_count == _pending.Length)
        {
            Grow();
        }

        _pending[_count++] = (series, timestampMs, value);
    }

    public void Rollback() => ReleasePending();

    public async Task CommitAsync()
    {
        if (_count == 0)
        {
            ReleasePending();
            return;
        }

        var samples = TakeBatch();
        var series = TakeBatch();
        Task<WalPosition>? seriesCommit;
        try
        {
            seriesCommit = ResolveNewSeries(series);
            foreach (var (scraped, timestampMs, value) in _pending.AsSpan(0, _count))
            {
                samples.AddSample(scraped.Ref, timestampMs, value);
            }
        }
        finally
        {
            ReleasePending();
        }

        var samplesCommit = _wal.CommitAsync(samples);
        if (seriesCommit is not null)
        {
            await seriesCommit.ConfigureAwait(false);
        }

        await samplesCommit.ConfigureAwait(false);

        // Only after both commits finished: until then the WAL may still be reading the batches. A failed commit
        // throws above and its batches are left to the GC, never reused while a write might hold them.
        ReturnBatch(samples);
        ReturnBatch(series);
    }

    private static WalBatch TakeBatch()
    {
        if (!Batches.TryTake(out var batch))
        {
            batch = new WalBatch();
        }

        batch.Reset();
        return batch;
    }

    private static void ReturnBatch(WalBatch batch)
    {
        if (Batches.Count < PooledBatches)
        {
            Batches.Add(batch);
        }
    }

    private void Grow()
    {
        var bigger = ArrayPool<(ScrapedSeries, long, double)>.Shared.Rent(Math.Max(_sizeHint, _pending.Length * 2));
        _pending.AsSpan(0, _count).CopyTo(bigger);
        ReturnPending();
        _pending = bigger;
    }

    private void ReleasePending()
    {
        if (_count > 0)
        {
            _sizeHint = Math.Max(MinimumPending, _count + (_count / 8));
        }

        ReturnPending();
        _pending = [];
        _count = 0;
    }

    private void ReturnPending()
    {
        if (_pending.Length > 0)
        {
            // Cleared so a pooled array does not keep series of a stopped loop alive.
            ArrayPool<(ScrapedSeries, long, double)>.Shared.Return(_pending, clearArray: true);
        }
    }

    private Task<WalPosition>? ResolveNewSeries(WalBatch seriesBatch)
    {
        var anyNew = false;
        foreach (var pending in _pending.AsSpan(0, _count))
        {
            anyNew |= pending.Series.Ref == 0;
        }

        if (!anyNew)
        {
            return null;
        }

        lock (_wal.Series)
        {
            foreach (var (series, _, _) in _pending.AsSpan(0, _count))
            {
                if (series.Ref != 0)
                {
                    continue;
                }

                var key = CanonicalLabels.Encode([.. series.Labels]);
                if (!_wal.Series.TryGet(key, out var seriesRef))
                {
                    seriesRef = _wal.Series.Add(key);
                    seriesBatch.AddSeries(seriesRef, key);
                }

                series.Ref = seriesRef;
            }

            return seriesBatch.IsEmpty ? null : _wal.CommitAsync(seriesBatch);
        }
    }
}
