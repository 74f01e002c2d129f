using Microsoft.Extensions.Logging;
using Vigil.Common.Metrics;
using Vigil.RemoteWrite.Queue;
using Vigil.RemoteWrite.Receive;
using Vigil.Scrape.Pool;
using Vigil.Tsdb;
using Vigil.Tsdb.Feed;
using Vigil.Tsdb.Metrics;
using Vigil.Wal;

namespace Vigil.Instances;

/// <summary>
/// One run of an instance: from start to stop it owns its metrics scope, its WAL, its remote-write
/// receive handler, one queue per <c>remote_write</c> entry and the WAL's retention, all built here
/// once (issues 2 and 3). Stopping drains the requests inside it, stops truncation, lets the
/// queues flush and save their positions, closes the WAL, then frees its metric names.
/// </summary>
internal sealed class InstanceRun
{
    private readonly InstanceLeases _leases = new();
    private readonly MetricsScope _scope;
    private readonly Wal.Wal _wal;
    private readonly IReadOnlyList<RemoteWriteQueue> _queues;
    private readonly WalRetention _retention;
    private readonly ScrapeManager _scrapes;
    private readonly WalFeeder? _feeder;
    private int _stopped;

    private InstanceRun(
        InstanceSpec spec, MetricsScope scope, Wal.Wal wal, RemoteWriteReceiver receiver, IReadOnlyList<RemoteWriteQueue> queues, WalRetention retention, ScrapeManager scrapes, WalFeeder? feeder)
    {
        _feeder = feeder;
        _spec = spec;
        _scrapes = scrapes;
        _scope = scope;
        _wal = wal;
        Receiver = receiver;
        _queues = queues;
        _retention = retention;
    }

    private volatile InstanceSpec _spec;

    /// <summary>The spec in force; a reload that changes only scrape configs replaces it (<see cref="ApplyScrapeConfigsAsync"/>).</summary>
    public InstanceSpec Spec => _spec;

    public string Name => Spec.Name;

    public RemoteWriteReceiver Receiver { get; }

    public IReadOnlyList<RemoteWriteQueue> Queues => _queues;

    public ScrapeManager Scrapes => _scrapes;

    /// <summary>An appender into this run's WAL, as a scrape loop gets (monitors write through it, issue 7).</summary>
    public Vigil.Scrape.Loop.IScrapeAppender CreateAppender() => new WalScrapeAppender(_wal);

    /// <param name="storage">When set, the run feeds its WAL into this TSDB (a WAL consumer like the queues).</param>
    public static async Task<InstanceRun> StartAsync(
        InstanceSpec spec, MetricsRegistry registry, HostMetrics metrics, ILogger log, LocalStorage? storage = null, TsdbMetrics? tsdbMetrics = null)
    {
        var config = spec.Config;
        var scope = registry.CreateScope();
        Wal.Wal? wal = null;
        var queues = new List<RemoteWriteQueue>();
        ScrapeManager? scrapes = null;
        WalFeeder? feeder = null;
        try
        {
            var receiverMetrics = metrics.Receiver.Bind(scope, spec.Name);
            var observer = metrics.Wal.Bind(scope, spec.Name);
            var retentionOptions = new WalRetentionOptions(config.WalTruncateFrequency, config.MinWalTime, config.MaxWalTime, config.MaxWalSize);
            wal = Vigil.Wal.Wal.Open(spec.WalDirectory, new WalOptions { SegmentSizeBytes = retentionOptions.SegmentSize }, observer);
            var receiver = new RemoteWriteReceiver(wal, receiverMetrics, spec.MaxBodyBytes);
            void Warn(string message) => log.LogWarning("instance {Instance}: {Message}", spec.Name, message);
            foreach (var endpoint in config.RemoteWrite)
            {
                var settings = new QueueSettings(wal, Path.Combine(spec.WalDirectory, "remote-write"), config.ExternalLabels, metrics.Queue.Bind(scope, spec.Name, endpoint.Name), Warn);
                queues.Add(new RemoteWriteQueue(endpoint, settings));
            }

            var consumers = new List<IWalConsumer>(queues);
            if (storage is not null)
            {
                feeder = storage.CreateFeeder(spec.Name, spec.WalDirectory, Warn);
                tsdbMetrics?.Bind(scope, spec.Name, feeder.Counters);
                consumers.Add(feeder);
            }

            var retention = new WalRetention(wal, retentionOptions, consumers, Warn);
            var walForScrapes = wal;
            scrapes = new ScrapeManager(() => new WalScrapeAppender(walForScrapes), Warn, metrics.Scrape.Bind(scope, spec.Name));
            await scrapes.ApplyAsync(config.ScrapeConfigs).ConfigureAwait(false);
            var run = new InstanceRun(spec, scope, wal, receiver, queues, retention, scrapes, feeder);
            feeder?.Start();
            foreach (var queue in queues)
            {
                queue.Start();
            }

            retention.Start();
            return run;
        }
        catch
        {
            if (scrapes is not null)
            {
                await scrapes.StopAsync().ConfigureAwait(false);
            }

            if (feeder is not null)
            {
                await feeder.DisposeAsync().ConfigureAwait(false);
            }

            foreach (var queue in queues)
            {
                await queue.DisposeAsync().ConfigureAwait(false);
            }

            wal?.Dispose();
            scope.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Applies a spec that differs from the running one only in scrape configs (same <see cref="InstanceSpec.RunKey"/>):
    /// unchanged jobs and targets keep their loops. Throws, changing nothing, when a new job cannot be built.
    /// </summary>
    public async Task ApplyScrapeConfigsAsync(InstanceSpec spec)
    {
        if (!string.Equals(spec.RunKey, _spec.RunKey, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"instance {Name}: only scrape configs can change without a restart");
        }

        await _scrapes.ApplyAsync(spec.Config.ScrapeConfigs).ConfigureAwait(false);
        _spec = spec;
    }

    public bool TryAcquire() => _leases.TryAcquire();

    public void Release() => _leases.Release();

    /// <param name="flushDeadline">How long queues may keep sending (remote_flush_deadline on shutdown, zero on restart).</param>
    public async Task StopAsync(TimeSpan flushDeadline)
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        try
        {
            await _leases.DrainAsync().ConfigureAwait(false);
            await _scrapes.StopAsync().ConfigureAwait(false);

            await _retention.DisposeAsync().ConfigureAwait(false);
            await Task.WhenAll(_queues.Select(q => q.StopAsync(flushDeadline))).ConfigureAwait(false);
            foreach (var queue in _queues)
            {
                await queue.DisposeAsync().ConfigureAwait(false);
            }

            if (_feeder is not null)
            {
                // After everything that writes to the WAL has stopped: the feeder takes the last records with it.
                await _feeder.DisposeAsync().ConfigureAwait(false);
            }

            await _wal.DisposeAsync().ConfigureAwait(false);
        }
        finally
        {
            _scope.Dispose();
        }
    }
}
