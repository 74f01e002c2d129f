using Vigil.Common.Config;
using Vigil.Scrape.Config;
using Vigil.Scrape.Metrics;
using Vigil.Scrape.Parsing;

namespace Vigil.Scrape.Loop;

/// <summary>
/// Scrapes one target every scrape_interval, at a fixed offset within the interval, and appends what it finds
/// plus the synthetic series (<c>up</c>, <c>scrape_duration_seconds</c>, ...) and staleness markers, as
/// Prometheus's scrapeLoop does. A failing target never stops the loop: the failure becomes <c>up</c> 0 and
/// <see cref="Status"/>. Lifetime: <see cref="Start"/> once, then <see cref="StopAsync"/> (or dispose).
/// </summary>
internal sealed partial class ScrapeLoop : IAsyncDisposable
{
    private readonly ScrapeConfig _config;
    private readonly ScrapeTargetInfo _target;
    private readonly ScrapeClient _client;
    private readonly IScrapeAppender _appender;
    private readonly TimeProvider _time;
    private readonly ScrapeBuffer _buffer = new();
    private readonly ExpositionScratch _scratch = new();
    private readonly ScrapeSeriesCache _cache;
    private readonly CancellationTokenSource _stop = new();
    private readonly TimeSpan _interval;
    private readonly TimeSpan _timeout;
    private readonly ScrapeRunMetrics _metrics;
    private Task? _run;
    private int _stopped;
    private int _disposed;
    private volatile TargetStatus _status = TargetStatus.NotYetScraped;
    private volatile string? _forcedError;

    /// <param name="config">The target's scrape_config (interval, timeout, limits, honor_*, metric relabeling).</param>
    /// <param name="target">The target; its labels go on every series the loop writes.</param>
    /// <param name="client">The job's client, shared with the job's other targets; not disposed by the loop.</param>
    /// <param name="appender">Where samples go; used by this loop only, from one thread at a time.</param>
    /// <param name="time">The clock (tests may pass a fake); default the system clock.</param>
    /// <param name="predecessor">
    /// A stopped loop for the same target that this one replaces on reload (see <see cref="CanTakeOver"/>): its
    /// series cache and staleness state carry over, so series keep their identity and a series that disappears
    /// across the reload still gets its stale marker, as Prometheus's scrapePool.reload reuses the scrapeCache.
    /// </param>
    /// <param name="metrics">The instance's scrape metrics; default a private, unregistered set.</param>
    public ScrapeLoop(
        ScrapeConfig config, ScrapeTargetInfo target, ScrapeClient client, IScrapeAppender appender, TimeProvider? time = null, ScrapeLoop? predecessor = null, ScrapeRunMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(appender);
        _config = config;
        _target = target;
        _client = client;
        _appender = appender;
        _time = time ?? TimeProvider.System;
        _interval = target.Interval ?? config.ScrapeInterval;
        _timeout = target.Timeout ?? config.ScrapeTimeout;
        _metrics = metrics ?? ScrapeRunMetrics.Unregistered();
        if (predecessor is null)
        {
            _cache = new ScrapeSeriesCache(target, config.HonorLabels, config.MetricRelabelConfigs, ScrapeLabelLimits.From(config));
            Metadata = new ScrapeMetadata();
            _report = ReportSeries.Create(target);
            return;
        }

        if (Volatile.Read(ref predecessor._stopped) == 0 || predecessor._run is { IsCompleted: false })
        {
            throw new InvalidOperationException("a scrape loop can only take over from a stopped loop");
        }

        if (!predecessor._target.Labels.AsSpan().SequenceEqual(target.Labels) || !CanTakeOver(predecessor._config, config))
        {
            throw new InvalidOperationException("a scrape loop can only take over a loop of the same target with compatible series settings");
        }

        _cache = predecessor._cache;
        Metadata = predecessor.Metadata;
        _report = predecessor._report;
        _previous = predecessor._previous;
        _iteration = predecessor._iteration;
        _reported = predecessor._reported;
        _status = predecessor._status;
    }

