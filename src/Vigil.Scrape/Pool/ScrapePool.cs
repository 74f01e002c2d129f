using System.Globalization;
using Vigil.Common.Config;
using Vigil.Scrape.Config;
using Vigil.Scrape.Loop;
using Vigil.Scrape.Metrics;
using Vigil.Scrape.Targets;

namespace Vigil.Scrape.Pool;

/// <summary>A target and the loop scraping it.</summary>
internal sealed record ActiveTarget(string Job, ScrapeTarget Target, ScrapeLoop Loop);

/// <summary>
/// One <c>scrape_config</c> while it is in force (Prometheus's scrapePool): its HTTP client, its discovery (static
/// groups and one watcher per <c>file_sd_configs</c> entry) and one loop per distinct target. <see cref="SyncAsync"/>
/// diffs the discovered targets against the running loops, so a target that did not change keeps its loop. Not
/// thread-safe: <see cref="ScrapeManager"/> serializes every call.
/// </summary>
internal sealed class ScrapePool
{
    private readonly Func<IScrapeAppender> _newAppender;
    private readonly Action<string> _warn;
    private readonly Func<ScrapePool, CancellationToken, Task> _onDiscoveryChanged;
    private readonly ScrapeClient _client;
    private readonly ScrapeRunMetrics _metrics;
    private IReadOnlyList<TargetGroup> _static;
    private List<FileSdWatcher> _fileSd = [];
    private bool _discovering;
    private Dictionary<ulong, ActiveTarget> _loops = [];
    private volatile IReadOnlyList<ActiveTarget> _active = [];
    private volatile IReadOnlyList<DroppedTarget> _dropped = [];

