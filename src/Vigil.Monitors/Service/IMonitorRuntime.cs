using Vigil.Monitors.Model;
using Vigil.Monitors.Templates;

namespace Vigil.Monitors.Service;

/// <summary>
/// What runs monitors (the scheduler), as the service sees it: start or replace one, stop one. Stopping returns
/// only once the monitor holds nothing: no collection of it runs on, and its connection lease is disposed.
/// </summary>
internal interface IMonitorRuntime
{
    /// <summary>Starts <paramref name="monitor"/>, or replaces its running settings; its next run follows the new interval.</summary>
    void Schedule(MonitorDefinition monitor, MonitorTemplate template);

    /// <summary>Stops the monitor (pause or delete) and disposes everything it held.</summary>
    Task UnscheduleAsync(string id);

    /// <summary>One collection of a monitor that is not scheduled, with its own leases disposed after (the API's test).</summary>
    Task<CollectionOutcome> CollectOnceAsync(MonitorDefinition monitor, MonitorTemplate template);
}

/// <summary>What a one-off collection found: the rows, or the failure with its reason.</summary>
internal sealed record CollectionOutcome(string? Reason, string? Error, TimeSpan Duration, Collectors.CollectionRows Rows);
