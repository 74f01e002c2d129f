using Microsoft.Extensions.Logging;
using Vigil.Common.Metrics;
using Vigil.Monitors.Collectors;
using Vigil.Monitors.Metrics;
using Vigil.Monitors.Model;
using Vigil.Monitors.Service;
using Vigil.Monitors.Templates;

namespace Vigil.Monitors.Scheduling;

/// <summary>
/// Runs every monitor on its interval (issue 7, "The scheduler"). A hashed timing wheel holds each monitor's next
/// run; the phase within the interval comes from a hash of the monitor's id (deterministic jitter, as Prometheus
/// spreads targets), so thousands of monitors on one interval are spread over it and keep their phase across
/// restarts. Collections run on the thread pool, at most <see cref="SchedulerOptions.MaxConcurrency"/> at once,
/// each under a hard timeout; a hung target only holds its own monitor, whose next round is skipped while the
/// hung one runs. An edited interval places the monitor at its new phase, so it takes effect at the next run.
/// </summary>
internal sealed partial class MonitorScheduler : IMonitorRuntime, IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly Dictionary<string, ScheduledMonitor> _monitors = new(StringComparer.Ordinal);
    private readonly TimingWheel<ScheduledMonitor> _wheel;
    private readonly SchedulerOptions _options;
    private readonly IReadOnlyDictionary<string, ICollector> _collectors;
    private readonly IMonitorOutput _output;
    private readonly IMonitorStatusSink _status;
    private readonly TimeProvider _time;
    private readonly ILogger _log;
    private readonly MetricsScope _scope;
    private readonly SemaphoreSlim _concurrency;
    private readonly CancellationTokenSource _shutdown = new();
    private readonly long _tickMs;
    private Task _loop = Task.CompletedTask;

    /// <param name="scope">The scheduler's own metrics scope: it registers its metrics there and disposes it with itself.</param>
    public MonitorScheduler(
        SchedulerOptions options, IEnumerable<ICollector> collectors, IMonitorOutput output, IMonitorStatusSink status, MetricsScope scope, ILogger log, TimeProvider? time = null)
    {
        _options = options;
        _collectors = collectors.ToDictionary(c => c.Protocol, StringComparer.Ordinal);
        _output = output;
        _status = status;
        _scope = scope;
        _log = log;
        _time = time ?? TimeProvider.System;
        _tickMs = Math.Max(1, (long)options.Tick.TotalMilliseconds);
        _concurrency = new SemaphoreSlim(options.MaxConcurrency, options.MaxConcurrency);
        _wheel = new TimingWheel<ScheduledMonitor>(options.WheelSlots, NowMs() / _tickMs);
        Metrics = new MonitorMetrics(scope);
        foreach (var collector in _collectors.Values.OfType<ICollectorMetrics>())
        {
            collector.RegisterMetrics(scope);
        }
    }

    public MonitorMetrics Metrics { get; }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _monitors.Count;
            }
        }
    }

    /// <summary>Starts the tick loop.</summary>
    public void Start() => _loop = Task.Run(TickLoopAsync);

    /// <summary>The lease state of a running monitor (the API's view), or null when it is not scheduled.</summary>
    public LeaseState? Lease(string id)
    {
        lock (_gate)
        {
            return _monitors.TryGetValue(id, out var monitor) ? monitor.Leases.State : null;
        }
    }

    public void Schedule(MonitorDefinition monitor, MonitorTemplate template)
    {
        lock (_gate)
        {
            if (_monitors.TryGetValue(monitor.Id, out var scheduled))
            {
                bool rephase;
                var protocolChanged = scheduled.Template.Protocol != template.Protocol;
                lock (scheduled)
                {
                    rephase = scheduled.Update(monitor, template);
                }

                if (protocolChanged)
                {
                    // The new collector may hold no lease at all; the old protocol's client must not outlive the change.
                    _ = scheduled.Leases.CloseAsync();
                }

                if (rephase && _wheel.Remove(scheduled.Entry))
                {
                    Place(scheduled);
                }

                return;
            }

            scheduled = new ScheduledMonitor(monitor, template, new ConnectionLeases(Metrics.Connections, _time));
            _monitors.Add(monitor.Id, scheduled);
            Metrics.Scheduled.Inc();
            Place(scheduled);
        }
    }

    public async Task UnscheduleAsync(string id)
    {
        ScheduledMonitor? monitor;
        lock (_gate)
        {
            if (!_monitors.Remove(id, out monitor))
            {
                return;
            }

            _wheel.Remove(monitor.Entry);
            Metrics.Scheduled.Dec();
        }

        await StopAsync(monitor).ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        await _shutdown.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        ScheduledMonitor[] all;
        lock (_gate)
        {
            all = [.. _monitors.Values];
            _monitors.Clear();
        }

        await Task.WhenAll(all.Select(StopAsync)).ConfigureAwait(false);
        _shutdown.Dispose();
        _concurrency.Dispose();
        _scope.Dispose();
    }

    /// <summary>
    /// The monitor's phase: a 64-bit FNV-1a of its id modulo the interval. Stable across processes (unlike
    /// <c>string.GetHashCode</c>), so a restarted Vigil collects each monitor at the same point of its interval.
    /// </summary>
    internal static long PhaseMs(string id, long intervalMs)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in id)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return (long)(hash % (ulong)intervalMs);
    }

    /// <summary>The first time at or after <paramref name="afterMs"/> that falls on the monitor's phase.</summary>
    internal static long NextDueMs(long afterMs, long intervalMs, long phaseMs)
    {
        var remainder = ((afterMs - phaseMs) % intervalMs + intervalMs) % intervalMs;
        return remainder == 0 ? afterMs : afterMs + intervalMs - remainder;
    }

    private long NowMs() => _time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>Puts a monitor in the wheel at its next phase-aligned time after now. Called under the lock.</summary>
    private void Place(ScheduledMonitor monitor)
    {
        var intervalMs = (long)monitor.Definition.Interval.TotalMilliseconds;
        monitor.DueMs = NextDueMs(NowMs() + 1, intervalMs, PhaseMs(monitor.Id, intervalMs));
        _wheel.Add(monitor.Entry, (monitor.DueMs + _tickMs - 1) / _tickMs);
    }

    private async Task TickLoopAsync()
    {
        var due = new List<TimingWheel<ScheduledMonitor>.Entry>();
        using var timer = new PeriodicTimer(_options.Tick, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(_shutdown.Token).ConfigureAwait(false))
            {
                Fire(due);
            }
        }
        catch (OperationCanceledException) when (_shutdown.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    /// <summary>Takes what is due from the wheel, puts each monitor back at its next run, and starts the due rounds.</summary>
    private void Fire(List<TimingWheel<ScheduledMonitor>.Entry> due)
    {
        due.Clear();
        lock (_gate)
        {
            _wheel.Advance(NowMs() / _tickMs, due);
            foreach (var entry in due)
            {
                var monitor = entry.Value;
                var dueMs = monitor.DueMs;
                Place(monitor);
                Dispatch(monitor, dueMs);
            }
        }
    }
}
