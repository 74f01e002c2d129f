using System.Diagnostics;
using Vigil.Monitors.Collectors;
using Vigil.Monitors.Metrics;
using Vigil.Monitors.Model;
using Vigil.Monitors.Service;
using Vigil.Monitors.Templates;

namespace Vigil.Monitors.Scheduling;

/// <summary><c>POST /api/v1/monitors/test</c>: a collection outside the wheel that writes nothing and keeps nothing.</summary>
internal sealed partial class MonitorScheduler
{
    public async Task<CollectionOutcome> CollectOnceAsync(MonitorDefinition monitor, MonitorTemplate template)
    {
        // Its own leases, counted nowhere and closed when the test ends: a test never shares a scheduled monitor's client.
        var once = new ScheduledMonitor(monitor, template, new ConnectionLeases(ConnectionMetrics.Unregistered(), _time));
        try
        {
            once.Rows.Reset(_ => true);
            once.Writer.Cache.BeginRound();
            var started = Stopwatch.GetTimestamp();
            var (reason, error) = await CollectAsync(once, monitor, template, once.Rows, once.Writer.Cache).ConfigureAwait(false);
            return new CollectionOutcome(reason, error, Stopwatch.GetElapsedTime(started), once.Rows);
        }
        finally
        {
            await once.Leases.DisposeAsync().ConfigureAwait(false);
            once.Release();
        }
    }
}
