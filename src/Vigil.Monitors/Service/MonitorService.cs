using Vigil.Monitors.Model;
using Vigil.Monitors.Store;
using Vigil.Monitors.Templates;

namespace Vigil.Monitors.Service;

/// <summary>
/// The monitors' operations as the API offers them: validate, persist, then tell the runtime. Changes are
/// serialized (one gate), so the store and the running set never disagree after two racing edits of one monitor.
/// </summary>
internal sealed partial class MonitorService
{
    private readonly IMonitorStore _store;
    private readonly TemplateCatalog _catalog;
    private readonly IMonitorRuntime _runtime;
    private readonly Func<string, bool> _instanceExists;
    private readonly TimeProvider _time;
    private readonly SemaphoreSlim _gate = new(1, 1);

    public MonitorService(IMonitorStore store, TemplateCatalog catalog, IMonitorRuntime runtime, Func<string, bool> instanceExists, TimeProvider? time = null)
    {
        _store = store;
        _catalog = catalog;
        _runtime = runtime;
        _instanceExists = instanceExists;
        _time = time ?? TimeProvider.System;
    }

    public TemplateCatalog Catalog => _catalog;

    public IMonitorStore Store => _store;

    /// <summary>Schedules every stored monitor that is not paused (start-up); returns those whose app is gone.</summary>
    public async Task<IReadOnlyList<string>> StartAsync(CancellationToken cancellationToken = default)
    {
        var problems = new List<string>();
        foreach (var monitor in await _store.AllAsync(cancellationToken).ConfigureAwait(false))
        {
            if (monitor.IsPaused)
            {
                continue;
            }

            if (_catalog.Find(monitor.App) is { } template)
            {
                _runtime.Schedule(monitor, template);
            }
            else
            {
                problems.Add($"monitor {monitor.Name} ({monitor.Id}): unknown monitor type '{monitor.App}', not scheduled");
            }
        }

        return problems;
    }

    public Task<MonitorDefinition?> GetAsync(string id, CancellationToken cancellationToken = default) => _store.GetAsync(id, cancellationToken);

    public Task<MonitorPage> ListAsync(MonitorQuery query, CancellationToken cancellationToken = default) => _store.ListAsync(query, cancellationToken);

    /// <exception cref="MonitorValidationException">A field does not fit.</exception>
    /// <exception cref="MonitorConflictException">The name is taken.</exception>
    public Task<MonitorDefinition> CreateAsync(MonitorDraft draft, CancellationToken cancellationToken = default) => SerializedAsync(
        async () =>
        {
            var monitor = Validate(draft, null);
            await _store.InsertAsync(monitor, cancellationToken).ConfigureAwait(false);
            Run(monitor);
            return monitor;
        },
        cancellationToken);

    /// <returns>The stored monitor, or null when there is no monitor <paramref name="id"/>.</returns>
    public Task<MonitorDefinition?> UpdateAsync(string id, MonitorDraft draft, CancellationToken cancellationToken = default) => SerializedAsync(
        async () =>
        {
            if (await _store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } previous)
            {
                return null;
            }

            var monitor = Validate(draft, previous);
            await _store.UpdateAsync(monitor, cancellationToken).ConfigureAwait(false);
            await ApplyAsync(monitor).ConfigureAwait(false);
            return (MonitorDefinition?)monitor;
        },
        cancellationToken);

    /// <summary>Deletes each id that exists (stopping it first); returns the ids that existed.</summary>
    public Task<IReadOnlyList<string>> DeleteAsync(IReadOnlyCollection<string> ids, CancellationToken cancellationToken = default) => SerializedAsync(
        async () =>
        {
            var existing = new List<string>();
            foreach (var id in ids.Distinct(StringComparer.Ordinal))
            {
                if (await _store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not null)
                {
                    existing.Add(id);
                }
            }

            // The store first: a monitor that fails to delete keeps running, never the other way round.
            await _store.DeleteAsync(existing, cancellationToken).ConfigureAwait(false);
            foreach (var id in existing)
            {
                await _runtime.UnscheduleAsync(id).ConfigureAwait(false);
            }

            return (IReadOnlyList<string>)existing;
        },
        cancellationToken);

    /// <summary>Pauses (<paramref name="pause"/>) or resumes a monitor; null when there is none.</summary>
    public Task<MonitorDefinition?> SetPausedAsync(string id, bool pause, CancellationToken cancellationToken = default) => SerializedAsync(
        async () =>
        {
            if (await _store.GetAsync(id, cancellationToken).ConfigureAwait(false) is not { } monitor)
            {
                return null;
            }

            if (monitor.IsPaused != pause)
            {
                monitor = monitor with { Status = pause ? MonitorStatus.Paused : MonitorStatus.Unknown, LastError = null, Updated = _time.GetUtcNow() };
                await _store.UpdateAsync(monitor, cancellationToken).ConfigureAwait(false);
                await ApplyAsync(monitor).ConfigureAwait(false);
            }

            return (MonitorDefinition?)monitor;
        },
        cancellationToken);

    /// <summary>Validates <paramref name="draft"/> as a create would, then collects once without saving (a name is optional).</summary>
    /// <exception cref="MonitorValidationException">A field does not fit.</exception>
    public async Task<(MonitorDefinition Monitor, CollectionOutcome Outcome)> TestAsync(MonitorDraft draft)
    {
        var monitor = Validate(draft with { Name = string.IsNullOrWhiteSpace(draft.Name) ? "test" : draft.Name }, null);
        var outcome = await _runtime.CollectOnceAsync(monitor, _catalog.Find(monitor.App)!).ConfigureAwait(false);
        return (monitor, outcome);
    }

    /// <summary>Runs a change alone: no two changes interleave their store writes and runtime updates.</summary>
    private async Task<T> SerializedAsync<T>(Func<Task<T>> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await change().ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private MonitorDefinition Validate(MonitorDraft draft, MonitorDefinition? previous) =>
        MonitorValidation.Validate(draft, _catalog, _instanceExists, previous, NewId(), _time.GetUtcNow());

    private async Task ApplyAsync(MonitorDefinition monitor)
    {
        if (monitor.IsPaused)
        {
            await _runtime.UnscheduleAsync(monitor.Id).ConfigureAwait(false);
        }
        else
        {
            Run(monitor);
        }
    }

    private void Run(MonitorDefinition monitor)
    {
        if (!monitor.IsPaused)
        {
            _runtime.Schedule(monitor, _catalog.Find(monitor.App)!);
        }
    }

    /// <summary>16 hex digits of randomness: short enough for a URL, unique for any realistic monitor count.</summary>
    private static string NewId() => Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
}
