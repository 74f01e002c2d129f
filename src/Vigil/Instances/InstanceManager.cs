using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Vigil.Common.Metrics;
using Vigil.Tsdb;
using Vigil.Tsdb.Metrics;

namespace Vigil.Instances;

/// <summary>
/// Starts, restarts and stops instance runs to match the configuration. Applies are serialized;
/// requests never block on an apply except for the instance being restarted.
/// </summary>
internal sealed class InstanceManager : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, InstanceSlot> _slots = new(StringComparer.Ordinal);
    private readonly Dictionary<string, InstanceSpec> _specs = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _applyGate = new(1, 1);
    private readonly MetricsRegistry _registry;
    private readonly HostMetrics _metrics;
    private readonly ILogger _log;
    private readonly LocalStorage? _storage;
    private readonly TsdbMetrics? _tsdbMetrics;

    /// <param name="storage">The embedded TSDB every instance feeds from its WAL; null when storage is disabled.</param>
    public InstanceManager(MetricsRegistry registry, HostMetrics metrics, ILogger log, LocalStorage? storage = null, TsdbMetrics? tsdbMetrics = null)
    {
        _registry = registry;
        _metrics = metrics;
        _log = log;
        _storage = storage;
        _tsdbMetrics = tsdbMetrics;
    }

    /// <summary>The configured instance names, sorted.</summary>
    public IReadOnlyList<string> Names
    {
        get
        {
            var names = _slots.Keys.ToList();
            names.Sort(StringComparer.Ordinal);
            return names;
        }
    }

    public InstanceSlot? Find(string name) => _slots.TryGetValue(name, out var slot) ? slot : null;

    /// <summary>
    /// Creates the slots of instances about to start, before the listener opens: a push that
    /// arrives while they start waits for them instead of getting a 404, which a sender would
    /// treat as permanent and drop.
    /// </summary>
    public void Reserve(IEnumerable<string> names)
    {
        foreach (var name in names)
        {
            _slots.GetOrAdd(name, n => new InstanceSlot(n));
        }
    }

    /// <summary>True when every named instance has a run (or is between two runs of a restart).</summary>
    public bool AreRunning(IEnumerable<string> names) => names.All(n => _specs.ContainsKey(n) && _slots.ContainsKey(n));

    /// <summary>Makes the running set match <paramref name="specs"/>: starts added, stops removed, restarts changed.</summary>
    /// <returns>One line per instance that failed to start (empty when all is well).</returns>
    public async Task<IReadOnlyList<string>> ApplyAsync(IReadOnlyList<InstanceSpec> specs)
    {
        await _applyGate.WaitAsync().ConfigureAwait(false);
        try
        {
            var errors = new List<string>();
            var wanted = specs.ToDictionary(s => s.Name, StringComparer.Ordinal);
            foreach (var name in _specs.Keys.Where(n => !wanted.ContainsKey(n)).ToList())
            {
                await RemoveAsync(name).ConfigureAwait(false);
            }

            foreach (var spec in specs)
            {
                if (_specs.TryGetValue(spec.Name, out var old) && string.Equals(old.Key, spec.Key, StringComparison.Ordinal))
                {
                    continue;
                }

                var error = old is not null && string.Equals(old.RunKey, spec.RunKey, StringComparison.Ordinal)
                    ? await ApplyScrapeConfigsAsync(spec).ConfigureAwait(false)
                    : await StartOrRestartAsync(spec).ConfigureAwait(false);
                if (error is not null)
                {
                    errors.Add(error);
                }
            }

            return errors;
        }
        finally
        {
            _applyGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ApplyAsync([]).ConfigureAwait(false);
        _applyGate.Dispose();
    }

    /// <summary>Only scrape configs changed: apply them to the running instance, which keeps running either way.</summary>
    private async Task<string?> ApplyScrapeConfigsAsync(InstanceSpec spec)
    {
        if (Find(spec.Name)?.Current is not { } run)
        {
            return await StartOrRestartAsync(spec).ConfigureAwait(false);
        }

        try
        {
            await run.ApplyScrapeConfigsAsync(spec).ConfigureAwait(false);
            _specs[spec.Name] = spec;
            _log.LogInformation("instance {Instance}: scrape configs reloaded", spec.Name);
            return null;
        }
#pragma warning disable CA1031 // Whatever stops the new scrape configs is reported; the instance keeps the previous ones.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return $"instance {spec.Name}: cannot apply the new scrape configs, kept the previous ones: {ex.Message.ReplaceLineEndings(" ")}";
        }
    }

    private async Task<string?> StartOrRestartAsync(InstanceSpec spec)
    {
        var slot = _slots.GetOrAdd(spec.Name, n => new InstanceSlot(n));
        _specs.TryGetValue(spec.Name, out var previous);
        if (slot.Withdraw() is { } old)
        {
            // A restart need not flush: the new run resumes every queue from its saved position.
            await old.StopAsync(TimeSpan.Zero).ConfigureAwait(false);
            _metrics.InstancesActive.Dec();
        }

        var error = await TryStartAsync(slot, spec).ConfigureAwait(false);
        if (error is null)
        {
            return null;
        }

        // A changed config that cannot start must not take the running instance down with it.
        if (previous is not null && await TryStartAsync(slot, previous).ConfigureAwait(false) is null)
        {
            return $"instance {spec.Name}: cannot start the new configuration, kept the previous one: {error}";
        }

        _specs.Remove(spec.Name);
        _slots.TryRemove(spec.Name, out _);
        slot.MarkRemoved();
        return $"instance {spec.Name}: cannot start: {error}";
    }

    /// <returns>null when the run started and was published, else the reason.</returns>
    private async Task<string?> TryStartAsync(InstanceSlot slot, InstanceSpec spec)
    {
        try
        {
            var run = await InstanceRun.StartAsync(spec, _registry, _metrics, _log, _storage, _tsdbMetrics).ConfigureAwait(false);
            _specs[spec.Name] = spec;
            slot.Publish(run);
            _metrics.InstancesActive.Inc();
            _log.LogInformation("instance {Instance} started (wal {Wal})", spec.Name, spec.WalDirectory);
            return null;
        }
#pragma warning disable CA1031 // Whatever stops one instance from starting is reported for that instance; the rest keep running.
        catch (Exception ex) when (ex is not OutOfMemoryException)
#pragma warning restore CA1031
        {
            return ex.Message.ReplaceLineEndings(" ");
        }
    }

    private async Task RemoveAsync(string name)
    {
        _specs.Remove(name);
        if (!_slots.TryRemove(name, out var slot))
        {
            return;
        }

        var run = slot.Withdraw();
        slot.MarkRemoved();
        if (run is not null)
        {
            await run.StopAsync(run.Spec.Config.RemoteFlushDeadline).ConfigureAwait(false);
            _metrics.InstancesActive.Dec();
            _log.LogInformation("instance {Instance} stopped", name);
        }
    }
}