    /// <summary>
    /// Builds the client and reads the file SD files; starts nothing. Throws when the client cannot be built (a TLS
    /// file that does not load), so a bad config fails before anything changes.
    /// </summary>
    /// <param name="config">The job.</param>
    /// <param name="newAppender">Makes the appender of each new loop.</param>
    /// <param name="onDiscoveryChanged">Called (from a watcher's thread) when file SD changed; should end in <see cref="SyncAsync"/>.</param>
    /// <param name="warn">Receives problems with targets and files, one line each.</param>
    /// <param name="metrics">The instance's scrape metrics.</param>
    public ScrapePool(
        ScrapeConfig config, Func<IScrapeAppender> newAppender, Func<ScrapePool, CancellationToken, Task> onDiscoveryChanged, Action<string> warn, ScrapeRunMetrics metrics)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(onDiscoveryChanged);
        ArgumentNullException.ThrowIfNull(metrics);
        Config = config;
        _metrics = metrics;
        Fingerprint = SettingsFingerprint(config);
        _newAppender = newAppender;
        _onDiscoveryChanged = onDiscoveryChanged;
        _warn = message => warn($"scrape job {config.JobName}: {message}");
        _static = TargetGroup.FromStaticConfigs(config.StaticConfigs);
        _client = new ScrapeClient(config);
        _fileSd = CreateWatchers(config);
    }

    /// <summary>The job's config; discovery (static and file SD configs) may be replaced by <see cref="UpdateDiscoveryAsync"/>.</summary>
    public ScrapeConfig Config { get; private set; }

    /// <summary>
    /// Identifies how the job scrapes, leaving out where its targets come from: a reload keeps a pool whose
    /// fingerprint did not change and only updates its discovery, as Prometheus's discovery manager and scrape
    /// pools are reloaded separately.
    /// </summary>
    public string Fingerprint { get; }

    /// <summary>The part of a job's config a pool takes without being replaced: its static and file SD configs.</summary>
    public static string DiscoveryFingerprint(ScrapeConfig config) =>
        ConfigFingerprint.Compute(config.StaticConfigs) + "|" + ConfigFingerprint.Compute(config.FileSdConfigs);

    /// <summary>The rest of a job's config (see <see cref="Fingerprint"/>).</summary>
    public static string SettingsFingerprint(ScrapeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return ConfigFingerprint.Compute(config with { StaticConfigs = [], FileSdConfigs = [] });
    }

    public string Job => Config.JobName;

    /// <summary>The targets being scraped, in discovery order; a snapshot safe to read from any thread.</summary>
    public IReadOnlyList<ActiveTarget> Active => _active;

    /// <summary>Targets relabeling dropped or that were unusable; a snapshot safe to read from any thread.</summary>
    public IReadOnlyList<DroppedTarget> Dropped => _dropped;

    /// <summary>Starts watching the file SD files; call once, after the first <see cref="SyncAsync"/>.</summary>
    public void StartDiscovery()
    {
        _discovering = true;
        foreach (var watcher in _fileSd)
        {
            watcher.Start();
        }
    }

    /// <summary>
    /// Takes the static and file SD configs of <paramref name="config"/> (whose <see cref="SettingsFingerprint"/>
    /// equals this pool's) and syncs: targets that stay keep their loops.
    /// </summary>
    public async Task UpdateDiscoveryAsync(ScrapeConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        if (!string.Equals(SettingsFingerprint(config), Fingerprint, StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"scrape job {Job}: only discovery can change without a new pool");
        }

        _static = TargetGroup.FromStaticConfigs(config.StaticConfigs);
        if (!string.Equals(ConfigFingerprint.Compute(config.FileSdConfigs), ConfigFingerprint.Compute(Config.FileSdConfigs), StringComparison.Ordinal))
        {
            await StopDiscoveryAsync().ConfigureAwait(false);
            _fileSd = CreateWatchers(config);
            if (_discovering)
            {
                StartDiscovery();
            }
        }

        Config = config;
        await SyncAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Makes the loops match the discovered targets: starts loops for new targets, stops (with stale markers) the loops
    /// of targets that went away, and leaves the others running. With <paramref name="predecessor"/> (the pool this one
    /// replaces on reload, first sync only) the predecessor's loops are the running set: each target both have gets a
    /// new loop under the new config that takes over the old loop's series where <see cref="ScrapeLoop.CanTakeOver"/>.
    /// </summary>
    public async Task SyncAsync(ScrapePool? predecessor = null)
    {
        var (targets, dropped) = Discover();
        var running = predecessor?._loops ?? _loops;
        var next = new Dictionary<ulong, ActiveTarget>(targets.Count);
        var successors = new Dictionary<ulong, ScrapeLoop?>();
        foreach (var target in targets)
        {
            if (!running.TryGetValue(target.Hash, out var current))
            {
                continue;
            }

            if (predecessor is null && current.Target.Interval == target.Interval && current.Target.Timeout == target.Timeout)
            {
                next[target.Hash] = current;
            }
            else
            {
                // Same target, new settings: Prometheus restarts its loop, keeping the series when their labels cannot change.
                successors[target.Hash] = ScrapeLoop.CanTakeOver(current.Loop.Config, Config) ? current.Loop : null;
            }
        }

        var stopped = running.Values.Where(a => !next.ContainsKey(a.Target.Hash)).Select(a => a.Loop).ToList();
        await Task.WhenAll(stopped.Select(loop =>
            loop.StopAsync(writeStaleMarkers: !(successors.TryGetValue(loop.Target.Hash, out var heir) && heir == loop)))).ConfigureAwait(false);

        string? limitError = TargetLimitError(targets.Count);
        var active = new List<ActiveTarget>(targets.Count);
        foreach (var target in targets)
        {
            if (next.TryGetValue(target.Hash, out var entry))
            {
                entry.Loop.SetForcedError(limitError);
            }
            else
            {
                successors.TryGetValue(target.Hash, out var old);
                var loop = new ScrapeLoop(Config, ToInfo(target), _client, _newAppender(), predecessor: old, metrics: _metrics);
                loop.SetForcedError(limitError);
                entry = new ActiveTarget(Job, target, loop);
                next[target.Hash] = entry;
                loop.Start();
            }

            active.Add(entry);
        }

        // Only now: a successor has copied what it takes over from its predecessor.
        foreach (var loop in stopped)
        {
            await loop.DisposeAsync().ConfigureAwait(false);
        }

        if (predecessor is not null)
        {
            predecessor._loops = [];
            predecessor._active = [];
        }

        _metrics.Syncs.Inc();
        _loops = next;
        _active = active;
        _dropped = dropped;
    }

    /// <summary>This pool is going away for good: stop discovery, every loop (with stale markers) and the client.</summary>
    public async Task StopAsync()
    {
        await StopDiscoveryAsync().ConfigureAwait(false);
        await Task.WhenAll(_loops.Values.Select(l => l.Loop.StopAsync(writeStaleMarkers: true))).ConfigureAwait(false);
        await DisposeLoopsAndClientAsync().ConfigureAwait(false);
    }

    /// <summary>A successor took over this pool's loops (<see cref="SyncAsync"/> stopped them): release the rest.</summary>
    public async Task RetireAsync()
    {
        await StopDiscoveryAsync().ConfigureAwait(false);
        await DisposeLoopsAndClientAsync().ConfigureAwait(false);
    }

    /// <summary>Stops discovery and releases the client of a pool that never ran (a reload that failed half way).</summary>
    public Task DiscardAsync() => RetireAsync();

    private List<FileSdWatcher> CreateWatchers(ScrapeConfig config) =>
        [.. config.FileSdConfigs.Select(fileSd => new FileSdWatcher(fileSd, stopping => _onDiscoveryChanged(this, stopping), _warn, _metrics.FileSdErrors))];

    private async Task StopDiscoveryAsync()
    {
        foreach (var watcher in _fileSd)
        {
            await watcher.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task DisposeLoopsAndClientAsync()
    {
        foreach (var active in _loops.Values)
        {
            await active.Loop.DisposeAsync().ConfigureAwait(false);
        }

        _loops = [];
        _active = [];
        _client.Dispose();
    }

    private (List<ScrapeTarget> Targets, List<DroppedTarget> Dropped) Discover()
    {
        var targets = new List<ScrapeTarget>();
        var dropped = new List<DroppedTarget>();
        var seen = new HashSet<ulong>();
        foreach (var group in _static.Concat(_fileSd.SelectMany(w => w.Groups)))
        {
            var (built, droppedHere) = TargetBuilder.Build(Config, group);
            foreach (var target in droppedHere)
            {
                dropped.Add(target);
                if (target.Error is not null)
                {
                    _warn($"target from {target.Source} dropped: {target.Error}");
                }
            }

            // Prometheus scrapes a target listed twice (same labels and URL) once.
            targets.AddRange(built.Where(t => seen.Add(t.Hash)));
        }

        return (targets, dropped);
    }

    // Prometheus's target_limit: over it, every target of the job fails its scrapes until the count drops.
    private string? TargetLimitError(int targets)
    {
        if (Config.TargetLimit <= 0 || targets <= Config.TargetLimit)
        {
            return null;
        }

        string error = string.Create(CultureInfo.InvariantCulture, $"target_limit exceeded (number of targets: {targets}, limit: {Config.TargetLimit})");
        _warn(error);
        return error;
    }

    private static ScrapeTargetInfo ToInfo(ScrapeTarget target) =>
        new(new Uri(target.Url), target.Labels, target.Job, target.Instance, target.Hash)
        {
            Interval = target.Interval,
            Timeout = target.Timeout,
        };
}
