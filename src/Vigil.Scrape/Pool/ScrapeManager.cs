using Vigil.Scrape.Config;
using Vigil.Scrape.Loop;
using Vigil.Scrape.Metrics;
using Vigil.Scrape.Targets;

namespace Vigil.Scrape.Pool;

/// <summary>
/// The scrape side of one instance run (issue 4): a pool per <c>scrape_config</c>. <see cref="ApplyAsync"/> is the
/// reload: a job whose config did not change keeps its pool and loops, a changed job gets a new pool that takes over
/// the loops of targets it still has, and a removed job stops with stale markers. Reloads, file SD updates and
/// stopping are serialized; the target lists are snapshots readable from any thread.
/// </summary>
internal sealed class ScrapeManager
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Func<IScrapeAppender> _newAppender;
    private readonly Action<string> _warn;
    private readonly ScrapeRunMetrics _metrics;
    private volatile IReadOnlyList<ScrapePool> _pools = [];
    private bool _stopped;

    /// <param name="newAppender">Makes one appender per loop (the instance's WAL appender).</param>
    /// <param name="warn">Receives one line per problem that does not stop scraping (a bad file, a dropped target).</param>
    /// <param name="metrics">The instance's scrape metrics; default a private, unregistered set.</param>
    public ScrapeManager(Func<IScrapeAppender> newAppender, Action<string> warn, ScrapeRunMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(newAppender);
        ArgumentNullException.ThrowIfNull(warn);
        _newAppender = newAppender;
        _warn = warn;
        _metrics = metrics ?? ScrapeRunMetrics.Unregistered();
    }

    /// <summary>Every target being scraped, job by job in config order.</summary>
    public IReadOnlyList<ActiveTarget> Active => [.. _pools.SelectMany(p => p.Active)];

    /// <summary>Targets relabeling dropped (or that were invalid), with their scrape job.</summary>
    public IReadOnlyList<(string Job, DroppedTarget Target)> Dropped => [.. _pools.SelectMany(p => p.Dropped.Select(d => (p.Job, d)))];

    /// <summary>The jobs in force, in config order (tests and diagnostics).</summary>
    internal IReadOnlyList<ScrapePool> Pools => _pools;

    /// <summary>
    /// Makes the running jobs match <paramref name="configs"/>. Everything that can fail (an HTTP client's TLS
    /// files) is built first: when it throws, nothing has changed.
    /// </summary>
    public async Task ApplyAsync(IReadOnlyList<ScrapeConfig> configs)
    {
        ArgumentNullException.ThrowIfNull(configs);
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_stopped, this);
            var old = _pools.ToDictionary(p => p.Job, StringComparer.Ordinal);
            var pools = new List<ScrapePool>(configs.Count);
            var created = new List<ScrapePool>();
            try
            {
                foreach (var config in configs)
                {
                    if (old.TryGetValue(config.JobName, out var current) && string.Equals(current.Fingerprint, ScrapePool.SettingsFingerprint(config), StringComparison.Ordinal))
                    {
                        pools.Add(current);
                        continue;
                    }

                    var pool = new ScrapePool(config, _newAppender, OnDiscoveryChangedAsync, _warn, _metrics);
                    created.Add(pool);
                    pools.Add(pool);
                }
            }
            catch
            {
                foreach (var pool in created)
                {
                    await pool.DiscardAsync().ConfigureAwait(false);
                }

                throw;
            }

            var kept = pools.Except(created).ToHashSet();
            await Task.WhenAll(old.Values
                .Where(p => !kept.Contains(p) && !created.Any(c => string.Equals(c.Job, p.Job, StringComparison.Ordinal)))
                .Select(p => p.StopAsync())).ConfigureAwait(false);
            foreach (var (pool, config) in pools.Zip(configs))
            {
                if (kept.Contains(pool))
                {
                    if (!string.Equals(ScrapePool.DiscoveryFingerprint(pool.Config), ScrapePool.DiscoveryFingerprint(config), StringComparison.Ordinal))
                    {
                        await pool.UpdateDiscoveryAsync(config).ConfigureAwait(false);
                    }

                    continue;
                }

                if (old.TryGetValue(pool.Job, out var predecessor))
                {
                    await pool.SyncAsync(predecessor).ConfigureAwait(false);
                    await predecessor.RetireAsync().ConfigureAwait(false);
                }
                else
                {
                    await pool.SyncAsync().ConfigureAwait(false);
                }

                pool.StartDiscovery();
            }

            _pools = pools;
            _metrics.Targets.Set(pools.Sum(p => p.Active.Count));
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Stops every job: each loop writes stale markers for its series, then clients and watchers close.</summary>
    public async Task StopAsync()
    {
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (_stopped)
            {
                return;
            }

            _stopped = true;
            await Task.WhenAll(_pools.Select(p => p.StopAsync())).ConfigureAwait(false);
            _pools = [];
            _metrics.Targets.Set(0);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task OnDiscoveryChangedAsync(ScrapePool pool, CancellationToken watcherStopping)
    {
        // The token: a reload or stop holding the gate disposes this watcher and waits for it.
        await _gate.WaitAsync(watcherStopping).ConfigureAwait(false);
        try
        {
            // A late update from a pool a reload replaced (or after stopping) has nothing left to change.
            if (!_stopped && _pools.Contains(pool))
            {
                await pool.SyncAsync().ConfigureAwait(false);
                _metrics.Targets.Set(_pools.Sum(p => p.Active.Count));
            }
        }
        finally
        {
            _gate.Release();
        }
    }
}
