using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;
using Vigil.Cli;
using Vigil.Common.Config;
using Vigil.Common.Metrics;
using Vigil.Config;
using Vigil.Http;
using Vigil.Instances;
using Vigil.PromQL.Engine;
using Vigil.Monitors;
using Vigil.Tsdb;
using Vigil.Tsdb.Metrics;

namespace Vigil.Hosting;

/// <summary>
/// The running process: one HTTP server, one metrics registry, one instance manager.
/// Everything the process owns is built here once and disposed when it stops.
/// </summary>
internal sealed class VigilServer : IAsyncDisposable
{
    private readonly CliCommand.Run _options;
    private readonly WebApplication _app;
    private readonly MetricsScope _processScope;
    private readonly HostMetrics _metrics;
    private readonly SemaphoreSlim _reloadGate = new(1, 1);
    private readonly ILogger _log;
    private readonly TsdbMetrics? _tsdbMetrics;
    private volatile bool _started;

    private VigilServer(CliCommand.Run options, VigilConfig config, WebApplication app, MetricsRegistry registry)
    {
        _options = options;
        _app = app;
        Config = config;
        Registry = registry;
        _processScope = registry.CreateScope();
        _metrics = new HostMetrics(_processScope, VersionInfo.Version);
        _log = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("vigil");
        if (config.Storage.Enabled)
        {
            var log = _log;
            Storage = new LocalStorage(
                new LocalStorageOptions(
                    Path.Combine(DataDirectory, "tsdb"),
                    (long)config.Storage.OutOfOrderTimeWindow.TotalMilliseconds,
                    (long)config.Storage.RetentionTime.TotalMilliseconds,
                    config.Storage.RetentionSize)
                {
                    BlockChunkEncoding = config.Storage.BlockChunkEncoding,
                },
                message => log.LogInformation("{Message}", message));
            _tsdbMetrics = new TsdbMetrics(_processScope, Storage);
        }

        Instances = new InstanceManager(registry, _metrics, _log, Storage, _tsdbMetrics);
        app.MapRemoteWrite(Instances, _metrics, () => Config.Metrics.Receiver.MaxBodyBytes, _log);
        app.MapRemoteRead(() => Storage);
        if (options.EnableAdminApi)
        {
            app.MapTsdbAdmin(() => Storage);
        }

        app.MapOperations(Instances, registry, IsReady, ReloadAsync);
        app.MapTargets(Instances);
        Runtime = new RuntimeStatus(
            config.Storage.Enabled ? RuntimeStatus.FormatRetention(config.Storage.RetentionTime, config.Storage.RetentionSize) : "",
            () => _metrics.Wal.RepairsSinceStart);
        app.MapQueryApi(QueryApiWiring.Sources(this, new QueryEngine(config.Query.EngineOptions)) with { Log = _log });
        app.MapMonitors(() => Monitors);
    }

    /// <summary>What <c>/api/v1/status/runtimeinfo</c> reports; reloads record their outcome in it.</summary>
    public RuntimeStatus Runtime { get; }

    public VigilConfig Config { get; private set; }

    public MetricsRegistry Registry { get; }

    public InstanceManager Instances { get; }

    /// <summary>The embedded TSDB (issue 5); null with <c>storage.enabled: false</c>. Settings apply at start only.</summary>
    public LocalStorage? Storage { get; }

    /// <summary>The monitors (issue 7); null before start and with <c>monitors.enabled: false</c>. Settings apply at start only.</summary>
    public MonitorPlatform? Monitors { get; private set; }

    public string DataDirectory => Path.GetFullPath(_options.DataDirectory);

    /// <summary>Test hook: awaited after the listener opens and before any instance starts.</summary>
    internal Func<Task>? BeforeInstancesStart { get; set; }

    /// <summary>The address Kestrel actually bound (useful with port 0).</summary>
    public Uri BaseAddress => new(_app.Urls.First());