    /// <summary>
    /// Whether a loop under <paramref name="next"/> may inherit the series of a loop under <paramref name="previous"/>:
    /// only when nothing that decides a series' labels changed (honor_labels, metric_relabel_configs, label limits),
    /// as Prometheus's reusableCache requires. Otherwise the old loop marks its series stale and the new one starts afresh.
    /// </summary>
    public static bool CanTakeOver(ScrapeConfig previous, ScrapeConfig next)
    {
        ArgumentNullException.ThrowIfNull(previous);
        ArgumentNullException.ThrowIfNull(next);
        return previous.HonorLabels == next.HonorLabels
            && previous.HonorTimestamps == next.HonorTimestamps
            && ScrapeLabelLimits.From(previous) == ScrapeLabelLimits.From(next)
            && string.Equals(ConfigFingerprint.Compute(previous.MetricRelabelConfigs), ConfigFingerprint.Compute(next.MetricRelabelConfigs), StringComparison.Ordinal);
    }

    /// <summary>
    /// Makes every scrape fail with <paramref name="error"/> without contacting the target (null clears it), as
    /// Prometheus does to every target of a job over its target_limit.
    /// </summary>
    public void SetForcedError(string? error) => _forcedError = error;

    public ScrapeTargetInfo Target => _target;

    /// <summary>The scrape_config the loop runs under.</summary>
    public ScrapeConfig Config => _config;

    /// <summary>The outcome of the last scrape; safe to read from any thread.</summary>
    public TargetStatus Status => _status;

    /// <summary>The metric metadata (HELP, TYPE, UNIT) this target's scrapes saw; owned by the loop.</summary>
    public ScrapeMetadata Metadata { get; }

    /// <summary>Distinct raw series the relabel cache remembers (diagnostics and tests).</summary>
    internal int CachedSeries => _cache.Count;

    /// <summary>Starts scraping after the target's offset within the interval.</summary>
    public void Start()
    {
        if (_run is not null)
        {
            throw new InvalidOperationException("the scrape loop was already started");
        }

        _run = Task.Run(() => RunAsync(_stop.Token));
    }

    /// <summary>
    /// Stops the loop, waiting for a scrape in flight to end. With <paramref name="writeStaleMarkers"/> (the target
    /// went away) every series of the last scrape and every synthetic series gets a stale marker, as Prometheus's
    /// endOfRunStaleness does; pass false when a reload replaces the loop with one for the same target, which
    /// Prometheus also does so that a reload does not break the series.
    /// </summary>
    public async Task StopAsync(bool writeStaleMarkers = true)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        await _stop.CancelAsync().ConfigureAwait(false);
        if (_run is not null)
        {
            await _run.ConfigureAwait(false);
        }

        if (writeStaleMarkers)
        {
            await AppendEndOfRunStalenessAsync().ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync(writeStaleMarkers: false).ConfigureAwait(false);
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _buffer.Dispose();
            _stop.Dispose();
        }
    }

    /// <summary>
    /// How long to wait before the first scrape, so that scrapes of this target land at the same point of every
    /// interval and different targets spread over it (Prometheus's scrapeLoop offset: hash mod interval, counted
    /// from the last interval boundary). Prometheus also mixes in a per-server seed; Vigil has none yet.
    /// </summary>
    internal static TimeSpan InitialDelay(ulong targetHash, TimeSpan interval, DateTimeOffset now)
    {
        long period = interval.Ticks;
        long untilBoundary = period - (now.UtcTicks % period);
        long next = untilBoundary + (long)(targetHash % (ulong)period);
        if (next > period)
        {
            next -= period;
        }

        return TimeSpan.FromTicks(next);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        try
        {
            await Task.Delay(InitialDelay(_target.Hash, _interval, _time.GetUtcNow()), _time, stopping).ConfigureAwait(false);
            using var timer = new PeriodicTimer(_interval, _time);
            do
            {
                await ScrapeAndReportAsync(stopping).ConfigureAwait(false);
            }
            while (await timer.WaitForNextTickAsync(stopping).ConfigureAwait(false));
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped: a scrape cut short by StopAsync appended nothing, and what it had open is discarded.
            _appender.Rollback();
        }
    }
}
