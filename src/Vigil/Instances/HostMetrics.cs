using Vigil.Common.Metrics;
using Vigil.RemoteWrite.Queue;
using Vigil.RemoteWrite.Receive;
using Vigil.Scrape.Metrics;

namespace Vigil.Instances;

/// <summary>The process-lifetime metric families, registered once when the host starts.</summary>
internal sealed class HostMetrics
{
    public HostMetrics(MetricsScope processScope, string version)
    {
        Receiver = new ReceiverMetrics(processScope);
        Wal = new WalMetrics(processScope);
        Queue = new QueueMetrics(processScope);
        Scrape = new ScrapeMetrics(processScope);
        InstancesActive = processScope.Gauge("vigil_instances_active", "Instances currently running.");
        var reloads = processScope.CounterFamily("vigil_config_reloads_total", "Configuration reloads by result.", "result");
        ReloadSuccess = processScope.Child(reloads, "success");
        ReloadFailure = processScope.Child(reloads, "failure");
        var build = processScope.GaugeFamily("vigil_build_info", "Always 1; labelled with the running version.", "version");
        processScope.Child(build, version).Set(1);
    }

    public ReceiverMetrics Receiver { get; }

    public WalMetrics Wal { get; }

    public QueueMetrics Queue { get; }

    public ScrapeMetrics Scrape { get; }

    public Gauge InstancesActive { get; }

    public Counter ReloadSuccess { get; }

    public Counter ReloadFailure { get; }
}
