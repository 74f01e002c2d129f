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

        // What the managed heap holds against the process's RSS (issue 5's RSS per active series), as of the last GC.
        processScope.Gauge("vigil_gc_heap_bytes", "Managed heap size at the last garbage collection.").SetSource(static () => GC.GetGCMemoryInfo().HeapSizeBytes);
        processScope.Gauge("vigil_gc_fragmented_bytes", "Free space inside the managed heap at the last garbage collection.").SetSource(static () => GC.GetGCMemoryInfo().FragmentedBytes);
        processScope.Gauge("vigil_gc_committed_bytes", "Memory committed for the managed heap.").SetSource(static () => GC.GetGCMemoryInfo().TotalCommittedBytes);
        var generationSize = processScope.GaugeFamily("vigil_gc_generation_size_bytes", "Size of each managed heap generation after the last garbage collection, free space included.", "generation");
        var generationFree = processScope.GaugeFamily("vigil_gc_generation_fragmented_bytes", "Free space inside each managed heap generation after the last garbage collection.", "generation");
        string[] generations = ["0", "1", "2", "loh", "poh"];
        for (int g = 0; g < generations.Length; g++)
        {
            int index = g;
            processScope.Child(generationSize, generations[g]).SetSource(() => GC.GetGCMemoryInfo().GenerationInfo[index].SizeAfterBytes);
            processScope.Child(generationFree, generations[g]).SetSource(() => GC.GetGCMemoryInfo().GenerationInfo[index].FragmentationAfterBytes);
        }

        processScope.Counter("vigil_gc_full_collections_total", "Full (generation 2) garbage collections since start.").SetSource(static () => GC.CollectionCount(2));
    }

    public ReceiverMetrics Receiver { get; }

    public WalMetrics Wal { get; }

    public QueueMetrics Queue { get; }

    public ScrapeMetrics Scrape { get; }

    public Gauge InstancesActive { get; }

    public Counter ReloadSuccess { get; }

    public Counter ReloadFailure { get; }
}
