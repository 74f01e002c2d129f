using Vigil.Monitors.Scheduling;
using Vigil.Scrape.Loop;

namespace Vigil.Instances;

/// <summary>Monitors write into the running instance of their name, under a lease so the run cannot stop mid-commit.</summary>
internal sealed class MonitorInstanceOutput(InstanceManager instances) : IMonitorOutput
{
    public IMonitorAppendLease? TryOpen(string instance)
    {
        if (instances.Find(instance)?.Current is not { } run || !run.TryAcquire())
        {
            return null;
        }

        return new Lease(run);
    }

    private sealed class Lease(InstanceRun run) : IMonitorAppendLease
    {
        public IScrapeAppender Appender { get; } = run.CreateAppender();

        public object Run => run;

        public void Dispose() => run.Release();
    }
}
