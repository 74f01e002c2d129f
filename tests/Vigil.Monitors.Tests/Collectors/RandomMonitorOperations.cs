using Vigil.Monitors.Model;
using Vigil.Monitors.Templates;
using Vigil.Monitors.Tests.Scheduling;

namespace Vigil.Monitors.Tests.Collectors;

/// <summary>
/// The churn of issue 7's and issue 8's lifecycle tests: one random create, edit, pause (or delete), or resume of a
/// monitor against one of some targets, with the book-keeping of which monitor is active on which target.
/// </summary>
internal sealed class RandomMonitorOperations<TTarget>(
    SchedulerKit kit, MonitorTemplate template, Func<string, TTarget, MonitorDefinition> monitor, TTarget[] targets, int maxMonitors, string idPrefix)
    where TTarget : class
{
    /// <summary>Active monitors by id, and the target each one collects now.</summary>
    public Dictionary<string, TTarget> Active { get; } = [];

    /// <summary>Paused monitors by id (a stopped monitor not paused is deleted and forgotten).</summary>
    public Dictionary<string, TTarget> Paused { get; } = [];

    public async Task ApplyAsync(Random random, int op)
    {
        var target = targets[random.Next(targets.Length)];
        switch (random.Next(5))
        {
            case 0 or 1 when Active.Count + Paused.Count < maxMonitors:
                var id = idPrefix + op;
                kit.Scheduler.Schedule(monitor(id, target), template);
                Active[id] = target;
                break;
            case 2 when Active.Count > 0:
                var edited = Active.Keys.ElementAt(random.Next(Active.Count));
                kit.Scheduler.Schedule(monitor(edited, target), template);
                Active[edited] = target;
                break;
            case 3 when Active.Count > 0:
                var stopped = Active.Keys.ElementAt(random.Next(Active.Count));
                await kit.Scheduler.UnscheduleAsync(stopped);
                if (random.Next(2) == 0)
                {
                    Paused[stopped] = Active[stopped];
                }

                Active.Remove(stopped);
                break;
            case 4 when Paused.Count > 0:
                var resumed = Paused.Keys.ElementAt(random.Next(Paused.Count));
                kit.Scheduler.Schedule(monitor(resumed, Paused[resumed]), template);
                Active[resumed] = Paused[resumed];
                Paused.Remove(resumed);
                break;
        }
    }
}
