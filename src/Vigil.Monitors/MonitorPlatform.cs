using Microsoft.Extensions.Logging;
using Vigil.Common.Metrics;
using Vigil.Monitors.Collectors;
using Vigil.Monitors.Model;
using Vigil.Monitors.Scheduling;
using Vigil.Monitors.Service;
using Vigil.Monitors.Store;
using Vigil.Monitors.Templates;

namespace Vigil.Monitors;

/// <summary>What the host configures (<c>monitors:</c> in vigil.yml).</summary>
internal sealed record MonitorPlatformOptions
{
    public required string DataDirectory { get; init; }

    /// <summary>Empty for SQLite in the data directory, or a postgres URL.</summary>
    public string? Store { get; init; }

    /// <summary>The user's templates folder, added to (and overriding) the shipped ones; null for none.</summary>
    public string? TemplatesDirectory { get; init; }

    /// <summary>Where the shipped templates are; default beside the assembly.</summary>
    public string? ShippedTemplatesDirectory { get; init; } = TemplateCatalog.ShippedDirectory;

    public TimeSpan StoreTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public SchedulerOptions Scheduler { get; init; } = SchedulerOptions.Default;
}

/// <summary>
/// The monitors of one process: templates, store, scheduler and the service the API calls. Built and started by
/// the host after its instances, disposed before them (so the last stale markers reach the WAL).
/// </summary>
internal sealed class MonitorPlatform : IAsyncDisposable
{
    private MonitorPlatform(SqlMonitorStore store, TemplateCatalog catalog, MonitorScheduler scheduler, Func<string, bool> instanceExists)
    {
        Store = store;
        Catalog = catalog;
        Scheduler = scheduler;
        Service = new MonitorService(store, catalog, scheduler, instanceExists);
    }

    public SqlMonitorStore Store { get; }

    public TemplateCatalog Catalog { get; }

    public MonitorScheduler Scheduler { get; }

    public MonitorService Service { get; }

    /// <summary>Opens the store (migrating it), loads templates, schedules every stored monitor and starts the clock.</summary>
    /// <exception cref="InvalidOperationException">The store cannot be opened (fail fast at start-up).</exception>
    public static async Task<MonitorPlatform> StartAsync(
        MonitorPlatformOptions options, IEnumerable<ICollector> collectors, IMonitorOutput output, Func<string, bool> instanceExists, MetricsRegistry registry, ILogger log)
    {
        var store = await OpenStoreAsync(options).ConfigureAwait(false);
        var catalog = TemplateCatalog.Load(options.ShippedTemplatesDirectory, options.TemplatesDirectory);
        foreach (var error in catalog.Errors)
        {
            log.LogWarning("monitor template rejected: {Error}", error);
        }

        var scheduler = new MonitorScheduler(options.Scheduler, collectors, output, new StoreStatusSink(store), registry.CreateScope(), log);
        var platform = new MonitorPlatform(store, catalog, scheduler, instanceExists);
        try
        {
            foreach (var problem in await platform.Service.StartAsync().ConfigureAwait(false))
            {
                log.LogWarning("{Problem}", problem);
            }
        }
        catch
        {
            await platform.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        scheduler.Start();
        return platform;
    }

    public async ValueTask DisposeAsync()
    {
        await Scheduler.DisposeAsync().ConfigureAwait(false);
        await Store.DisposeAsync().ConfigureAwait(false);
    }

    private static async Task<SqlMonitorStore> OpenStoreAsync(MonitorPlatformOptions options)
    {
        SqlMonitorStore? store = null;
        try
        {
            store = MonitorStoreFactory.Create(options.Store, options.DataDirectory, options.StoreTimeout);
            await store.MigrateAsync().ConfigureAwait(false);
            return store;
        }
        catch (Exception ex) when (ex is System.Data.Common.DbException or IOException or TimeoutException or FormatException or InvalidOperationException)
        {
            if (store is not null)
            {
                await store.DisposeAsync().ConfigureAwait(false);
            }

            throw new InvalidOperationException($"monitor store {PostgresMonitorStore.Redact(options.Store ?? "sqlite")}: {ex.Message}", ex);
        }
    }

    /// <summary>Statuses go straight to the store (the scheduler reports changes only).</summary>
    private sealed class StoreStatusSink(IMonitorStore store) : IMonitorStatusSink
    {
        public Task ReportAsync(string id, MonitorStatus status, string? lastError) => store.UpdateStatusAsync(id, status, lastError);
    }
}