    /// <summary>Loads the config and builds the server; throws <see cref="ConfigException"/> for bad config.</summary>
    public static VigilServer Create(CliCommand.Run options)
    {
        var config = LoadConfig(options);
        var (host, port) = ResolveListen(options, config);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions
        {
            // Vigil's config is its own YAML. The default appsettings.json source would watch the working
            // directory recursively: from / that walks the whole filesystem, and a data directory below it
            // turns every WAL write into an inotify event for the process.
            Args = ["--hostBuilder:reloadConfigOnChange=false"],
        });
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o =>
        {
            o.SingleLine = true;
            o.TimestampFormat = "yyyy-MM-ddTHH:mm:ss.fffZ ";
            o.UseUtcTimestamp = true;
        });
        builder.Logging.AddFilter("Microsoft", LogLevel.Warning);
        builder.WebHost.ConfigureKestrel(k =>
        {
            // The receiver enforces its own, decompressed-size limit and answers 413 itself.
            k.Limits.MaxRequestBodySize = null;
            k.AddServerHeader = false;
        });
        builder.WebHost.UseUrls(FormattableString.Invariant($"http://{(host.Contains(':', StringComparison.Ordinal) ? $"[{host}]" : host)}:{port}"));
        var app = builder.Build();
        return new VigilServer(options, config, app, new MetricsRegistry());
    }

    /// <summary>Binds the listener and starts every instance.</summary>
    /// <returns>One line per instance that failed to start (the caller stops: fail fast at start-up).</returns>
    public async Task<IReadOnlyList<string>> StartAsync(CancellationToken cancellationToken = default)
    {
        var specs = Specs(Config);
        Instances.Reserve(specs.Select(s => s.Name));
        await _app.StartAsync(cancellationToken).ConfigureAwait(false);
        if (BeforeInstancesStart is { } hold)
        {
            await hold().ConfigureAwait(false);
        }

        var errors = await Instances.ApplyAsync(specs).ConfigureAwait(false);
        errors = [.. errors, .. await StartMonitorsAsync().ConfigureAwait(false)];
        Storage?.Start();
        _started = true;
        _log.LogInformation("vigil {Version} listening on {Url}, data under {Data}", VersionInfo.Version, BaseAddress, DataDirectory);
        return errors;
    }

    public Task WaitForShutdownAsync() => _app.WaitForShutdownAsync();

    /// <summary>Ready once started and while every configured instance runs (issue 2: 503 until then).</summary>
    public bool IsReady() => _started && Instances.AreRunning(Config.Metrics.Configs.Select(c => c.Name));

    public async ValueTask DisposeAsync()
    {
        _started = false;
        await _app.StopAsync().ConfigureAwait(false);
        if (Monitors is not null)
        {
            // Before the instances: the monitors' last stale markers go through their appenders.
            await Monitors.DisposeAsync().ConfigureAwait(false);
        }

        await Instances.DisposeAsync().ConfigureAwait(false);
        Storage?.Dispose();
        await _app.DisposeAsync().ConfigureAwait(false);
        _processScope.Dispose();
        _reloadGate.Dispose();
    }

    /// <summary>Re-reads the config file; a bad file leaves the running config in place.</summary>
    /// <returns>null on success, else the one-line reason.</returns>
    public async Task<string?> ReloadAsync()
    {
        await _reloadGate.WaitAsync().ConfigureAwait(false);
        try
        {
            VigilConfig next;
            try
            {
                next = LoadConfig(_options);
            }
            catch (ConfigException ex)
            {
                _metrics.ReloadFailure.Inc();
                Runtime.ConfigLoaded(success: false);
                _log.LogWarning("reload rejected: {Reason}", ex.Message);
                return ex.Message;
            }

            var errors = await Instances.ApplyAsync(Specs(next)).ConfigureAwait(false);
            if (errors.Count > 0)
            {
                // Instances that failed kept (or lost) their previous run; the file did not apply whole.
                _metrics.ReloadFailure.Inc();
                Runtime.ConfigLoaded(success: false);
                return string.Join("; ", errors);
            }

            var previous = Config;
            Config = next;
            if (next.Monitors != previous.Monitors)
            {
                if (await RestartMonitorsAsync(previous.Monitors).ConfigureAwait(false) is { } failed)
                {
                    _metrics.ReloadFailure.Inc();
                    Runtime.ConfigLoaded(success: false);
                    return failed;
                }
            }
            else
            {
                foreach (var rejected in Monitors?.Catalog.Reload() ?? [])
                {
                    // Issue 7: user templates are read again on reload; a bad one is skipped, the others apply.
                    _log.LogWarning("monitor template rejected: {Error}", rejected);
                }
            }

            _metrics.ReloadSuccess.Inc();
            Runtime.ConfigLoaded(success: true);
            _log.LogInformation("config reloaded from {File}", _options.ConfigFile ?? "(embedded defaults)");
            return null;
        }
        finally
        {
            _reloadGate.Release();
        }
    }

    /// <summary>
    /// A changed <c>monitors</c> section applies as Grafana Agent applies a changed instance: the running platform
    /// (scheduler, leases, store, its self-metrics scope) is disposed, then one is built from the new section; the
    /// monitors themselves live in the store. If the new one cannot start (an unreachable PostgreSQL), the previous
    /// section is started again and the reload fails with the reason.
    /// </summary>
    /// <returns>null when the new section runs, else the one-line reason.</returns>
    private async Task<string?> RestartMonitorsAsync(MonitorsConfig previous)
    {
        _log.LogInformation("monitors section changed: restarting monitors");
        if (Monitors is { } running)
        {
            Monitors = null;
            await running.DisposeAsync().ConfigureAwait(false);
        }

        var errors = await StartMonitorsAfterStartUpAsync().ConfigureAwait(false);
        if (errors.Count == 0)
        {
            return null;
        }

        string reason = "monitors: " + string.Join("; ", errors);
        _log.LogWarning("reload: {Reason}; the previous monitors section stays", reason);
        Config = Config with { Monitors = previous };
        foreach (var again in await StartMonitorsAfterStartUpAsync().ConfigureAwait(false))
        {
            _log.LogError("monitors could not be restarted with the previous section either: {Error}", again);
        }

        return reason;
    }

    /// <summary>
    /// <see cref="StartMonitorsAsync"/> once the server runs: a bad store URL or an unreachable database is reported
    /// as an error line, never a crash (conventions: fail fast only at start-up).
    /// </summary>
    private async Task<IReadOnlyList<string>> StartMonitorsAfterStartUpAsync()
    {
        try
        {
            return await StartMonitorsAsync().ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            return [ex.Message];
        }
    }

    private async Task<IReadOnlyList<string>> StartMonitorsAsync()
    {
        if (!Config.Monitors.Enabled)
        {
            return [];
        }

        try
        {
            Monitors = await MonitorPlatform.StartAsync(
                MonitorsSetup.Options(Config.Monitors, DataDirectory), MonitorsSetup.Collectors(), new MonitorInstanceOutput(Instances),
                name => Config.Metrics.Configs.Any(c => c.Name == name), Registry, _log).ConfigureAwait(false);
            return [];
        }
        catch (InvalidOperationException ex)
        {
            return [ex.Message];
        }
    }

    private IReadOnlyList<InstanceSpec> Specs(VigilConfig config)
    {
        var walRoot = Path.GetFullPath(config.Metrics.ResolveWalDirectory(DataDirectory));
        return [.. config.Metrics.Configs.Select(c => new InstanceSpec(c, Path.Combine(walRoot, c.Name), config.Metrics.Receiver.MaxBodyBytes))];
    }

    private static VigilConfig LoadConfig(CliCommand.Run options)
        => options.ConfigFile is null ? VigilConfig.CreateDefault() : VigilConfig.LoadFile(options.ConfigFile);

    private static (string Host, int Port) ResolveListen(CliCommand.Run options, VigilConfig config)
    {
        if (options.Listen is not null && ListenAddress.TryParse(options.Listen, out var host, out var port))
        {
            return (host, port);
        }

        return config.Server.ListenEndpoint;
    }
}
