using Vigil.Scrape.Loop;
using Vigil.Wal;

namespace Vigil.Instances;

/// <summary>
/// A scrape loop's appender over its instance's WAL. A scrape's samples are buffered and
/// committed together; series new to the WAL get refs and their records under the series lock,
/// exactly as the remote-write receiver does, so a series record always precedes its samples.
/// Each <see cref="ScrapedSeries"/> caches its ref, so a known series costs no lookup.
/// </summary>
internal sealed class WalScrapeAppender : IScrapeAppender
{
    private readonly Wal.Wal _wal;
    private readonly List<(ScrapedSeries Series, long TimestampMs, double Value)> _pending = [];
    // Only needed when a scrape brings new series; dropped after, so a thousand loops do not each keep the
    // series buffer of their first scrape (issue 4's memory target).
    private WalBatch? _seriesBatch;
    private readonly WalBatch _samplesBatch = new();

    public WalScrapeAppender(Wal.Wal wal)
    {
        _wal = wal;
    }

    public void Append(ScrapedSeries series, long timestampMs, double value) => _pending.Add((series, timestampMs, value));

    public void Rollback() => _pending.Clear();

    public async Task CommitAsync()
    {
        if (_pending.Count == 0)
        {
            return;
        }

        _samplesBatch.Reset();
        var seriesCommit = ResolveNewSeries();
        foreach (var (series, timestampMs, value) in _pending)
        {
            _samplesBatch.AddSample(series.Ref, timestampMs, value);
        }

        _pending.Clear();
        var samplesCommit = _wal.CommitAsync(_samplesBatch);
        if (seriesCommit is not null)
        {
            await seriesCommit.ConfigureAwait(false);
            _seriesBatch = null;
        }

        await samplesCommit.ConfigureAwait(false);
    }

    private Task<WalPosition>? ResolveNewSeries()
    {
        var anyNew = false;
        foreach (var pending in _pending)
        {
            anyNew |= pending.Series.Ref == 0;
        }

        if (!anyNew)
        {
            return null;
        }

        var seriesBatch = _seriesBatch = new WalBatch();
        lock (_wal.Series)
        {
            foreach (var (series, _, _) in _pending)
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
