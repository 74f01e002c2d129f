using Vigil.Monitors.Collectors;
using Vigil.Monitors.Model;
using Vigil.Monitors.Templates;

namespace Vigil.Monitors.Scheduling;

/// <summary>
/// One monitor inside the scheduler: its settings in force, its wheel entry and phase, and what it owns while it
/// runs: its rows, its series, its connection leases. Disposed (leases closed) when it is unscheduled.
/// </summary>
internal sealed class ScheduledMonitor
{
    private readonly CancellationTokenSource _stopping = new();
    private int _running;

    public ScheduledMonitor(MonitorDefinition definition, MonitorTemplate template, ConnectionLeases leases)
    {
        Definition = definition;
        Template = template;
        Leases = leases;
        Rows = new CollectionRows(template);
        Writer = new MonitorSeriesWriter(definition);
        Entry = new TimingWheel<ScheduledMonitor>.Entry(this);
        GroupLastRunMs = new long[template.Metrics.Count];
        Array.Fill(GroupLastRunMs, long.MinValue);
    }

    public string Id => Definition.Id;

    public MonitorDefinition Definition { get; private set; }

    public MonitorTemplate Template { get; private set; }

    public ConnectionLeases Leases { get; }

    public CollectionRows Rows { get; set; }

    public MonitorSeriesWriter Writer { get; private set; }

    /// <summary>Writers replaced by an edit whose series the next round marks stale.</summary>
    public List<MonitorSeriesWriter> Retired { get; } = [];

    public TimingWheel<ScheduledMonitor>.Entry Entry { get; }

    /// <summary>Unix milliseconds of the run the wheel holds.</summary>
    public long DueMs { get; set; }

    /// <summary>When each group last ran (unix ms), for groups with their own interval.</summary>
    public long[] GroupLastRunMs { get; private set; }

    /// <summary>The round in flight, awaited when the monitor stops.</summary>
    public Task InFlight { get; set; } = Task.CompletedTask;

    /// <summary>
    /// A collection given up on at its timeout that has not returned yet. It still uses the monitor's series cache,
    /// which one round at a time may use, so no round starts until it ends (issue 7, the abandoned-round race).
    /// </summary>
    public Task Abandoned { get; set; } = Task.CompletedTask;

    public CancellationToken Stopping => _stopping.Token;

    public bool IsStopped => _stopping.IsCancellationRequested;

    /// <summary>The last status reported to the sink, to report changes only.</summary>
    public (MonitorStatus Status, string? Error)? Reported { get; set; }

    /// <summary>Claims the monitor for one round; false while the previous round still runs.</summary>
    public bool TryStartRound() => Interlocked.CompareExchange(ref _running, 1, 0) == 0;

    public void EndRound() => Volatile.Write(ref _running, 0);

    /// <summary>Takes new settings. Returns whether the phase (interval) changed, so the caller re-places it in the wheel.</summary>
    public bool Update(MonitorDefinition definition, MonitorTemplate template)
    {
        var old = Definition;
        var seriesChanged = old.Name != definition.Name || old.App != definition.App || old.Instance != definition.Instance
            || !old.Labels.OrderBy(l => l.Key, StringComparer.Ordinal).SequenceEqual(definition.Labels.OrderBy(l => l.Key, StringComparer.Ordinal));
        if (!ReferenceEquals(template, Template))
        {
            Rows = new CollectionRows(template);
            GroupLastRunMs = new long[template.Metrics.Count];
            Array.Fill(GroupLastRunMs, long.MinValue);
            seriesChanged = true;
        }

        if (seriesChanged)
        {
            Retired.Add(Writer);
            Writer = new MonitorSeriesWriter(definition);
        }

        Definition = definition;
        Template = template;
        return old.Interval != definition.Interval;
    }

    public void Stop() => _stopping.Cancel();

    /// <summary>Frees the stop signal once nothing can observe it any more.</summary>
    public void Release() => _stopping.Dispose();
}
