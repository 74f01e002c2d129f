using System.Globalization;
using Vigil.Scrape.Parsing;

namespace Vigil.Scrape.Loop;

internal sealed partial class ScrapeLoop
{
    // Staleness bookkeeping (Prometheus's scrapeCache seriesPrev/seriesCur): the series of the last successful
    // scrape, and those seen so far in this one. Series with an exposed timestamp are not tracked, as in Prometheus.
    private List<ScrapedSeries> _previous = [];
    private List<ScrapedSeries> _current = [];
    // An int, like the series' marks that copy it: 2^31 scrapes outlast any process, and 4 bytes a series count at
    // a million series (issue 4's memory target).
    private int _iteration;

    /// <summary>What one scrape counted, for the synthetic series.</summary>
    private struct ScrapeCounts
    {
        public int Scraped;
        public int PostRelabel;
        public int SeriesAdded;
    }

    /// <summary>One scrape: fetch, parse, append, staleness, report, commit. Never throws but for stopping.</summary>
    internal async Task ScrapeAndReportAsync(CancellationToken stopping)
    {
        _iteration++;
        DateTimeOffset start = _time.GetUtcNow();
        long startMs = start.ToUnixTimeMilliseconds();
        long startTicks = _time.GetTimestamp();
        var counts = default(ScrapeCounts);
        string? error;
        try
        {
            if (_forcedError is { } forced)
            {
                throw new ScrapeException(forced);
            }

            string? contentType = await _client.ScrapeAsync(_target.Url, _timeout, _buffer, stopping).ConfigureAwait(false);
            error = AppendSamples(ExpositionFormat.FromContentType(contentType), startMs, ref counts);
        }
        catch (ScrapeException ex)
        {
            error = ex.Message;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            error = "appending the scrape failed: " + ex.Message;
        }

        try
        {
            if (error is null)
            {
                AppendStaleForDisappeared(startMs);
            }
            else
            {
                // Prometheus rolls the failed scrape back, then appends an empty scrape: every series of the last
                // successful scrape goes stale now, and the next failure has nothing left to mark.
                _appender.Rollback();
                AppendStaleForAll(startMs);
            }

            AppendReport(startMs, _time.GetElapsedTime(startTicks), error is null, counts);
            await _appender.CommitAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The appender's failure (a full disk, a closed WAL) is not the target's; report it and keep scraping.
            _appender.Rollback();
            error ??= "appending the scrape failed: " + ex.Message;
        }

        (error is null ? _metrics.ScrapeSuccesses : _metrics.ScrapeFailures).Inc();
        _buffer.Release();
        _status = new TargetStatus(error is null ? TargetHealth.Up : TargetHealth.Down, start, _time.GetElapsedTime(startTicks), error);
        if (error is null)
        {
            _cache.Sweep(_iteration);
            Metadata.Sweep(_iteration);
        }
    }

    /// <returns>Null on success, else why the scrape fails (a malformed body or a broken limit).</returns>
    private string? AppendSamples(ExpositionFormat format, long scrapeTimeMs, ref ScrapeCounts counts)
    {
        var parser = new ExpositionParser(_buffer.Body, format, _scratch);
        while (parser.TryNext(out ExpositionEntry entry))
        {
            if (entry.Kind != ExpositionEntryKind.Sample)
            {
                Metadata.Record(entry, _iteration);
                continue;
            }

            counts.Scraped++;
            ScrapeSeriesCache.Entry cached = _cache.Resolve(entry.MetricName, entry.Labels, _iteration, out bool added);
            if (cached.Series is not { } series)
            {
                continue;
            }

            if (cached.LimitError is { } limitError)
            {
                return limitError;
            }

            if (series.AppendedIteration == _iteration)
            {
                // A repeated series in one exposition: Prometheus keeps the first and counts a duplicate.
                continue;
            }

            series.AppendedIteration = _iteration;
            counts.PostRelabel++;
            if (_config.SampleLimit > 0 && counts.PostRelabel > _config.SampleLimit)
            {
                _metrics.SampleLimitExceeded.Inc();
                return string.Create(CultureInfo.InvariantCulture,
                    $"sample_limit exceeded: more than {_config.SampleLimit} samples after metric relabeling");
            }

            if (added)
            {
                counts.SeriesAdded++;
            }

            long timestampMs = scrapeTimeMs;
            if (_config.HonorTimestamps && entry.TimestampMs is long exposed)
            {
                timestampMs = exposed;
            }
            else if (series.TrackedIteration != _iteration)
            {
                series.TrackedIteration = _iteration;
                _current.Add(series);
            }

            _appender.Append(series, timestampMs, entry.Value);
        }

        return parser.Failed ? "invalid exposition at " + parser.Error.ToString() : null;
    }
}
